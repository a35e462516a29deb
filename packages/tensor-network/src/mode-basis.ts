// Leading left singular vectors of a mode unfolding, the step shared by
// HOSVD, ST-HOSVD and HOOI (De Lathauwer, De Moor, Vandewalle 2000).
import type { Tensor } from "@lowrank/linalg";
import type { Workspace } from "@lowrank/linalg/internal";
import { eigByDc, eigScratch, leftSingular, svdScratch, symmetricEig } from "./factor.js";
import type { TensorKernels } from "./kernels/index.js";
import { unfoldInto } from "./tensor.js";
import type { UnfoldingSvd } from "./types.js";

/** Whether the Gram route runs for an unfolding with n rows and J columns. */
function useGram(route: UnfoldingSvd, n: number, J: number): boolean {
  return route === "gram" && n <= J;
}

/**
 * Whether the Gram route of a tall unfolding (n > J rows) runs on its short
 * side: only when fewer than J vectors are wanted (the trailing ones would
 * be divided by tiny singular values; the TT / TR sweeps ask for all).
 */
function useShortGram(route: UnfoldingSvd, n: number, J: number, r: number): boolean {
  return route === "gram" && n > J && r < J;
}

/** Doubles of scratch the short-side Gram routes take (r <= J): W or U, G, λ, s, V, P and two r x r blocks, the eigensolver's. */
const shortGramScratch = (n: number, J: number) => 2 * n * J + 4 * J * J + 2 * J + eigScratch(J) + 32;

/** Doubles of scratch {@link modeBasis} takes. */
export function modeBasisScratch(route: UnfoldingSvd, n: number, J: number): number {
  if (useGram(route, n, J)) return n * n + eigScratch(n) + n;
  const k = Math.min(n, J);
  // A tall unfolding on the Gram route tries its short side first and falls back to QR + Jacobi.
  const jacobi = n * J + n * k + k + svdScratch(n, J);
  return route === "gram" && n > J ? Math.max(jacobi, shortGramScratch(n, J)) : jacobi;
}

/**
 * Scratch enough for {@link modeBasis} on any unfolding of at most n rows and
 * J columns, whichever route it then takes: Jacobi's need grows with both;
 * the Gram route runs only with rows <= columns, so its rows² <= min(n², nJ),
 * or on the short side of a tall one.
 */
export function modeBasisScratchBound(n: number, J: number): number {
  return Math.max(modeBasisScratch("jacobi", n, J), 3 * Math.min(n * n, n * J) + 5 * n, n > J ? shortGramScratch(n, J) : 0);
}

/** The short side's conditioning the route accepts: λ_r >= 1e-8 λ_1 (σ_r >= 1e-4 σ_1), else QR + Jacobi. */
const SHORT_GRAM_MIN = 1e-8;

/**
 * U (n x r) = P L⁻ᵀ twice over for P = W V_r (W n x J, V_r the first r
 * columns of V, leading dimension ldv): CholeskyQR2 with PᵀP = L Lᵀ, which
 * scales P's columns (norms σ_i when V holds WᵀW's eigenvectors) to unit
 * norm and makes them orthonormal to rounding; signs and order stay V's.
 * False when a Cholesky fails (U then holds anything). O(n J r + n r²).
 */
function orthonormalImage(ws: Workspace<TensorKernels>, n: number, J: number, W: Float64Array, V: Float64Array, ldv: number, r: number, U: Float64Array): boolean {
  const K = ws.kernels;
  return ws.scoped(() => {
    const P = ws.f64(n * r), C = ws.f64(r * r), M = ws.f64(r * r);
    K.gemm(false, false, n, r, J, 1, W, J, V, ldv, 0, P, r);
    for (let pass = 0; pass < 2; pass++) {
      const src = pass === 0 ? P : U, dst = pass === 0 ? U : P;
      K.gemm(true, false, r, r, n, 1, src, r, src, r, 0, C, r);
      if (K.cholesky(r, C, r) !== 0) return false;
      M.fill(0);
      for (let i = 0; i < r; i++) M[i * r + i] = 1;
      // M = L⁻ᵀ (Lᵀ M = I), then dst = src M.
      if (K.triangularSolve(true, true, false, r, r, C, r, M, r) !== 0) return false;
      K.gemm(false, false, n, r, r, 1, src, r, M, r, 0, dst, r);
    }
    U.set(P.subarray(0, n * r));
    return true;
  });
}

/** Whether the short side's eigenvalues λ (descending) let r vectors be mapped back: λ_r >= SHORT_GRAM_MIN λ_1 > 0. */
const shortSideUsable = (lam: Float64Array, r: number) => lam[0] > 0 && lam[r - 1] >= SHORT_GRAM_MIN * lam[0];

/**
 * The short-side Gram route of a tall n x J unfolding W (n > J, r < J): G =
 * WᵀW (J x J), its r leading eigenpairs (λ, V), U from W V
 * ({@link orthonormalImage}), s = sqrt(λ). Returns false, having written
 * nothing to s, when λ_r < SHORT_GRAM_MIN λ_1 or a Cholesky fails: the
 * caller then takes QR + Jacobi. O(n J² + J³ + n r²).
 */
function shortGramBasis(ws: Workspace<TensorKernels>, n: number, J: number, W: Float64Array, r: number, U: Float64Array, s: Float64Array): boolean {
  return ws.scoped(() => {
    const G = ws.f64(J * J), lam = ws.f64(J), V = ws.f64(J * r);
    ws.kernels.gemm(true, false, J, J, n, 1, W, J, W, J, 0, G, J);
    symmetricEig(ws, J, G, r, lam, V);
    if (!shortSideUsable(lam, r) || !orthonormalImage(ws, n, J, W, V, r, r, U)) return false;
    for (let i = 0; i < r; i++) s[i] = Math.sqrt(lam[i]);
    return true;
  });
}

/** What {@link modeBasis} factors and where it writes. */
export interface ModeBasisArgs {
  route: UnfoldingSvd;
  /** X viewed as (left, n, right): the mode is the middle axis. */
  left: number;
  n: number;
  right: number;
  X: Float64Array;
  /** Leading vectors wanted. */
  r: number;
  /** n x r (leading dimension r). */
  U: Float64Array;
  /** r singular values. */
  s: Float64Array;
  /** Optional, at least n (left right) doubles whose contents are not needed: the Jacobi route's QR copy. */
  scratch?: Float64Array;
  /** Optional: a mode product that shares no array with this step, run beside its eigenproblem (on the pool: one job). */
  beside?: ModeProductCall;
}

/** The arguments of the kernel set's modeProduct: out = X (left, n, right) ×_mode op(M). */
export interface ModeProductCall {
  transM: boolean;
  left: number;
  n: number;
  right: number;
  J: number;
  X: Float64Array;
  M: Float64Array;
  ldm: number;
  out: Float64Array;
}

/**
 * U (n x r, leading dimension r) = the r leading left singular vectors of
 * the mode unfolding of X viewed as (left, n, right), and s (r) their
 * singular values. Gram route (when chosen and n <= left*right): G = Σ_l
 * X_l X_lᵀ by GEMM on the (left, n, right) view, no unfolding formed, then
 * eigh; singular values come out as sqrt(λ), so those below about 1e-8 of the
 * largest are noise, and a leading vector is accurate to about eps (σ_1/σ_r)².
 * A tall unfolding (n > J) on the Gram route with r < J takes its short
 * side (shortGramBasis: the J x J Gram, U = W V orthonormalised) while
 * σ_r >= 1e-4 σ_1; HOOI's sweeps on a 409×512×3 photograph at rank (40, 40,
 * 3) took 22% less CPU time than by Jacobi there (same errors to 12 digits,
 * UᵀU = I to 1e-15). Otherwise the unfolding is formed and factored by QR +
 * Jacobi (`scratch`, optional, at least n J doubles whose contents are not
 * needed, holds the QR's copy; see leftSingular).
 * `beside`, when given, is computed too: on the Gram route as one job with
 * the eigenproblem (tridiagonalEigBeside), otherwise after the SVD.
 * O(n² left right + n³) (Gram), O(n J² + J³) (short side) or O(n J min(n, J)) (Jacobi).
 */
export function modeBasis(ws: Workspace<TensorKernels>, a: ModeBasisArgs): void {
  const { route, left, n, right, X, r, U, s, scratch, beside: b } = a;
  const J = left * right;
  const K = ws.kernels;
  ws.scoped(() => {
    if (useGram(route, n, J)) {
      const G = ws.f64(n * n), values = ws.f64(n);
      K.unfoldingGram(left, n, right, X, G);
      if (eigByDc(ws, n)) {
        // linalg's eigh (symmetricEig's large-n route) cannot share a job: the product runs after it.
        symmetricEig(ws, n, G, r, values, U);
        if (b) K.modeProduct(b.transM, b.left, b.n, b.right, b.J, b.X, b.M, b.ldm, b.out);
      } else {
        symmetricEig(ws, n, G, r, values, U, b && ((m, g, d, e, tau, w, Z, ql, lw, it) =>
          K.tridiagonalEigBeside(m, g, d, e, tau, w, Z, ql, lw, it, b.transM, b.left, b.n, b.right, b.J, b.X, b.M, b.ldm, b.out)));
      }
      for (let i = 0; i < r; i++) s[i] = Math.sqrt(Math.max(values[i], 0));
      return;
    }
    const k = Math.min(n, J);
    // With left = 1 the view already is the unfolding (neither route modifies it).
    const W = left === 1 ? X : ws.f64(n * J);
    if (left !== 1) unfoldInto(left, n, right, X, W);
    if (useShortGram(route, n, J, r) && shortGramBasis(ws, n, J, W, r, U, s)) {
      if (b) K.modeProduct(b.transM, b.left, b.n, b.right, b.J, b.X, b.M, b.ldm, b.out);
      return;
    }
    const Uf = ws.f64(n * k), sf = ws.f64(k);
    leftSingular(ws, n, J, W, Uf, sf, scratch);
    if (b) K.modeProduct(b.transM, b.left, b.n, b.right, b.J, b.X, b.M, b.ldm, b.out);
    // r <= k: callers check r_n <= the product of the other ranks.
    for (let i = 0; i < n; i++) for (let c = 0; c < r; c++) U[i * r + c] = Uf[i * k + c];
    s.set(sf.subarray(0, r));
  });
}

/**
 * The default route for an eps-truncated sweep (TT-SVD, TR-SVD): `gram`
 * unless 0 < eps < 1e-5. The Gram eigenvalues carry an absolute error of
 * about n eps_mach σ_1², which stays far below the truncation threshold
 * eps² ‖X‖² / N only for eps >= 1e-5; below that (e.g. the default 1e-12,
 * used to find exact ranks) every singular value must be resolved.
 */
export function defaultTruncationRoute(eps: number): UnfoldingSvd {
  return eps > 0 && eps < 1e-5 ? "jacobi" : "gram";
}

/**
 * splitCore's step on the short side of a tall C (m x J, m > J, `gram`
 * route): every eigenpair of CᵀC (J x J), s = sqrt(λ), r = pick(s, J), the
 * core U_r from C V_r ({@link orthonormalImage}) and `other` = U_rᵀ C.
 * Returns the core's data (m x r), or null with nothing written when λ_r <
 * SHORT_GRAM_MIN λ_1 or a Cholesky fails (splitCore then takes QR +
 * Jacobi). O(m J² + J³).
 */
function shortSplit(
  ws: Workspace<TensorKernels>, m: number, J: number, C: Float64Array, other: Float64Array, pick: (s: Float64Array, kmin: number) => number,
): Float64Array | null {
  return ws.scoped(() => {
    const G = ws.f64(J * J), lam = ws.f64(J), V = ws.f64(J * J), s = ws.f64(J);
    ws.kernels.gemm(true, false, J, J, m, 1, C, J, C, J, 0, G, J);
    symmetricEig(ws, J, G, J, lam, V);
    for (let i = 0; i < J; i++) s[i] = Math.sqrt(Math.max(lam[i], 0));
    const r = pick(s, J);
    const U = ws.f64(m * r);
    if (!shortSideUsable(lam, r) || !orthonormalImage(ws, m, J, C, V, J, r, U)) return null;
    ws.kernels.gemm(true, false, r, J, m, 1, U, r, C, J, 0, other, J);
    return U.slice();
  });
}

/**
 * One step of a TT-SVD / TR-SVD sweep on C (rk n x cols, row-major): the
 * leading left singular vectors of C, r of them (`pick` chooses r from the
 * kmin = min(rk n, cols) singular values), become the next core
 * (rk x n x r, pushed to `cores`), and `other` (r x cols) = U_rᵀ C = diag(σ)
 * Vᵀ, what the remaining cores have to represent (Oseledets 2011, Alg. 1,
 * lines 5-7). `scratch`: as modeBasis's (its contents are not needed). A
 * tall C on the `gram` route goes to its short side first ({@link
 * shortSplit}): on a 100³ Gaussian tensor at maxRank 20, TT-SVD took 24 ms
 * of CPU against 41-48 before (its 2000 x 100 second step had gone to QR +
 * Jacobi), with the same error. Returns r. O(rk n cols kmin).
 */
export function splitCore(
  ws: Workspace<TensorKernels>, route: UnfoldingSvd, rk: number, n: number, cols: number,
  C: Float64Array, other: Float64Array, cores: Tensor[], pick: (s: Float64Array, kmin: number) => number, scratch?: Float64Array,
): number {
  const m = rk * n, kmin = Math.min(m, cols);
  if (route === "gram" && m > cols) {
    const core = shortSplit(ws, m, cols, C, other, pick);
    if (core) {
      const r = core.length / m;
      cores.push({ shape: [rk, n, r], data: core });
      return r;
    }
  }
  return ws.scoped(() => {
    const U = ws.f64(m * kmin), s = ws.f64(kmin);
    modeBasis(ws, { route, left: 1, n: m, right: cols, X: C, r: kmin, U, s, scratch });
    const r = pick(s, kmin);
    const core = new Float64Array(m * r);
    for (let i = 0; i < m; i++) for (let c = 0; c < r; c++) core[i * r + c] = U[i * kmin + c];
    cores.push({ shape: [rk, n, r], data: core });
    ws.kernels.gemm(true, false, r, cols, m, 1, U, kmin, C, cols, 0, other, cols);
    return r;
  });
}
