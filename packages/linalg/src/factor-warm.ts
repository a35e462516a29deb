import type { Arena } from "./arena.js";
import type { LinalgKernels } from "./kernels.js";

/**
 * Runs the factorisation kernels ten times each on 8 x 8 inputs so V8
 * optimises them before real work. Takes about 3 KiB from `arena` (the caller
 * reserved the room and releases it).
 */
export function warmFactorizations(k: LinalgKernels, arena: Arena): void {
  const n = 8;
  const A = arena.f64(n * n), S = arena.f64(n * n), Z = arena.f64(n * n), X = arena.f64(n * 2 * n);
  const tau = arena.f64(n), work = arena.f64(n), d = arena.f64(n), e = arena.f64(n), b = arena.f64(n);
  for (let r = 0; r < 10; r++) {
    // A well-conditioned, symmetric positive definite matrix that changes a little each round.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i * n + j] = 1 / (1 + i + j) + (i === j ? n + r : 0);
    }
    S.set(A);
    k.householderQr(n, n, S, n, tau, work);
    k.householderQ(n, n, S, n, tau, Z, n, work);
    X.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) X[i * 2 * n + j] = S[i * n + j];
      X[i * 2 * n + n + i] = 1;
    }
    k.jacobiRows(n, n, 2 * n, X, 2 * n, d, 1e-15, 30);
    S.set(A);
    k.tridiagonalize(n, S, n, d, e, tau, work);
    k.tridiagonalQt(n, S, n, tau, Z, n);
    k.tridiagonalQl(n, d, e, Z, n, 30 * n);
    S.set(A);
    k.cholesky(n, S, n);
    b.fill(1);
    k.triangularSolve(true, false, false, n, 1, S, n, b, 1);
    k.triangularSolve(true, true, false, n, 1, S, n, b, 1);
    k.triangularSolve(true, false, false, n, 1, S, n, Z, n);
  }
}
