// The passes of a leverage-score run (exact or sketched): R of A or of SA,
// its SVD for the rank, and the row pass for the scores, yielding between row
// blocks. Public entry: leverage.ts.
import { LowrankError, Rng, type DenseMatrix } from "@lowrank/linalg";
import { JsWorkspace, type Workspace } from "@lowrank/linalg/internal";
import { triangleSvd, type TriangleSvd } from "./basis.js";
import type { SensitivityKernels } from "./kernels/index.js";
import type { LeverageResult, SketchKind } from "./leverage.js";
import { srhtScratch, srhtSketch } from "./leverage-sketch.js";
import { passRows, rowBlocks, sketchBlockRows, STREAM_ROWS, streamedRSteps, streamScratch, wholeR } from "./stream.js";
import { checkFiniteResult, rInRange, scaledCopy } from "./validate.js";
import { RESULT_FORMAT_VERSION } from "./serialize.js";

/** What a leverage-score run does and the arena bytes it reserves. */
export interface Plan {
  sketch: SketchKind | null;
  m: number;
  k: number;
  rcond: number;
  seed: number;
  bytes: number;
  /** Exact scores with threads: the plan reserved room for A whole in WASM memory (see scoresRun). */
  whole: boolean;
}

/**
 * The scores, yielding after every row block. If R (exact) or the R of SA
 * (sketched) shows a column of A outside [2^-400, 2^400] (or a NaN or
 * ±Infinity: NON_FINITE), the pass is repeated on a copy of A with those
 * columns scaled by powers of two (leverage scores do not change under column
 * scaling; see validate.ts), so entries near the ends of double range give
 * the scores instead of an overflow. A sketch can hide such a column (huge
 * entries cancelling in a bucket), so scores that come out non-finite get the
 * same repeat. The arrays of the passes are reused; only the small ones of
 * the last stage are taken again (the reservation counts them twice).
 */
export function* scoresRun(ws: Workspace<SensitivityKernels>, A: DenseMatrix, pl: Plan): Generator<void, LeverageResult, void> {
  const n = A.rows, d = A.cols;
  const K = ws.kernels;
  let used = A, rescaled = false;
  /** Switches to the column-scaled copy of A; false when no column needs scaling. */
  const rescale = (): boolean => {
    const S = scaledCopy(used, "A");
    if (S === used) return false;
    used = S;
    rescaled = true;
    return true;
  };
  const R = ws.f64(d * d);
  // With threads (exact scores, A up to 512 MiB), A copied into WASM memory once: one job per pass, no copies of blocks.
  let whole: Float64Array | null = null;
  const finish = function* (k: number, rng: Rng | null): Generator<void, LeverageResult, void> {
    const svd = triangleSvd(ws, d, d, R, pl.rcond);
    const out = scoresArray(ws, n);
    yield* scoresFromR(ws, used, R, svd, k, rng, out, used === A ? whole : null);
    return { kind: "leverage-scores", version: RESULT_FORMAT_VERSION, scores: scoresResult(ws, out), rank: svd.rank };
  };
  let res: LeverageResult;
  if (pl.sketch === null) {
    // R by the chunked QR over row blocks (A is read once; no Q is formed), then τ_i = ||a_iᵀ R⁺||² in a second pass.
    const sc = streamScratch(ws, d, n);
    if (pl.whole && K.streamBlocks() > 1 && !sc.blocked) {
      whole = ws.scratch(n * d);
      wholeR(K, A, whole, R, sc);
    } else yield* streamedRSteps(K, used, R, sc);
    if (!rInRange(R, d) && rescale()) yield* streamedRSteps(K, used, R, sc);
    checkFiniteResult(R, "A");
    res = yield* finish(0, null);
    if (!finite(res.scores) && !rescaled && rescale()) {
      yield* streamedRSteps(K, used, R, sc);
      checkFiniteResult(R, "A");
      res = yield* finish(0, null);
    }
  } else {
    const { m, k } = pl;
    const SA = ws.f64(m * d);
    const srht = pl.sketch === "srht" ? srhtScratch(ws, A, m) : null;
    // With threads: QR_LANES blocks at a time, their uniforms drawn first (the same stream), the scatter split by columns.
    const par = !srht && K.streamBlocks() > 1;
    const bs = par ? passRows(n) : Math.min(n, sketchBlockRows(d)), buf = srht ? null : ws.f64(bs * d);
    const u = par ? ws.f64(bs) : null;
    const g = ws.f64(2 * d);
    let rng = new Rng(pl.seed), first = true;
    // SA (one CountSketch pass over row blocks, the uniforms drawn row by row inside the kernel, or the SRHT), then its R.
    const sketchR = function* (): Generator<void, boolean, void> {
      if (!first) {
        rng = new Rng(pl.seed);
        SA.fill(0);
        srht?.load(used);
      }
      first = false;
      if (srht) srhtSketch(ws, used, m, rng, SA, srht);
      else {
        for (const [rows, , c] of rowBlocks(ws, used, buf!, 0, bs)) {
          if (!u) K.countSketchDraw(c, d, rows, d, rng, m, SA);
          else {
            K.rngFill(rng, u.subarray(0, c), false);
            K.countSketch(c, d, rows, d, u, m, null, SA);
          }
          yield;
        }
      }
      const ok = finite(SA);
      // R of SA by the structured stacked QR (SA is scratch from here on): 2md², 128 rows at a time from L1.
      R.fill(0);
      K.stackQrR(m, d, SA, d, R, g);
      return ok && rInRange(R, d);
    };
    if (!(yield* sketchR()) && rescale()) yield* sketchR();
    checkFiniteResult(R, "A");
    res = yield* finish(k, rng);
    if (!finite(res.scores) && !rescaled && rescale()) {
      yield* sketchR();
      checkFiniteResult(R, "A");
      res = yield* finish(k, rng);
    }
  }
  if (!finite(res.scores)) throw new LowrankError("NON_FINITE", "leverageScores: the scores overflow double precision (A is too ill-conditioned)");
  return res;
}

function finite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/**
 * out[i] = ||a_iᵀ R⁺||² for the d x d upper triangular R of a QR of A (exact)
 * or of SA (sketched), given its SVD. Full rank: R⁻¹ is upper triangular
 * (R X = I), nd²/2 multiply-adds. Otherwise ||a R⁺|| = ||a V_r Σ_r⁻¹|| (R⁺ =
 * V_r Σ_r⁻¹ P_rᵀ), with V_r Σ_r⁻¹ = (rows of SV scaled by 1/σ_j²)ᵀ, ndr.
 * With k > 0 Gaussian projections, B = V_r Σ_r⁻¹ G / √k (Pᵀ G is again
 * Gaussian) and the cost is ndk.
 */
function* scoresFromR(
  ws: Workspace<SensitivityKernels>, A: DenseMatrix, R: Float64Array,
  svd: TriangleSvd, k: number, rng: Rng | null, out: Float64Array, whole: Float64Array | null = null,
): Generator<void, void, void> {
  const K = ws.kernels;
  const d = A.cols;
  const r = svd.rank;
  if (r === 0) return;
  let B: Float64Array, cols: number, upper = false;
  if (k === 0 && r === d) {
    B = ws.f64(d * d);
    for (let j = 0; j < d; j++) B[j * d + j] = 1;
    K.triangularSolve(false, false, false, d, d, R, d, B, d);
    cols = d;
    upper = true;
  } else {
    const Y = ws.f64(r * d);
    for (let j = 0; j < r; j++) {
      const s2 = 1 / (svd.sigma[j] * svd.sigma[j]);
      for (let c = 0; c < d; c++) Y[j * d + c] = svd.SV[j * d + c] * s2;
    }
    cols = k === 0 ? r : k;
    B = ws.f64(d * cols);
    if (k === 0) {
      for (let j = 0; j < r; j++) for (let c = 0; c < d; c++) B[c * r + j] = Y[j * d + c];
    } else {
      const G = ws.f64(r * k);
      K.rngFill(rng!, G, true);
      // B = V_r Σ_r⁻¹ G / √k: one small GEMM, then the row pass computes ||a_iᵀ B||², the rows of A (R⁺ G) / √k.
      K.gemm(true, false, d, k, r, 1 / Math.sqrt(k), Y, d, G, k, 0, B, k);
    }
  }
  const z = ws.f64(2 * cols);
  if (whole) {
    // A whole in WASM memory: one call (split by 1024 rows on the pool), the scores copied across once.
    const ob = ws.f64(A.rows);
    K.rowNormsOfProduct(A.rows, d, cols, whole, d, B, cols, upper, ob, z);
    out.set(ob);
    return;
  }
  // On wasm `out` is a JS array (see scoresArray): each block's scores go to a small WASM buffer, then across.
  // A run with threads copies QR_LANES blocks at once and splits their rows over the pool (the same bits: rows are independent).
  const buf = ws.f64(passRows(A.rows) * d);
  const ob = ws instanceof JsWorkspace ? null : ws.f64(passRows(A.rows));
  for (const [rows, start, c] of rowBlocks(ws, A, buf, 0, K.streamBlocks() * STREAM_ROWS)) {
    if (!ob) K.rowNormsOfProduct(c, d, cols, rows, d, B, cols, upper, out.subarray(start, start + c), z);
    else {
      const oc = ob.subarray(0, c);
      K.rowNormsOfProduct(c, d, cols, rows, d, B, cols, upper, oc, z);
      out.set(oc, start);
    }
    yield;
  }
}

/**
 * The n scores' array: on js the workspace's, on wasm a plain JS array filled
 * block by block by scoresFromR (saves zeroing n doubles in WASM memory and
 * copying them out, about 3 ms at n = 1e6).
 */
function scoresArray(ws: Workspace<SensitivityKernels>, n: number): Float64Array {
  return ws instanceof JsWorkspace ? ws.f64(n) : new Float64Array(n);
}

/** The result array of {@link scoresArray}, as the caller may keep it. */
function scoresResult(ws: Workspace<SensitivityKernels>, out: Float64Array): Float64Array {
  return ws instanceof JsWorkspace ? ws.output(out) : out;
}

/** f64 entries {@link scoresFromR} (on an n-row A) and a d-column triangleSvd take at most (with k projections). */
export function fromRSize(d: number, k: number, n: number): number {
  const c = Math.max(k, d);
  return d * 2 * d + 3 * d * d + 2 * d + 2 * d * d + d * c + c * d + 2 * c + passRows(n) * (d + 1);
}
