// What the methods share: projecting a batch on one side's basis in the
// sparse form (every method starts there), the dense residual rows of the
// dense approximate methods, and their scratch.
import { type CsrMatrix } from "@lowrank/linalg";
import { qrBlockedWorkSize } from "@lowrank/linalg/internal";
import type { UpdateContext } from "../options.js";
import type { Side } from "../side.js";
import type { PairBasis, SpaceOptions } from "./residual-space.js";

/** A batch on its support: Ec (s x p, the batch's entries at the support's positions) and C0 = basisᵀ e (s x k). */
export interface Projection {
  s: number;
  p: number;
  idx: Int32Array;
  Ec: Float64Array;
  C0: Float64Array;
}

/**
 * Ec: the batch on its support (positions from the side's marker, set by
 * csrSupport, which this resets); C0 = Ec P[supp] K, the batch's
 * coordinates in the basis (kernel projectBatch). O(nnz + s p k + s k²).
 */
export function project(cx: UpdateContext, sd: Side, b: CsrMatrix, supp: Int32Array): Projection {
  const st = cx.st, k = cx.k, s = b.rows, p = supp.length, nnz = b.indptr[s];
  const Ec = st.f64(s * p), idx = st.i32(p), C0 = st.f64(s * k), tmp = st.f64(sd.identity ? 0 : s * k);
  idx.set(supp);
  st.kernels.projectBatch(
    s, p, k, st.inputI32(b.indptr.subarray(0, s + 1)), st.inputI32(b.indices.subarray(0, nnz)), st.input(b.data.subarray(0, nnz)),
    sd.marker, idx, sd.P, sd.K, sd.identity, Ec, C0, tmp,
  );
  return { s, p, idx, Ec, C0 };
}

/** The residual (I - V Vᵀ) Eᵀ as dense rows (s x dim), V the side's dense factor (K = I for the dense methods). O(nnz + s dim k). */
export function denseResidualRows(cx: UpdateContext, sd: Side, b: CsrMatrix, C0: Float64Array): Float64Array {
  const st = cx.st, k = cx.k, s = b.rows, dim = sd.dim;
  const Xt = st.f64(s * dim);
  for (let j = 0; j < s; j++) for (let q = b.indptr[j]; q < b.indptr[j + 1]; q++) Xt[j * dim + b.indices[q]] += b.data[q];
  st.kernels.gemm(false, true, s, dim, k, -1, C0, k, sd.P, k, 1, Xt, dim);
  return Xt;
}

/** Doubles of scratch zha-simon's QR of a dim x s residual (and its thin Q) needs. O(1). */
export function zhaQrWork(dim: number, s: number): number {
  return Math.max(qrBlockedWorkSize(dim, s), qrBlockedWorkSize(dim, Math.min(dim, s)));
}

/** Scratch doubles of the dense methods (the dense residual, zha-simon's QR and its fallback; one bound for all three). O(1). */
export function denseScratch(dim: number, s: number, k: number): number {
  return 4 * dim * s + 2 * s + s * k + 3 * s * s + zhaQrWork(dim, s);
}

/** The approximate-space settings of a batch of s vectors: l = min(approxRank, s). O(1). */
export function spaceOptions(cx: UpdateContext, s: number): SpaceOptions {
  return { l: Math.min(cx.l, s), iters: cx.iters, rng: cx.rng, tol2: cx.tol2 };
}

/** Counts the directions an approximate space of size l did not keep, and returns the space. */
export function counted(cx: UpdateContext, l: number, z: PairBasis): PairBasis {
  cx.counts.dropped += l - z.lq;
  return z;
}
