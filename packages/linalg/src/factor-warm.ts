import type { Arena } from "./arena.js";
import { triangleWithIdentity } from "./drivers.js";
import { tridiagonalDc, tridiagonalDcWorkSize } from "./eigh-dc.js";
import { qrBlockedWorkSize } from "./kernels/qr-blocked.js";
import { tridiagonalApplyQtWorkSize } from "./kernels/tridiagonal.js";
import { tridiagonalizeBlockedWorkSize } from "./kernels/tridiagonal-blocked.js";
import type { LinalgKernels } from "./kernels/index.js";

/**
 * Runs the factorisation kernels ten times each on 8 x 8 inputs so V8
 * optimises them before real work. Takes about 3.5 KiB from `arena` (the caller
 * reserved the room and releases it).
 */
export function warmFactorizations(k: LinalgKernels, arena: Arena): void {
  const n = 8;
  const A = arena.f64(n * n), S = arena.f64(n * n), Z = arena.f64(n * n), X = arena.f64(n * 2 * n);
  const tau = arena.f64(n), work = arena.f64(n), d = arena.f64(n), e = arena.f64(n), b = arena.f64(n);
  const lw = 4 + 4 * n, rec = arena.f64(lw);
  for (let r = 0; r < 10; r++) {
    // A well-conditioned, symmetric positive definite matrix that changes a little each round.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i * n + j] = 1 / (1 + i + j) + (i === j ? n + r : 0);
    }
    S.set(A);
    k.householderQr(n, n, S, n, tau, work);
    k.householderQ(n, n, S, n, tau, Z, n, work);
    X.fill(0);
    triangleWithIdentity(n, S, n, X, 2 * n, true);
    k.jacobiRows(n, n, 2 * n, X, 2 * n, d, 1e-15, 30);
    S.set(A);
    k.tridiagonalize(n, S, n, d, e, tau, work);
    k.tridiagonalQt(n, S, n, tau, Z, n);
    k.tridiagonalQl(n, d, e, Z, n, 30 * n);
    S.set(A);
    k.tridiagonalize(n, S, n, d, e, tau, work);
    k.tridiagonalQlBatched(n, d, e, Z, n, 30 * n, rec, lw);
    S.set(A);
    k.bidiagonalize(n, S, n, d, e, tau, b, work);
    k.bidiagonalQr(n, d, e, Z, n, X.subarray(0, n * n), n, rec, lw);
    S.set(A);
    k.cholesky(n, S, n);
    b.fill(1);
    k.triangularSolve(true, false, false, n, 1, S, n, b, 1);
    k.triangularSolve(true, true, false, n, 1, S, n, b, 1);
    k.triangularSolve(true, false, false, n, 1, S, n, Z, n);
  }
}

const WARM_QR_M = 120, WARM_QR_N = 100;

/** Bytes warmBlockedQr takes from the arena (about 1.6 MiB, mostly the GEMM packing scratch). */
export const WARM_BLOCKED_QR_BYTES = 8 * (2 * WARM_QR_M * WARM_QR_N + WARM_QR_N + qrBlockedWorkSize(WARM_QR_M, WARM_QR_N)) + 4 * 16;

/**
 * Runs the blocked QR kernels twice on the smallest shape that takes the
 * blocked path (120 x 100, four panels), so their panel, T and update
 * functions are optimised before the first large call (a long call runs on in
 * the tier it started in; each panel's functions are called anew, so a large
 * call moves to the optimised code from the panel after it arrives). It was
 * three times, the largest single cost of `init()`. The caller reserved
 * WARM_BLOCKED_QR_BYTES.
 */
export function warmBlockedQr(k: LinalgKernels, arena: Arena): void {
  const m = WARM_QR_M, n = WARM_QR_N;
  const A = arena.f64(m * n), Q = arena.f64(m * n), tau = arena.f64(n), work = arena.f64(qrBlockedWorkSize(m, n));
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) A[i * n + j] = 1 / (1 + i + j + r) + (i === j ? 1 : 0);
    k.householderQrBlocked(m, n, A, n, tau, work);
    k.householderQBlocked(m, n, A, n, tau, Q, n, work);
  }
}

/** Order of warmDivideAndConquer's matrix: one merge of two leaves of 20; two panels of the reduction and of Qᵀ. */
const WARM_DC_N = 40;

/** Bytes warmDivideAndConquer takes from the arena (about 1.5 MiB, mostly the GEMM packing scratch; released after). */
export const WARM_DC_BYTES = 8 * (2 * WARM_DC_N * WARM_DC_N + 4 * WARM_DC_N + tridiagonalDcWorkSize(WARM_DC_N) +
  Math.max(tridiagonalApplyQtWorkSize(WARM_DC_N, WARM_DC_N), tridiagonalizeBlockedWorkSize(WARM_DC_N))) + 16 * 16;

/**
 * Runs eigh's divide-and-conquer path twice on a 40 x 40 matrix (the
 * blocked reduction, the merges with secularEigen and their GEMMs, tridiagonalApplyQt),
 * then gives the arena back (about 8 ms of init's CPU time at 60 x 60 and
 * three rounds it was 30 ms). The caller reserved WARM_DC_BYTES.
 */
export function warmDivideAndConquer(k: LinalgKernels, arena: Arena): void {
  const n = WARM_DC_N, mark = arena.mark();
  const A = arena.f64(n * n), E = arena.f64(n * n), d = arena.f64(n), e = arena.f64(n), tau = arena.f64(n);
  const buf = arena.f64(tridiagonalDcWorkSize(n));
  const wa = arena.f64(Math.max(tridiagonalApplyQtWorkSize(n, n), tridiagonalizeBlockedWorkSize(n)));
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = 1 / (1 + i + j + r) + (i === j ? (i % 7) - 3 : 0);
    k.tridiagonalizeBlocked(n, A, n, d, e, tau, wa);
    tridiagonalDc(k, n, d, e, E, n, buf, 30 * n);
    k.tridiagonalApplyQt(n, n, A, n, tau, E, n, wa);
  }
  arena.release(mark);
}
