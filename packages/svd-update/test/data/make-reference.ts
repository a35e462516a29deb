// Writes the matrices of the Lanczos reference tests as Matrix Market files to
// /tmp (run from packages/svd-update: npx tsx test/data/make-reference.ts);
// test/data/reference.py then computes their leading singular values with
// scipy's svds (ARPACK, tol 1e-12) into test/data/*.json.
import { writeFileSync } from "node:fs";
import { writeMatrixMarket, type CsrMatrix } from "@lowrank/linalg";
import { referenceMatrices } from "../reference-matrices.js";

for (const [name, A] of Object.entries(referenceMatrices()) as [string, CsrMatrix][]) {
  writeFileSync(`/tmp/lanczos-${name}.mtx`, writeMatrixMarket(A));
  console.log(name, A.rows, A.cols, A.indptr[A.rows]);
}
