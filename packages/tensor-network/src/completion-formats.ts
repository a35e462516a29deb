// The four formats' parts in completion without a rank (auto-completion.ts):
// their fit at a rung of the rank ladder, and the exact form of a full tensor.
import { LongRun, type Tensor } from "@lowrank/linalg";
import { autoComplete, type CompletionChoice, type CompletionFormat } from "./auto-completion.js";
import { cp, type CpOptions, type CpResult } from "./cp.js";
import { reconstruct } from "./reconstruct.js";
import { tensorRing, type TensorRingOptions, type TensorRingResult } from "./tensor-ring.js";
import { tensorTrain, type TensorTrainOptions } from "./tensor-train.js";
import { tucker, type TuckerOptions, type TuckerResult } from "./tucker.js";
import type { TensorNetwork, TensorLike } from "./types.js";
import { readMaskedTensor } from "./validate.js";
import { RESULT_VERSION } from "@lowrank/linalg";

/**
 * Sweeps (iterations) of the ladder's fits unless `maxIter` is given: enough
 * to rank the rungs (an exact rank's held-out error is already far below the
 * others'); the fit returned runs the format's default.
 */
const LADDER_ITER = 50;

/** The checked tensor and mask, the abort check, and the dense value of a result. */
function common(fn: string, input: TensorLike, opts: { mask?: ArrayLike<number | boolean>; signal?: AbortSignal; backend?: "js" | "wasm" }) {
  const { X, mask } = readMaskedTensor(input, opts.mask, "X");
  const run = new LongRun(fn, { signal: opts.signal });
  const dense = async (r: object) => reconstruct(r as TensorNetwork, { backend: opts.backend }).data;
  return { X, mask, check: () => run.check(), dense };
}

/** Multilinear ranks min(r, I_k), each lowered to the product of the others (a multilinear rank must allow it). */
export function tuckerRungs(shape: number[], r: number): number[] {
  const ranks = shape.map((n) => Math.min(r, n));
  for (let changed = true; changed; ) {
    changed = false;
    const p = ranks.reduce((a, b) => a * b, 1);
    for (let k = 0; k < ranks.length; k++) {
      if (ranks[k] * ranks[k] > p) {
        ranks[k] = Math.max(1, Math.floor(p / ranks[k]));
        changed = true;
        break;
      }
    }
  }
  return ranks;
}

/** `tucker` with a mask and no rank. */
export async function tuckerAuto(input: TensorLike, opts: Omit<TuckerOptions, "rank">): Promise<TuckerResult & { completion: CompletionChoice }> {
  const { X, mask, check, dense } = common("tucker", input, opts);
  const f: CompletionFormat<TuckerResult> = {
    // Imputation converges linearly: the final fit gets 500 iterations unless told.
    fit: (Y, m, rank, final) => tucker(Y, { ...opts, maxIter: opts.maxIter ?? (final ? 500 : LADDER_ITER), mask: m, rank }),
    rung: (r) => tuckerRungs(X.shape, r),
    valid: (rank) => rank.every((r) => r * r <= rank.reduce((a, b) => a * b, 1)),
    dense,
    // The full tensor as its own core with identity factors.
    exact: async (Y) => ({
      kind: "tucker",
      version: RESULT_VERSION,
      core: Y,
      factors: Y.shape.map((n) => ({ rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)) })),
    }),
    attempts: 1,
    maxRank: Math.max(...X.shape),
    check,
  };
  return autoComplete(X, mask, opts.seed ?? 0, f);
}

/**
 * The full tensor Y as an exact CP: one term per fibre of its longest mode m
 * (rank size / I_m), the fibre (normalised) in factor m, unit vectors in the
 * others, its norm the weight; weights descending.
 */
export function exactCp(Y: Tensor): CpResult {
  const shape = Y.shape, N = shape.length, S = Y.data.length;
  let m = 0;
  for (let k = 1; k < N; k++) if (shape[k] > shape[m]) m = k;
  const n = shape[m], R = S / n, after = shape.slice(m + 1).reduce((a, b) => a * b, 1);
  const weights = new Float64Array(R), fibres = new Float64Array(R * n);
  // Term t: the fibre at (before, after) = (floor(t / after), t % after).
  for (let t = 0; t < R; t++) {
    const base = Math.floor(t / after) * n * after + (t % after);
    let s = 0;
    for (let i = 0; i < n; i++) s += Y.data[base + i * after] ** 2;
    weights[t] = Math.sqrt(s);
    for (let i = 0; i < n; i++) fibres[t * n + i] = weights[t] > 0 ? Y.data[base + i * after] / weights[t] : i === 0 ? 1 : 0;
  }
  const order = Array.from({ length: R }, (_, t) => t).sort((a, b) => weights[b] - weights[a] || a - b);
  const factors = shape.map((nk, k) => {
    const data = new Float64Array(nk * R);
    if (k === m) {
      order.forEach((t, c) => {
        for (let i = 0; i < n; i++) data[i * R + c] = fibres[t * n + i];
      });
    } else {
      // Index of mode k in term t: the digits of t over the other modes in C order.
      const inner = shape.slice(k + 1).reduce((a, b, j) => (k + 1 + j === m ? a : a * b), 1);
      order.forEach((t, c) => {
        data[(Math.floor(t / inner) % nk) * R + c] = 1;
      });
    }
    return { rows: nk, cols: R, data };
  });
  return { kind: "cp", version: RESULT_VERSION, weights: Float64Array.from(order, (t) => weights[t]), factors };
}

/** `cp` with a mask and no rank. */
export async function cpAuto(input: TensorLike, opts: Omit<CpOptions, "rank">): Promise<CpResult & { completion: CompletionChoice }> {
  const { X, mask, check, dense } = common("cp", input, opts);
  const f: CompletionFormat<CpResult> = {
    fit: (Y, m, r, final, attempt) => {
      const o = { ...opts, maxIter: opts.maxIter ?? (final ? undefined : LADDER_ITER), mask: m, rank: r[0] };
      return cp(Y, attempt === 0 ? o : { ...o, init: "random", seed: (opts.seed ?? 0) + attempt });
    },
    dense,
    rung: (r) => [r],
    exact: async (Y) => exactCp(Y),
    attempts: 3,
    maxRank: 64,
    check,
  };
  return autoComplete(X, mask, opts.seed ?? 0, f);
}

/**
 * TT ranks min(r, I_1 ... I_k, I_{k+1} ... I_N) for the N - 1 bonds: a bond
 * above its unfolding's rank adds nothing but cost (a photograph's last bond
 * is at most 3).
 */
export function trainRungs(shape: number[], r: number): number[] {
  return shape.slice(0, -1).map((_, k) => Math.min(r, shape.slice(0, k + 1).reduce((a, b) => a * b, 1), shape.slice(k + 1).reduce((a, b) => a * b, 1)));
}

/** `tensorTrain` with a mask and no maxRank. */
export async function trainAuto(input: TensorLike, opts: TensorTrainOptions): Promise<TensorNetwork & { errors?: number[]; completion: CompletionChoice }> {
  const { X, mask, check, dense } = common("tensorTrain", input, opts);
  const f: CompletionFormat<TensorNetwork & { errors?: number[] }> = {
    fit: (Y, m, r, final, attempt) =>
      tensorTrain(Y, { ...opts, maxIter: opts.maxIter ?? (final ? undefined : LADDER_ITER), mask: m, maxRank: r, seed: (opts.seed ?? 0) + attempt }),
    rung: (r) => trainRungs(X.shape, r),
    dense,
    exact: (Y) => tensorTrain(Y, { backend: opts.backend, signal: opts.signal }),
    attempts: 3,
    maxRank: 32,
    check,
  };
  return autoComplete(X, mask, opts.seed ?? 0, f);
}

/** `tensorRing` with a mask and no rank. */
export async function ringAuto(input: TensorLike, opts: TensorRingOptions): Promise<TensorRingResult & { completion: CompletionChoice }> {
  const { X, mask, check, dense } = common("tensorRing", input, opts);
  const f: CompletionFormat<TensorRingResult> = {
    fit: (Y, m, r, final, attempt) =>
      tensorRing(Y, { ...opts, maxIter: opts.maxIter ?? (final ? undefined : LADDER_ITER), mask: m, method: "als", rank: r, seed: (opts.seed ?? 0) + attempt }),
    rung: (r) => X.shape.map(() => r),
    dense,
    exact: (Y) => tensorRing(Y, { backend: opts.backend, signal: opts.signal }),
    attempts: 3,
    maxRank: 16,
    check,
  };
  return autoComplete(X, mask, opts.seed ?? 0, f);
}
