// The TypeScript twin of assembly/sketch.ts: CountSketch (with weights, with
// its uniforms drawn inside) and one column group of the SRHT.
import { type Rng } from "@lowrank/linalg";
import { axpyAt } from "@lowrank/linalg/kernels";

/**
 * SA (m x d, zeroed by the caller) += CountSketch of V^(1/2) A: row i goes to
 * bucket ⌊2m u_i⌋ >> 1 with the sign of its low bit, scaled by √v_i when v is
 * given (null: unscaled).
 */
export function countSketch(
  n: number, d: number, A: Float64Array, lda: number, u: Float64Array, m: number, v: Float64Array | null, SA: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const t = Math.min(Math.floor(u[i] * 2 * m), 2 * m - 1);
    let s = t & 1 ? -1 : 1;
    if (v) s *= Math.sqrt(v[i]);
    axpyAt(d, s, A, i * lda, SA, (t >> 1) * d);
  }
}

/** countSketch with v = null (the WASM export the binding picks for short rows; the same sums). */
export function countSketchShort(
  n: number, d: number, A: Float64Array, lda: number, u: Float64Array, m: number, SA: Float64Array,
): void {
  countSketch(n, d, A, lda, u, m, null, SA);
}

/** The uniforms of countSketchDraw (grown on demand; the blocks of a pass are at most a few thousand rows). */
let drawScratch = new Float64Array(0);

/** countSketch with v = null and u drawn from `rng`: literally rng.fillUniform(u) then countSketch. */
export function countSketchDraw(n: number, d: number, A: Float64Array, lda: number, rng: Rng, m: number, SA: Float64Array): void {
  if (drawScratch.length < n) drawScratch = new Float64Array(n);
  const u = drawScratch.subarray(0, n);
  rng.fillUniform(u);
  countSketch(n, d, A, lda, u, m, null, SA);
}

/**
 * One column group of the SRHT: T (np x ldt) = H D A[:, j0:j0+g] zero-padded,
 * then SA[r, j0:j0+g] = scale T[idx[r], 0:g]. The butterflies run in the WASM
 * kernel's order: in-cache blocks of 4096 rows first, then the large levels.
 */
export function srhtColumns(
  n: number, A: Float64Array, lda: number, j0: number, g: number, sign: Float64Array, np: number,
  T: Float64Array, ldt: number, m: number, idx: Int32Array, scale: number, SA: Float64Array, ldsa: number,
): void {
  T.fill(0, 0, np * ldt);
  for (let i = 0; i < n; i++) for (let t = 0; t < g; t++) T[i * ldt + t] = sign[i] * A[i * lda + j0 + t];
  const block = Math.min(np, 4096);
  const levels = (base: number, rows: number, h0: number, hEnd: number) => {
    for (let h = h0; h < hEnd; h <<= 1) {
      for (let s0 = 0; s0 < rows; s0 += 2 * h) {
        for (let x = (base + s0) * ldt, end = x + h * ldt; x < end; x++) {
          const a = T[x], b = T[x + h * ldt];
          T[x] = a + b;
          T[x + h * ldt] = a - b;
        }
      }
    }
  };
  for (let b0 = 0; b0 < np; b0 += block) levels(b0, block, 1, block);
  levels(0, np, block, np);
  for (let r = 0; r < m; r++) for (let t = 0; t < g; t++) SA[r * ldsa + j0 + t] = scale * T[idx[r] * ldt + t];
}
