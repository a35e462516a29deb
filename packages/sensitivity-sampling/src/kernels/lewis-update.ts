// The TypeScript twin of assembly/lewis-update.ts: the two passes over A of
// one Lewis-weight iteration (the weighted Gram matrix, then the quadratic
// forms and the weight update in log space).
import { rowNormsOfProduct } from "./rows.js";

/**
 * G (d x d, both triangles) = Σ v_i a_i a_iᵀ, row by row: each entry gets
 * g + c a (the WASM kernel's four-row blocks add the rows in this order).
 */
export function weightedGram(n: number, d: number, A: Float64Array, lda: number, v: Float64Array, G: Float64Array): void {
  G.fill(0, 0, d * d);
  for (let i = 0; i < n; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    const ai = i * lda;
    for (let j = 0; j < d; j++) {
      const c = vi * A[ai + j];
      if (c === 0) continue;
      const g = j * d;
      for (let t = 0; t <= j; t++) G[g + t] = G[g + t] + c * A[ai + t];
    }
  }
  for (let j = 0; j < d; j++) for (let l = j + 1; l < d; l++) G[j * d + l] = G[l * d + j];
}

/** Rows j0 <= j < j1 of weightedGram's lower triangle added to G (not zeroed, not mirrored), in its order. */
export function gramBand(n: number, j0: number, j1: number, d: number, A: Float64Array, lda: number, v: Float64Array, G: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    const ai = i * lda;
    for (let j = j0; j < j1; j++) {
      const c = vi * A[ai + j];
      if (c === 0) continue;
      const g = j * d;
      for (let t = 0; t <= j; t++) G[g + t] = G[g + t] + c * A[ai + t];
    }
  }
}

/**
 * One Lewis-weight step in log space: q_i = ||a_iᵀ U||² into v first, then
 * lw_i <- (1-alpha) lw_i + alpha (p/2) log q_i and v_i = exp((1-2/p) lw_i)
 * (a zero row gets lw = -Infinity, v = 0). Returns max |Δ lw_i|.
 */
export function lewisUpdate(
  n: number, d: number, A: Float64Array, lda: number, U: Float64Array, p: number, alpha: number,
  lw: Float64Array, v: Float64Array, z: Float64Array,
): number {
  rowNormsOfProduct(n, d, d, A, lda, U, d, true, v, z);
  let change = 0;
  const c = alpha * (p / 2), keep = 1 - alpha, ev = 1 - 2 / p;
  for (let i = 0; i < n; i++) {
    const q = v[i];
    if (q > 0) {
      const old = lw[i];
      const nl = alpha === 1 ? c * Math.log(q) : keep * old + c * Math.log(q);
      lw[i] = nl;
      v[i] = p === 1 ? Math.exp(-nl) : p === 2 ? 1 : Math.exp(ev * nl);
      const dl = Math.abs(nl - old);
      if (dl > change) change = dl;
    } else {
      lw[i] = -Infinity;
      v[i] = 0;
    }
  }
  return change;
}

/** lewisUpdate, then weightedGram with the new v: literally the two (the WASM kernel fuses their passes over A). */
export function lewisUpdateGram(
  n: number, d: number, A: Float64Array, lda: number, U: Float64Array, p: number, alpha: number,
  lw: Float64Array, v: Float64Array, z: Float64Array, G: Float64Array,
): number {
  const change = lewisUpdate(n, d, A, lda, U, p, alpha, lw, v, z);
  weightedGram(n, d, A, lda, v, G);
  return change;
}
