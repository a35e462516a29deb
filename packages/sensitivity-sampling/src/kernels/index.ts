import { type Rng } from "@lowrank/linalg";
import { jsKernels, type LinalgKernels } from "@lowrank/linalg/kernels";
import { irlsRows, sumAbsPow } from "./irls-rows.js";
import { gramBand, lewisUpdate, lewisUpdateGram, weightedGram } from "./lewis-update.js";
import { onlineLeverage, onlineLewis } from "./online-update.js";
import { rowNormsOfProduct, rowNormsSq } from "./rows.js";
import { countSketch, countSketchDraw, srhtColumns } from "./sketch.js";
import { stackQrR, tallQrR } from "./tallqr.js";
import { stackQrLanes, stackQrPieces } from "./tasks.js";

/**
 * The kernel set of @lowrank/sensitivity-sampling: linalg's kernels plus the
 * row passes of leverage scores, CountSketch, Lewis weights and IRLS. Arrays
 * are views (Float64Array), matrices row-major with an explicit leading
 * dimension. Two implementations: `jsSensitivityKernels` below (the readable
 * reference), assembled from the twins in this folder (one file per
 * assembly/<name>.ts, same kernel names), and the WASM exports bound in
 * `../wasm.ts`.
 *
 * The reference sums inner products in the four interleaved partial sums of
 * linalg's SIMD `dot` and updates with y + alpha x as its `axpy`, so `js` and
 * the `simd` binary agree to the last bit except where `Math.pow`/`Math.log`
 * (host in js, AssemblyScript's in WASM) differ by an ulp; `relaxed-simd`
 * fuses multiply-adds.
 */
export interface SensitivityKernels extends LinalgKernels {
  /** out[i] = ||X[i, 0:d]||² for n rows. O(nd). */
  rowNormsSq(n: number, d: number, X: Float64Array, ldx: number, out: Float64Array): void;
  /**
   * out[i] = ||a_iᵀ B||² for A (n x d) and B (d x k), the product never
   * stored (WASM: a 4 x 4 register tile); with `upper`, B is upper triangular
   * (k = d) with a zero strictly lower part, which is skipped. `z`: 2k doubles
   * of scratch (unused by the current kernels). O(ndk), O(nd²/2) when upper.
   */
  rowNormsOfProduct(
    n: number, d: number, k: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
    upper: boolean, out: Float64Array, z: Float64Array,
  ): void;
  /**
   * SA (m x d, zeroed) += CountSketch of V^(1/2) A; row i goes to bucket ⌊2m u_i⌋ >> 1 with sign by its
   * low bit, scaled by √v_i when v is given (null: unscaled). O(nd).
   */
  countSketch(n: number, d: number, A: Float64Array, lda: number, u: Float64Array, m: number, v: Float64Array | null, SA: Float64Array): void;
  /**
   * countSketch with v = null and u_i = rng.uniform() drawn row by row: the same sums and the same
   * stream as rngFill(rng, u) then countSketch (WASM: the generator's state in registers, running a
   * few rows ahead of the scatter, no u array). O(nd).
   */
  countSketchDraw(n: number, d: number, A: Float64Array, lda: number, rng: Rng, m: number, SA: Float64Array): void;
  /**
   * One column group of the SRHT (see assembly/sketch.ts): T (np x ldt, np a power of two, ldt even >= g)
   * = H D A[:, j0:j0+g] zero-padded (H the unnormalised Walsh-Hadamard transform, D = diag(sign)), and
   * SA[r, j0:j0+g] = scale T[idx[r], 0:g] for r < m. O(np log2(np) ldt).
   */
  srhtColumns(
    n: number, A: Float64Array, lda: number, j0: number, g: number, sign: Float64Array, np: number,
    T: Float64Array, ldt: number, m: number, idx: Int32Array, scale: number, SA: Float64Array, ldsa: number,
  ): void;
  /** G (d x d, both triangles) = Σ v_i a_i a_iᵀ. O(nd²/2). */
  weightedGram(n: number, d: number, A: Float64Array, lda: number, v: Float64Array, G: Float64Array): void;
  /** Rows j0 <= j < j1 of weightedGram's lower triangle added to G (not zeroed, not mirrored), in its order. O(n (j1² - j0²) / 2). */
  gramBand(n: number, j0: number, j1: number, d: number, A: Float64Array, lda: number, v: Float64Array, G: Float64Array): void;
  /**
   * One Lewis-weight step in log space (see assembly/lewis-update.ts): q_i = ||a_iᵀ U||² with U upper
   * triangular, lw_i <- (1-alpha) lw_i + alpha (p/2) log q_i (lw = log w), v_i = exp((1-2/p) lw_i);
   * returns max |Δ lw_i|. `z`: 2d doubles. O(nd²/2).
   */
  lewisUpdate(
    n: number, d: number, A: Float64Array, lda: number, U: Float64Array, p: number, alpha: number,
    lw: Float64Array, v: Float64Array, z: Float64Array,
  ): number;
  /**
   * lewisUpdate, then weightedGram(n, d, A, lda, v, G) with the new v: the same results bit for bit
   * (simd); the WASM kernel takes both in one pass over A, block by block. O(nd²).
   */
  lewisUpdateGram(
    n: number, d: number, A: Float64Array, lda: number, U: Float64Array, p: number, alpha: number,
    lw: Float64Array, v: Float64Array, z: Float64Array, G: Float64Array,
  ): number;
  /**
   * IRLS row pass: out row i = √c_i [a_i, b_i], c_i = ω_i (r_i² + eps²)^(p/2-1);
   * returns Σ ω_i (r_i² + eps²)^(p/2). O(nd).
   */
  irlsRows(
    n: number, d: number, A: Float64Array, lda: number, b: Float64Array, r: Float64Array, omega: Float64Array,
    p: number, eps: number, out: Float64Array, ldo: number,
  ): number;
  /** Σ ω_i |r_i|^p. O(n). */
  sumAbsPow(n: number, r: Float64Array, omega: Float64Array, p: number): number;
  /**
   * R (w x w, upper triangular) with MᵀM = RᵀR for M (n x w, leading dimension
   * ldm), by Householder QR of [R; next chunk rows] chunk by chunk so the work
   * buffer stays in cache. buf: (w + chunk) w doubles, tau and work: w. O(2nw²(1 + w/chunk)).
   */
  tallQrR(
    n: number, w: number, M: Float64Array, ldm: number, chunk: number, R: Float64Array,
    buf: Float64Array, tau: Float64Array, work: Float64Array,
  ): void;
  /**
   * R'ᵀR' = RᵀR + BᵀB with R (d x d, upper triangular, zero below) updated in
   * place, by the structured Householder QR of [R; B] (reflectors [e_j; v],
   * the zeros of R skipped), 128 rows of B at a time, one pass per column that
   * applies reflector j and sums the next column's Gram row. B (n x d,
   * leading dimension ldb) is overwritten; g: 2d doubles. O(2nd²).
   */
  stackQrR(n: number, d: number, B: Float64Array, ldb: number, R: Float64Array, g: Float64Array): void;
  /**
   * stackQrR on consecutive pieces of `rows` rows of B (n x d, overwritten):
   * piece t updates R_t, the t-th d x d block of Rs. The pieces are
   * independent: on a threaded instance during a run with threads they run on
   * the worker pool, with the same bits. g: 2d doubles. O(2nd²).
   */
  stackQrPieces(n: number, d: number, B: Float64Array, ldb: number, rows: number, Rs: Float64Array, g: Float64Array): void;
  /**
   * The lanes of the streamed R (src/stream.ts) of rows from..n-1 of an A
   * held whole (n x d, not modified; `from` a multiple of 2048): lane l folds
   * the blocks of 2048 rows whose index is l mod 8 into R_l (the l-th d x d
   * block of Rs), going on from a call on the rows below `from`, 128 rows at
   * a time copied into work (128 d + 2d doubles): the R_l of the streamed
   * pass, bit for bit. One task per lane on the pool. `meanwhile`, when
   * given, is called once by the calling thread while the pool runs the
   * lanes (the caller copies the rows of the next call then); a kernel set
   * with no pool does not call it, so the caller checks. O(2(n - from)d²).
   */
  stackQrLanes(n: number, d: number, A: Float64Array, lda: number, from: number, Rs: Float64Array, work: Float64Array, meanwhile?: () => void): void;
  /**
   * How many blocks of rows a pass over A should hand the kernels at once: the
   * pool's lane count (QR_LANES) while this kernel set runs with threads, else 1.
   * Not a kernel: the passes' results do not depend on it. O(1).
   */
  streamBlocks(): number;
  /**
   * Online leverage sampling of nb rows in order (see assembly/online-update.ts):
   * q_i = a_iᵀ H a_i against the kept rows' inverse H (d x d, updated in place by
   * Sherman-Morrison when a row is kept), p_i = min(1, c q_i), kept if u_i < p_i
   * with weight 1/p_i. Writes score and weight (0 = dropped); returns the count
   * kept. `t`: d doubles. O(nb d²).
   */
  onlineLeverage(
    nb: number, d: number, A: Float64Array, lda: number, H: Float64Array, c: number, u: Float64Array,
    score: Float64Array, weight: Float64Array, t: Float64Array,
  ): number;
  /**
   * Online l_p Lewis-weight sampling of nb rows in order (see assembly/online-update.ts): each row's online
   * Lewis weight w_i against the kept, rescaled rows' H = M⁻¹, kept with probability min(1, c w_i) and
   * weight 1/π_i, H updated by Sherman-Morrison. Writes w_i and the weight (0 = dropped); returns the
   * count kept. `t`: d doubles. O(nb d²).
   */
  onlineLewis(
    nb: number, d: number, A: Float64Array, lda: number, H: Float64Array, p: number, c: number, u: Float64Array,
    score: Float64Array, weight: Float64Array, t: Float64Array,
  ): number;
}

/**
 * The plain-TypeScript kernel set (the "js" backend and the readable reference
 * of assembly/*.ts); each kernel's cost is on the interface. Internal: the
 * package's entry points pick it through the module (`backend: "js"`).
 *
 * @example
 * const out = new Float64Array(n);
 * jsSensitivityKernels.rowNormsSq(n, d, A.data, d, out);
 */
export const jsSensitivityKernels: SensitivityKernels = {
  ...jsKernels,
  rowNormsSq,
  rowNormsOfProduct,
  countSketch,
  countSketchDraw,
  srhtColumns,
  weightedGram,
  gramBand,
  lewisUpdate,
  lewisUpdateGram,
  irlsRows,
  sumAbsPow,
  tallQrR,
  stackQrR,
  stackQrPieces,
  stackQrLanes,
  streamBlocks: () => 1,
  onlineLeverage,
  onlineLewis,
};
