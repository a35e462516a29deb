// TypeScript twin of assembly/approx-space.ts: the Golub-Kahan-Lanczos loop
// of one batch and the coordinates of a batch in a basis of (b, c) pairs
// (docs/ARCHITECTURE.md, "Twins").
import { dotAt, axpyAt } from "@lowrank/linalg/kernels";
import { sparseGramSchmidt } from "./sparse-gram-schmidt.js";

/** out[oo..oo+n) = Σ_{j < m} w[wo + j] M[mo + j n ..] (rows of the row-major M). */
function combineRows(m: number, n: number, w: Float64Array, wo: number, M: Float64Array, mo: number, out: Float64Array, oo: number): void {
  out.fill(0, oo, oo + n);
  for (let j = 0; j < m; j++) axpyAt(n, w[wo + j], M, mo + j * n, out, oo);
}

/** gklExpand's re-projection of the pair at offsets (bo, co): c = (bᵀ Pg) K, or b -= Pg (Pgᵀ b) when kc = 0. */
function reprojectAt(
  p: number, kc: number, k: number, Pg: Float64Array, K: Float64Array, identity: boolean,
  B: Float64Array, bo: number, C: Float64Array, co: number, t: Float64Array,
): void {
  if (k === 0) return;
  if (kc > 0) {
    if (identity) combineRows(p, k, B, bo, Pg, 0, C, co);
    else {
      combineRows(p, k, B, bo, Pg, 0, t, 0);
      combineRows(k, k, t, 0, K, 0, C, co);
    }
  } else {
    combineRows(p, k, B, bo, Pg, 0, t, 0);
    for (let i = 0; i < p; i++) B[bo + i] -= dotAt(k, Pg, i * k, t, 0);
  }
}

/** Golub-Kahan-Lanczos with full reorthogonalisation for a batch of pairs; see SvdUpdateKernels.gklExpand. Returns the kept u's. */
export function gklExpand(
  s: number, p: number, kc: number, k: number, l: number, Xb: Float64Array, Xc: Float64Array, Pg: Float64Array, K: Float64Array, identity: boolean, B: Float64Array, C: Float64Array, Vr: Float64Array, Rg: Float64Array, Rv: Float64Array, t: Float64Array, tol2: number,
): number {
  const gs = sparseGramSchmidt;
  let lv = gs(1, s, 0, Vr, C, Rv, 0, 0);
  let lq = 0;
  while (lv > lq) {
    const bo = lq * p, co = lq * kc;
    combineRows(s, p, Vr, lq * s, Xb, 0, B, bo);
    if (kc > 0) combineRows(s, kc, Vr, lq * s, Xc, 0, C, co);
    reprojectAt(p, kc, k, Pg, K, identity, B, bo, C, co, t);
    const kept = gs(lq + 1, p, kc, B, C, Rg, tol2, lq);
    if (kept <= lq) break;
    reprojectAt(p, kc, k, Pg, K, identity, B, bo, C, co, t);
    lq = kept;
    if (lq === l || lv === s) break;
    const wo = lv * s;
    for (let j = 0; j < s; j++) {
      let x = dotAt(p, Xb, j * p, B, bo);
      if (kc > 0) x -= dotAt(kc, Xc, j * kc, C, co);
      Vr[wo + j] = x;
    }
    lv = gs(lv + 1, s, 0, Vr, C, Rv, tol2, lv);
  }
  return lq;
}

/** R (lq x s) = Zᵀ X for pairs: R[i][j] = b_i·xb_j - c_i·xc_j. O(lq s (p + kc)). */
export function pairCoordinates(
  s: number, p: number, kc: number, lq: number, Xb: Float64Array, Xc: Float64Array, B: Float64Array, C: Float64Array, R: Float64Array,
): void {
  for (let i = 0; i < lq; i++) {
    for (let j = 0; j < s; j++) {
      let x = dotAt(p, Xb, j * p, B, i * p);
      if (kc > 0) x -= dotAt(kc, Xc, j * kc, C, i * kc);
      R[i * s + j] = x;
    }
  }
}
