import { checkQrBlockedWork, type FactorKernels } from "./factor-kernels.js";

/** Exports of the factorisation kernels in assembly/ (pointers are byte offsets, booleans 0/1). */
export interface FactorExports {
  householderQr(m: number, n: number, A: number, lda: number, tau: number, work: number): void;
  householderQ(m: number, k: number, A: number, lda: number, tau: number, Q: number, ldq: number, work: number): void;
  householderQrBlocked(m: number, n: number, A: number, lda: number, tau: number, work: number): void;
  householderQBlocked(m: number, k: number, A: number, lda: number, tau: number, Q: number, ldq: number, work: number): void;
  qrBlockedWorkSize(m: number, n: number): number;
  jacobiRows(r: number, c: number, cw: number, X: number, ldx: number, d: number, tol: number, maxSweeps: number): number;
  jacobiRowsScaled(r: number, c: number, cw: number, X: number, ldx: number, d: number, tol: number, maxSweeps: number, work: number): number;
  tridiagonalize(n: number, A: number, lda: number, d: number, e: number, tau: number, work: number): void;
  tridiagonalQt(n: number, A: number, lda: number, tau: number, Z: number, ldz: number): void;
  tridiagonalQl(n: number, d: number, e: number, Z: number, ldz: number, maxIter: number): number;
  cholesky(n: number, A: number, lda: number): number;
  triangularSolve(
    lower: number, trans: number, unit: number, n: number, k: number,
    T: number, ldt: number, B: number, ldb: number,
  ): number;
}

/** Binds the factorisation exports; `p` turns a view into its byte offset (checking its memory). */
export function bindFactor(x: FactorExports, p: (a: Float64Array | Int32Array) => number): FactorKernels {
  return {
    householderQr: (m, n, A, lda, tau, work) => x.householderQr(m, n, p(A), lda, p(tau), p(work)),
    householderQ: (m, k, A, lda, tau, Q, ldq, work) => x.householderQ(m, k, p(A), lda, p(tau), p(Q), ldq, p(work)),
    householderQrBlocked(m, n, A, lda, tau, work) {
      checkQrBlockedWork("householderQrBlocked", m, n, work);
      x.householderQrBlocked(m, n, p(A), lda, p(tau), p(work));
    },
    householderQBlocked(m, k, A, lda, tau, Q, ldq, work) {
      checkQrBlockedWork("householderQBlocked", m, k, work);
      x.householderQBlocked(m, k, p(A), lda, p(tau), p(Q), ldq, p(work));
    },
    jacobiRows: (r, c, cw, X, ldx, d, tol, maxSweeps) => x.jacobiRows(r, c, cw, p(X), ldx, p(d), tol, maxSweeps),
    jacobiRowsScaled: (r, c, cw, X, ldx, d, tol, maxSweeps, work) => x.jacobiRowsScaled(r, c, cw, p(X), ldx, p(d), tol, maxSweeps, p(work)),
    tridiagonalize: (n, A, lda, d, e, tau, work) => x.tridiagonalize(n, p(A), lda, p(d), p(e), p(tau), p(work)),
    tridiagonalQt: (n, A, lda, tau, Z, ldz) => x.tridiagonalQt(n, p(A), lda, p(tau), p(Z), ldz),
    tridiagonalQl: (n, d, e, Z, ldz, maxIter) => x.tridiagonalQl(n, p(d), p(e), p(Z), ldz, maxIter),
    cholesky: (n, A, lda) => x.cholesky(n, p(A), lda),
    triangularSolve: (lower, trans, unit, n, k, T, ldt, B, ldb) =>
      x.triangularSolve(lower ? 1 : 0, trans ? 1 : 0, unit ? 1 : 0, n, k, p(T), ldt, p(B), ldb),
  };
}
