// How one factor absorbs an update's rotation: in Deng et al.'s extended form
// P K (only K and the touched rows of P change) or, for the dense methods, by
// rotating P itself.
import { LowrankError, type DenseMatrix } from "@lowrank/linalg";
import type { DenseOrth, SparseOrth, UpdateMethod } from "./methods/method.js";
import type { UpdateContext } from "./options.js";

/**
 * One side of the factorisation in the extended form of Deng et al.: the
 * dim x k factor is P K (row-major P with room for cap rows). `identity` means
 * K = I (always for the dense methods, and after a reset).
 */
export interface Side {
  dim: number;
  cap: number;
  P: Float64Array;
  K: Float64Array;
  Kinv: Float64Array;
  identity: boolean;
  /** Position of each index in the current batch's support, -1 elsewhere (in the workspace: kernels csrSupport, scatterBatch). */
  marker: Int32Array;
}

/** The side that gains s rows: [[U, 0], [0, I]] F = [U F_1; F_2]. */
export function applyGrow(cx: UpdateContext, sd: Side, F: Float64Array, s: number): void {
  const k = cx.k, K = cx.st.kernels, extended = cx.method.extended;
  const F1 = F.subarray(0, k * k), F2 = F.subarray(k * k, (k + s) * k);
  const at = sd.P.subarray(sd.dim * k, (sd.dim + s) * k);
  // deng: K <- K F_1, and the new rows of U' are F_2 K⁻¹ so that U' K gives F_2 (Deng et al. 2024, extended decomposition).
  if (extended && rotateK(cx, sd, F1)) K.gemm(false, false, s, k, k, 1, F2, k, sd.Kinv, k, 0, at, k);
  else {
    if (!extended) rotateDense(cx, sd, F1);
    at.set(F2);
  }
  sd.dim += s;
}

/** The dense methods' basis side: [V, Q] G = V G_1 + Q G_2, formed densely. O(dim k (k + sq)). */
export function applyDenseBasis(cx: UpdateContext, sd: Side, o: DenseOrth<UpdateMethod>, G: Float64Array): void {
  const st = cx.st, K = st.kernels, k = cx.k, sq = o.sq;
  const G1 = G.subarray(0, k * k), G2 = G.subarray(k * k, (k + sq) * k);
  const T = st.f64(sd.dim * k);
  K.gemm(false, false, sd.dim, k, k, 1, sd.P, k, G1, k, 0, T, k);
  if (sq > 0) K.gemm(true, false, sd.dim, k, sq, 1, o.Q, sd.dim, G2, k, 1, T, k);
  sd.P.set(T);
}

/**
 * The deng family's basis side: with Q = B - V Ĉᵀ, V G_1 + Q G_2 = V (G_1 -
 * Ĉᵀ G_2) + B G_2, so K <- K H and only the support rows of V' change, by
 * (B G_2) K⁻¹ (Deng et al. 2024). O(k³ + p k (k + sq)).
 */
export function applyExtendedBasis(cx: UpdateContext, sd: Side, o: SparseOrth<UpdateMethod>, G: Float64Array): void {
  const st = cx.st, K = st.kernels, k = cx.k, sq = o.sq;
  const G1 = G.subarray(0, k * k), G2 = G.subarray(k * k, (k + sq) * k);
  const H = st.f64(k * k);
  H.set(G1);
  if (sq > 0) K.gemm(true, false, k, k, sq, -1, o.Chat, k, G2, k, 1, H, k);
  const kept = rotateK(cx, sd, H);
  if (sq === 0) return;
  const D = st.f64(o.p * k);
  K.gemm(true, false, o.p, k, sq, 1, o.B, o.p, G2, k, 0, D, k);
  if (kept) {
    const T = st.f64(o.p * k);
    K.gemm(false, false, o.p, k, k, 1, D, k, sd.Kinv, k, 0, T, k);
    K.scatterAddRows(o.p, k, o.idx, T, sd.P);
  } else {
    K.scatterAddRows(o.p, k, o.idx, D, sd.P);
  }
}

/**
 * K <- K H and K⁻¹ <- H⁻¹ K⁻¹. When H is singular or the new K's condition
 * estimate passes kConditionLimit, folds K H into P instead (P <- P K H,
 * K <- I) and returns false, which the reference code never does: it inverts
 * K at every update however ill-conditioned it has become. O(k³), O(dim k²) on a reset.
 */
function rotateK(cx: UpdateContext, sd: Side, H: Float64Array): boolean {
  const st = cx.st, k = cx.k, kk = k * k;
  const Kn = st.f64(kk), Kin = st.f64(kk), work = st.f64(3 * kk + 2 * k);
  const est = st.kernels.rotateFactor(k, sd.K, sd.Kinv, H, sd.identity, Kn, Kin, work);
  const ok = est >= 0 && est <= cx.limit && Number.isFinite(est);
  if (ok) {
    sd.K.set(Kn);
    sd.Kinv.set(Kin);
    sd.identity = false;
    return true;
  }
  rotateDense(cx, sd, Kn);
  sd.K.fill(0);
  sd.Kinv.fill(0);
  for (let i = 0; i < k; i++) sd.K[i * k + i] = sd.Kinv[i * k + i] = 1;
  sd.identity = true;
  cx.counts.resets++;
  return false;
}

/** Folds K into P (P <- P K, K <- I) so the dense methods can rotate P directly. O(dim k²). */
export function foldK(cx: UpdateContext, sd: Side): void {
  if (sd.identity) return;
  const k = cx.k;
  rotateDense(cx, sd, sd.K);
  sd.K.fill(0);
  sd.Kinv.fill(0);
  for (let i = 0; i < k; i++) sd.K[i * k + i] = sd.Kinv[i * k + i] = 1;
  sd.identity = true;
}

/** P <- P H over the side's rows. O(dim k²). */
function rotateDense(cx: UpdateContext, sd: Side, H: Float64Array): void {
  const k = cx.k;
  const T = cx.st.f64(sd.dim * k);
  cx.st.kernels.gemm(false, false, sd.dim, k, k, 1, sd.P, k, H, k, 0, T, k);
  sd.P.set(T);
}


/** The factor U = P K as a dense matrix (a copy; scratch from the workspace, which must have room). O(dim k²). */
export function materialize(cx: UpdateContext, sd: Side): DenseMatrix {
  const k = cx.k, st = cx.st;
  if (sd.identity) return { rows: sd.dim, cols: k, data: sd.P.slice(0, sd.dim * k) };
  const data = st.scoped(() => {
    const T = st.f64(sd.dim * k);
    st.kernels.gemm(false, false, sd.dim, k, k, 1, sd.P, k, sd.K, k, 0, T, k);
    return T.slice();
  });
  return { rows: sd.dim, cols: k, data };
}

/** Row i of P K. Errors: INVALID_ARGUMENT (not a number), INDEX (outside [0, dim)). O(k²). */
export function vectorOf(sd: Side, k: number, i: number, what: string): Float64Array {
  if (typeof i !== "number") throw new LowrankError("INVALID_ARGUMENT", `${what}: the index must be a number, got ${typeof i}`);
  if (!Number.isInteger(i) || i < 0 || i >= sd.dim) throw new LowrankError("INDEX", `${what} ${i} is outside [0, ${sd.dim})`);
  const out = new Float64Array(k);
  if (sd.identity) {
    out.set(sd.P.subarray(i * k, i * k + k));
    return out;
  }
  for (let a = 0; a < k; a++) {
    const v = sd.P[i * k + a];
    for (let b = 0; b < k; b++) out[b] += v * sd.K[a * k + b];
  }
  return out;
}

/** ||K||_F ||K⁻¹||_F of a side (k for K = I). O(k²). */
export function kConditionOf(cx: UpdateContext, sd: Side): number {
  const k = cx.k, K = cx.st.kernels;
  return sd.identity ? k : K.nrm2(k * k, sd.K) * K.nrm2(k * k, sd.Kinv);
}
