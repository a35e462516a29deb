// Bayesian probabilistic matrix factorisation by Gibbs sampling
// (Salakhutdinov and Mnih 2008), with the row and column biases as one more
// coordinate of each side's latent vector (so the Normal-Wishart hyperprior
// covers them too) and the noise precision drawn from its Gamma conditional.
// Each sweep draws V's hyperparameters, V's rows, U's hyperparameters, U's
// rows and the noise precision; after `burnIn` sweeps every sweep is kept.
// The model predicts the average over the kept sweeps exactly: its factors
// are the kept sweeps side by side, scaled by 1 / sqrt(S), so
// U_i · V_j = (1/S) Σ_s ū_i^s · v_j^s (rank k · S), where ū_i^s is the mean of
// row i's conditional given V^s (Rao-Blackwellised: the expectation of
// u_i^s · v_j^s given V^s, with less noise than the sample itself). The
// values are standardised (mean and RMS deviation) for the run, so the
// hyperprior means the same on any scale. docs/ARCHITECTURE.md, "@lowrank/matrix-completion".
import { LowrankError, Rng } from "@lowrank/linalg";
import { sampleGamma, sampleNormalWishart, type ScatterKernel } from "./bpmf-hyper.js";
import type { FitSettings } from "./fit.js";
import { bpmfSlotSize } from "./kernels/bpmf.js";
import { fittedModel, type CompletionModel, type IterationRecord } from "./model.js";
import { averageError, pairSum, relayout, standardise, storeSample, validationError } from "./bpmf-sweep.js";
import { bpmfJobs } from "./parallel.js";
import type { RunState } from "./state.js";

/** Noise-precision prior Gamma(A0, rate B0) on standardised values (a prior noise variance of 1, worth two observations). */
const A0 = 1, B0 = 1;
/**
 * noise "scaled": each row's and each column's noise scale has the prior Gamma(SCALE_PRIOR, rate SCALE_PRIOR) (mean 1,
 * worth 2 · SCALE_PRIOR observations): a row needs some dozens of ratings before its own scale moves far from 1.
 */
const SCALE_PRIOR = 20;

/**
 * Doubles of method scratch a BPMF run takes: each side's normals, a column of ones (a prior's sums), the
 * conditional means, each side's prior, a solve per thread, the prediction sums, the priors' scatter, the normals'
 * generator state and the fused scoring pass's row sums; with noise scales, each row's and column's scale and the
 * columns' errors.
 */
export function bpmfWorkSize(n: number, m: number, k: number, biases: boolean, slots: number, nnz: number, validationNnz: number): number {
  const d = biases ? k + 1 : k;
  return (n + m) * d + Math.max(n, m) * (k + 2) + 2 * (d * d + d) + slots * bpmfSlotSize(k, biases) + nnz + validationNnz
    + d * d + 2 * d + 2 + 2 * (2 * n + 2 * m) + n + m + 2 + (d === 8 ? 8 * Math.max(n, m) : 0) + m * (k + 1);
}

/** Most doubles the kept samples may take (2^26: 512 MiB); past it only every t-th sweep is kept. */
const KEPT_LIMIT = 2 ** 26;

/**
 * Every how many sweeps after the burn-in a sample is kept: 1, unless the
 * samples of all sweeps would take more than KEPT_LIMIT doubles.
 */
export function keepEvery(s: Pick<FitSettings, "maxIter" | "burnIn" | "k">, n: number, m: number): number {
  const sweeps = Math.max(1, s.maxIter - s.burnIn);
  return Math.ceil(sweeps / Math.max(1, Math.floor(KEPT_LIMIT / ((n + m) * s.k))));
}

/** Kept samples of a run with these settings on an n x m matrix (each widens the model by k). */
export const keptSamples = (s: Pick<FitSettings, "maxIter" | "burnIn" | "k">, n: number, m: number): number =>
  Math.ceil(Math.max(1, s.maxIter - s.burnIn) / keepEvery(s, n, m));

/** The Gibbs run on its allocated state; returns the averaged model. */
export async function iterateBpmf(
  s: FitSettings, st: RunState, slots: number, observed: { ptr: Int32Array; cols: Int32Array },
): Promise<CompletionModel> {
  // Three functions that V8 compiles apart: this loop, the chain's setup (once a fit: never hot) and its sweep (hot
  // after some hundreds of sweeps; a small compile). docs/ARCHITECTURE.md, "The runtime": warm-up.
  const chain = startChain(s, st, slots);
  for (let iteration = 1; iteration <= s.maxIter; iteration++) {
    const rec = chain.sweep(iteration);
    if (s.report) await s.run.step(rec);
    else await s.run.pause();
    if (chain.converged()) break;
  }
  return chain.model(observed);
}

/** A Gibbs chain set up on the run's state: its sweeps, whether it has converged, and the averaged model. */
interface Chain {
  sweep(iteration: number): IterationRecord;
  converged(): boolean;
  model(observed: { ptr: Int32Array; cols: Int32Array }): CompletionModel;
}

function startChain(s: FitSettings, st: RunState, slots: number): Chain {
  const { k, maxIter, tol, seed, lo, hi, biases, burnIn } = s;
  const n = st.rows, m = st.cols, nnz = st.nnz, K = st.ws.kernels;
  const d = biases ? k + 1 : k, dd = d * d;
  let off = 0;
  const take = (len: number) => st.work.subarray(off, (off += len));
  // Each side's normals apart, as the draws run beside the other side's half-step; ones for the priors' sums.
  const zU = take(n * d), zV = take(m * d), ones = take(Math.max(n, m)).fill(1);
  const LamU = take(dd), hU = take(d), LamV = take(dd), hV = take(d);
  const work = take(slots * bpmfSlotSize(k, biases)), acc = take(nnz);
  // Each row's conditional mean (the half-step writes them): U's are what the model averages (see below).
  const means = take(Math.max(n, m) * k), meanBias = take(Math.max(n, m));
  const v = st.validation;
  const vacc = take(v ? v.nnz : 0);
  // Standardise the values (the run's copies): v -> (v - mu) / scale.
  const { mu, scale } = standardise(st.rowVals, st.colVals, nnz, biases);
  const rng = new Rng(seed);
  K.rngFill(rng, st.U, true);
  K.rngFill(rng, st.V, true);
  // Entries of standard deviation k^(-1/4): U_i · V_j starts with unit variance, the standardised values' own. Starts
  // ten times smaller left the chain near the all-zero factors for dozens of sweeps (0.883 against 0.876 held-out RMSE
  // after 40 sweeps on our synthetic ratings); 1 and 2 times gave 0.876 alike.
  const init = Math.pow(k, -0.25);
  K.scal(n * k, init, st.U);
  K.scal(m * k, init, st.V);
  // Rows without observations stay zero (as their half-step leaves them), so a prior's sums may run over every row.
  const Nu = zeroEmptyRows(st.U, st.rowPtr, n, k), Nv = zeroEmptyRows(st.V, st.colPtr, m, k);
  // The rows' normals come from a second generator (bpmfNormals, faster than rngFill's), seeded from the run's.
  const words = take(2), normals = new Int32Array(words.buffer, words.byteOffset, 4);
  for (let t = 0; t < 4; t++) normals[t] = rng.nextU32() | 0;
  // U's half-step scores its rows as it samples them (bpmfHalfStepScored): two sums per row, added here in row order.
  const rowSums = take(2 * n);
  // noise "scaled": the rows' and columns' noise scales (all 1 at the start), their square roots and the columns'
  // weighted errors; each half-step weights an observation by the other side's scale (its design row and target scaled
  // by the root) and its row's noise precision by its own.
  const scaled = s.noiseScales, tauU = take(n).fill(1), tauV = take(m).fill(1), colErrs = take(2 * m);
  const rootU = take(n).fill(1), rootV = take(m).fill(1);
  // Each scale is a Gamma draw of a shape fixed by the row's count over a rate that takes the row's errors: the draws
  // (bpmfGammas) run beside the half-step that computes the errors, the division after it (bpmfScaleRows).
  const gammaU = take(n), gammaV = take(m);
  // With scales the model averages V's conditional means too (given the sweep's previous U), beside U's (given the
  // sweep's V): their own buffers, as U's half-step writes its means over the shared ones.
  const meansV = take(scaled ? m * k : 0), meanBiasV = take(scaled ? m : 0);
  const Mv = scaled ? meansV : means, mbV = scaled ? meanBiasV : meanBias;
  // The average's V side: V's means with scales, else V's sample.
  const Va = scaled ? meansV : st.V, vb = scaled ? meanBiasV : st.colBias;
  const owU = scaled ? rootV : null, rsU = scaled ? tauU : null, owV = scaled ? rootU : null, rsV = scaled ? tauV : null;
  // Eight-wide design rows (the default rank): the kernel reads each side's rows weighted, eight doubles a row
  // (bpmfWeightRows), written before each half-step; other ranks weight as they go.
  const wide = scaled && d === 8, Fw = take(wide ? 8 * Math.max(n, m) : 0), FwRows = wide ? Fw : null;
  // The scales' draws come from a third generator (bpmfGammas), seeded from the run's only when there are scales (the
  // shared noise's draws stay as they were).
  const scaleWords = take(2), scaleState = new Int32Array(scaleWords.buffer, scaleWords.byteOffset, 4);
  for (let t = 0; scaled && t < 4; t++) scaleState[t] = rng.nextU32() | 0;
  // The priors' sums by gemm, gemv and dot, on buffers apart from everything a half-step reads or writes.
  const scatter: ScatterKernel = { gemm: (...a) => K.gemm(...a), gemv: (...a) => K.gemv(...a), dot: (...a) => K.dot(...a), prior: (...a) => K.bpmfPrior(...a), ones, gram: take(dd), sums: take(2 * d) };
  let alpha = 1;
  const S = keptSamples(s, n, m), every = keepEvery(s, n, m);
  // The kept samples side by side in each row (the model's layout), scaled by fS so that U_i · V_j is their average
  // when all S are kept; stored while the scoring pass runs (it reads the same arrays).
  const Us = new Float64Array(n * k * S), Vs = new Float64Array(m * k * S), fS = Math.sqrt(scale / S);
  const rb = new Float64Array(n), cb = new Float64Array(m);
  const history: IterationRecord[] = [];
  let kept = 0, converged = false, prev = Infinity;
  const rowBias = biases ? st.rowBias : null, colBias = biases ? st.colBias : null;
  const nonFinite = (sweep: number) => new LowrankError("NON_FINITE", `complete: the bpmf sampler's factors became non-finite at sweep ${sweep}`);
  // A side's prior and normals for a sweep, drawn from the two generators in a fixed order (V's for sweep 1 first; then
  // each sweep U's, the next sweep's V's, then the noise precision), whichever thread samples the rows.
  const drawV = (sweep: number) => {
    if (!sampleNormalWishart(rng, st.V, colBias, Nv, m, k, LamV, hV, scatter)) throw nonFinite(sweep);
    K.bpmfNormals(m * d, zV, normals);
  };
  const drawU = (sweep: number) => {
    if (!sampleNormalWishart(rng, st.U, rowBias, Nu, n, k, LamU, hU, scatter)) throw nonFinite(sweep);
    K.bpmfNormals(n * d, zU, normals);
  };
  // On the pool, the draws for the next half-step run on this thread beside the current one's rows.
  const jobs = bpmfJobs(K);
  const halfStep = (meanwhile: () => void, ...a: Parameters<typeof K.bpmfHalfStep>): number => {
    if (jobs) return jobs.halfStep(meanwhile, ...a);
    meanwhile();
    return K.bpmfHalfStep(...a);
  };
  const halfStepScored = (meanwhile: () => void, ...a: Parameters<typeof K.bpmfHalfStepScored>): number => {
    if (jobs) return jobs.halfStepScored(meanwhile, ...a);
    meanwhile();
    return K.bpmfHalfStepScored(...a);
  };
  // One sweep, its record pushed to the history (a function of its own: V8 optimises the sweep's code apart from the
  // run's setup, which is smaller and sooner to compile; docs/ARCHITECTURE.md, "The runtime": warm-up).
  const sweep = (iteration: number): IterationRecord => {
    const t0 = performance.now();
    const after = iteration > burnIn, keep = after && (iteration - burnIn - 1) % every === 0;
    // During burn-in the sums hold the current sample alone; from the first kept sample on (the first sweep after the
    // burn-in), the kept samples' sum.
    if (!after || (keep && kept === 0)) {
      acc.fill(0);
      vacc.fill(0);
    }
    // The noise precision from this sample's squared error; the sums add U's conditional means against this V, over
    // `div` samples (after this one); U's half-step scores each row right after sampling it (acc, and both errors).
    const accumulate = !after || keep, div = after ? kept + (keep ? 1 : 0) : 1;
    if (wide) K.bpmfWeightRows(n, k, biases, st.U, rootU, Fw);
    // Beside V's rows: U's prior and normals, and the columns' Gamma draws.
    const besideV = () => {
      drawU(iteration);
      if (scaled) K.bpmfGammas(m, st.colPtr, SCALE_PRIOR, gammaV, scaleState);
    };
    let failed = halfStep(besideV, m, k, st.colPtr, st.colRows, st.colVals, st.U, st.rowBias, st.V, st.colBias, 0, alpha, LamV, hV, biases, zV, Mv, mbV, work, owV, rsV, scaled ? colErrs : null, FwRows);
    // The columns' scales given this V (their errors weighted by the rows' scales), before U's half-step weights by them.
    if (scaled) K.bpmfScaleRows(m, gammaV, colErrs, alpha, SCALE_PRIOR, tauV, rootV);
    if (wide) K.bpmfWeightRows(m, k, biases, st.V, rootV, Fw);
    // Beside U's rows: the next sweep's V prior and normals, the rows' Gamma draws, and this V's store (V is final for
    // the sweep).
    const besideU = () => {
      if (iteration < maxIter) drawV(iteration + 1);
      if (scaled) K.bpmfGammas(n, st.rowPtr, SCALE_PRIOR, gammaU, scaleState);
      if (!keep) return;
      storeSample(Vs, Va, m, k, S, kept, fS);
      addInto(cb, vb, m);
    };
    // Rao-Blackwellised: U's conditional means given this V in place of U's sample (the same expectation, less noise).
    const Ua = means, ba = meanBias;
    let sse: number, tr = 0;
    if (accumulate) {
      failed += halfStepScored(besideU, n, k, st.rowPtr, st.rowCols, st.rowVals, st.V, st.colBias, st.U, st.rowBias, 0, alpha, LamU, hU, biases, zU, means, meanBias, work, acc, div, rowSums, owU, rsU, FwRows, scaled ? Va : null, scaled ? vb : null);
      // (Loops over the rows stay out of the sweep's own code: on real data V8 would compile the sweep anew around them.)
      sse = pairSum(rowSums, n, 0);
      tr = pairSum(rowSums, n, 1);
    } else if (scaled) {
      failed += halfStep(besideU, n, k, st.rowPtr, st.rowCols, st.rowVals, st.V, st.colBias, st.U, st.rowBias, 0, alpha, LamU, hU, biases, zU, means, meanBias, work, owU, rsU, rowSums, FwRows);
      sse = pairSum(rowSums, n, 0);
      tr = averageError(acc, st.rowVals, nnz, div);
    } else {
      failed += halfStep(besideU, n, k, st.rowPtr, st.rowCols, st.rowVals, st.V, st.colBias, st.U, st.rowBias, 0, alpha, LamU, hU, biases, zU, means, meanBias, work, null, null, null, null);
      sse = K.squaredError(nnz, k, st.rowOf, st.rowCols, st.rowVals, st.U, st.V, st.rowBias, st.colBias, 0, -Infinity, Infinity);
      tr = averageError(acc, st.rowVals, nnz, div);
    }
    // With noise scales sse is each row's error weighted by the columns' scales; the rows' scales come next, then the
    // noise precision from Σ_i s_i (row i's weighted error).
    if (scaled) {
      K.bpmfScaleRows(n, gammaU, rowSums, alpha, SCALE_PRIOR, tauU, rootU);
      sse = scaledSum(rowSums, tauU, n);
    }
    if (v && accumulate) K.bpmfAccumulate(v.nnz, k, v.rowIndex, v.colIndex, v.values, Ua, Va, ba, vb, vacc);
    if (keep) {
      storeSample(Us, Ua, n, k, S, kept, fS);
      addInto(rb, ba, n);
    }
    if (!Number.isFinite(sse) || failed > 0) throw nonFinite(iteration);
    alpha = sampleGamma(rng, A0 + nnz / 2) / (B0 + sse / 2);
    if (keep) kept++;
    const rec: IterationRecord = { iteration, loss: (sse / nnz) * scale * scale, trainRmse: Math.sqrt(tr / nnz) * scale, ms: 0 };
    if (v) rec.validationRmse = Math.sqrt(validationError(vacc, v.values, v.nnz, mu, scale, div, lo, hi) / v.nnz);
    rec.ms = performance.now() - t0;
    history.push(rec);
    // The averaged model's training RMSE settles as samples accumulate: stop when it moves by less than tol (relative).
    if (keep) {
      converged = kept >= 2 && Math.abs(prev - rec.trainRmse) <= tol * prev;
      prev = rec.trainRmse;
    }
    return rec;
  };
  drawV(1);
  return { sweep, converged: () => converged, model: (observed) => averagedModel(observed) };
  // The model: the kept samples side by side, scaled so U_i · V_j is their average (the store as it is when all S were
  // kept; after an early stop, the first `kept` of each row, rescaled).
  function averagedModel(observed: { ptr: Int32Array; cols: Int32Array }): CompletionModel {
    const r = k * kept, g = Math.sqrt(S / kept);
    const U = kept === S ? Us : new Float64Array(n * r), V = kept === S ? Vs : new Float64Array(m * r);
    if (kept < S) {
      relayout(U, Us, n, r, S * k, g);
      relayout(V, Vs, m, r, S * k, g);
    }
    scaleRows(rb, n, scale / kept);
    scaleRows(cb, m, scale / kept);
    const last = history[history.length - 1];
    // Finite by construction: a non-finite sample fails its sweep's squared error, rows without observations are zero.
    return fittedModel(
      "bpmf", n, m, r, U, V, rb, cb, mu, [lo, hi], history,
      // foldIn's ridge: the last prior's mean diagonal precision over the noise precision, as a plain (unweighted)
      // ridge; on the factors it scales with the values (the model's u and v carry sqrt(scale) each), on the bias not.
      { lambda: (ridgeOf(LamU, k, d) / alpha) * scale, biasLambda: biases ? LamU[k * d + k] / alpha : 0, weighted: false, biases },
      observed, null, { converged, residual: last.trainRmse },
    );
  }
}

/** Zeroes the k entries of each row of X without observations (ptr[i + 1] === ptr[i]); returns how many rows have some. */
function zeroEmptyRows(X: Float64Array, ptr: Int32Array, n: number, k: number): number {
  let N = 0;
  for (let i = 0; i < n; i++) {
    if (ptr[i + 1] > ptr[i]) N++;
    else X.fill(0, i * k, i * k + k);
  }
  return N;
}

/** Σ tau[i] · err[2i] over i < n, in order. */
function scaledSum(err: Float64Array, tau: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += tau[i] * err[2 * i];
  return t;
}

/** a[i] *= f for i < len. */
function scaleRows(a: Float64Array, len: number, f: number): void {
  for (let i = 0; i < len; i++) a[i] *= f;
}

/** into[i] += from[i] for i < len. */
function addInto(into: Float64Array, from: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) into[i] += from[i];
}

/** Mean of the first k diagonal entries of the d x d precision. */
function ridgeOf(Lam: Float64Array, k: number, d: number): number {
  let s = 0;
  for (let r = 0; r < k; r++) s += Lam[r * d + r];
  return s / k;
}
