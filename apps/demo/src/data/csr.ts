import type { CsrMatrix } from "@lowrank/linalg";

/** The folder the data files are served from, for handing to a worker (which has no document). */
export function dataBase(): string {
  return new URL("data/", document.baseURI).href;
}

/** Loads a CSR matrix written by scripts/prepare-data.mjs, with its metadata. */
export async function fetchCsr<M>(base: string, name: string): Promise<{ matrix: CsrMatrix; meta: M }> {
  const [metaRes, binRes] = await Promise.all([fetch(new URL(`${name}.json`, base)), fetch(new URL(`${name}.bin`, base))]);
  if (!metaRes.ok || !binRes.ok) throw new Error(`could not load data/${name} (HTTP ${metaRes.status}, ${binRes.status})`);
  const meta = (await metaRes.json()) as M & { rows: number; cols: number; nnz: number };
  const buf = await binRes.arrayBuffer();
  const { rows, cols, nnz } = meta;
  return {
    matrix: {
      rows,
      cols,
      indptr: new Int32Array(buf, 0, rows + 1),
      indices: new Int32Array(buf, (rows + 1) * 4, nnz),
      // Float64Array needs 8-byte alignment, which the offset after the int32 sections may not have.
      data: new Float64Array(buf.slice((rows + 1 + nnz) * 4)),
    },
    meta,
  };
}

/** Rows r0 .. r1 of a CSR matrix, as their own CSR matrix (views where possible). */
export function csrRows(A: CsrMatrix, r0: number, r1: number): CsrMatrix {
  const p0 = A.indptr[r0], p1 = A.indptr[r1];
  const indptr = new Int32Array(r1 - r0 + 1);
  for (let i = 0; i <= r1 - r0; i++) indptr[i] = A.indptr[r0 + i] - p0;
  return { rows: r1 - r0, cols: A.cols, indptr, indices: A.indices.subarray(p0, p1), data: A.data.subarray(p0, p1) };
}
