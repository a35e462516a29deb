// The residual check of singular triplets a user holds (svdResiduals), also
// the error estimate of truncatedSvd's randomized method. Runs on the shared
// synchronous workspace of svd-update's module (docs/ARCHITECTURE.md, "The
// runtime"), the products with A through the CSR kernels only.
import { asMatrix, asVector, BACKEND, LowrankError, readOptions, type BackendOptions, type CsrMatrix, type DenseMatrix } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { asBatch } from "./input.js";
import { svdUpdateModule } from "./module.js";
import { maxAbs, scaleExponent, scaleInto } from "./scale.js";
import { checkBytes } from "./workspace.js";

/**
 * Residuals r_i = sqrt(‖A v_i − s_i u_i‖² + ‖Aᵀ u_i − s_i v_i‖²) / s_1 of the
 * checked A (CSR), U (m x k), s, V (n x k); s_1 is max |s_i| (the residuals
 * are relative to the largest |A_ij| when it is 0). A and s are scaled by one power of two first,
 * so no product overflows. O(nnz k + (m + n) k).
 */
export function residualsOf(A: CsrMatrix, U: Float64Array, s: Float64Array, V: Float64Array, backend: BackendOptions["backend"]): Float64Array {
  const m = A.rows, n = A.cols, k = s.length, nnz = A.indptr[m];
  const bytes = arenaBytes(nnz + 2 * (m + n) * k + k, nnz + m + 1, 12);
  checkBytes(bytes, "svdResiduals");
  const s1 = maxAbs(s), e = scaleExponent(Math.max(maxAbs(A.data, nnz), s1));
  return svdUpdateModule.run(backend, bytes, (ws) => {
    const K = ws.kernels;
    const indptr = ws.i32(m + 1), indices = ws.i32(nnz), data = ws.f64(nnz);
    indptr.set(A.indptr.subarray(0, m + 1));
    indices.set(A.indices.subarray(0, nnz));
    if (e !== 0) scaleInto(A.data, -e, data, nnz);
    else data.set(A.data.subarray(0, nnz));
    const Uw = ws.f64(m * k), Vw = ws.f64(n * k), AV = ws.f64(m * k), AtU = ws.f64(n * k), sw = ws.f64(k);
    Uw.set(U.subarray(0, m * k));
    Vw.set(V.subarray(0, n * k));
    if (e !== 0) scaleInto(s, -e, sw, k);
    else sw.set(s);
    K.spmm(m, k, indptr, indices, data, Vw, AV);
    K.spmmT(m, n, k, indptr, indices, data, Uw, AtU);
    const r2 = new Float64Array(k);
    // Relative to s_1, or to A's largest entry when every s_i is 0 (then 1 for a zero A).
    const norm = maxAbs(sw) || maxAbs(data) || 1;
    // Column sums of squares, each column scaled by its largest entry against under- and overflow.
    const add = (R: Float64Array, X: Float64Array, rows: number) => {
      for (let i = 0; i < k; i++) {
        let big = 0;
        for (let t = 0; t < rows; t++) big = Math.max(big, Math.abs(R[t * k + i] - sw[i] * X[t * k + i]));
        if (big === 0) continue;
        let ss = 0;
        for (let t = 0; t < rows; t++) {
          const d = (R[t * k + i] - sw[i] * X[t * k + i]) / big;
          ss += d * d;
        }
        const val = big * Math.sqrt(ss) / norm;
        r2[i] = Math.hypot(r2[i], val);
      }
    };
    add(AV, Uw, m);
    add(AtU, Vw, n);
    return r2;
  });
}

/** Options of {@link svdResiduals}. */
export type SvdResidualsOptions = BackendOptions;

/**
 * Residuals of singular triplets a user holds: for each i,
 * sqrt(‖A v_i − s_i u_i‖² + ‖Aᵀ u_i − s_i v_i‖²) / s_1 (s_1 the largest
 * |s_i|; when every s_i is 0, the largest |A_ij| instead). Small residuals mean each (u_i, s_i,
 * v_i) is a singular triplet of A to that relative accuracy (|s_i − σ| is at
 * most the residual times s_1 for some singular value σ of A). A is CSR or
 * any dense form; U is m x k, V is n x k (any dense form), s has k entries.
 * Errors: SHAPE, EMPTY, NON_FINITE, INDEX, INVALID_ARGUMENT, TOO_LARGE.
 * O(nnz k + (m + n) k).
 *
 * @example
 * const f = await truncatedSvd(A, { rank: 10 });
 * const r = svdResiduals(A, f); // each about 1e-12 or below
 */
export function svdResiduals(A: CsrMatrix | DenseMatrix, factors: { U: unknown; s: unknown; V: unknown }, opts?: SvdResidualsOptions): Float64Array {
  const op = readOptions("svdResiduals", opts, { backend: BACKEND });
  if (factors === null || typeof factors !== "object") throw new LowrankError("INVALID_ARGUMENT", "svdResiduals: factors must be an object { U, s, V }");
  const C = asBatch(A, "A");
  const U = asMatrix(factors.U, "U"), V = asMatrix(factors.V, "V"), s = asVector(factors.s, "s");
  const k = s.length;
  if (U.rows !== C.rows || U.cols !== k) throw new LowrankError("SHAPE", `U must be ${C.rows} x ${k} (A's rows x s's length), got ${U.rows} x ${U.cols}`);
  if (V.rows !== C.cols || V.cols !== k) throw new LowrankError("SHAPE", `V must be ${C.cols} x ${k} (A's columns x s's length), got ${V.rows} x ${V.cols}`);
  if (k === 0) return new Float64Array(0);
  for (const [X, name] of [[U.data, "U"], [V.data, "V"]] as const) {
    if (maxAbs(X) > 1 + 1e-6) throw new LowrankError("INVALID_ARGUMENT", `svdResiduals: ${name} has an entry of magnitude above 1; singular vectors have unit norm`);
  }
  return residualsOf(C, U.data, s, V.data, op.backend);
}
