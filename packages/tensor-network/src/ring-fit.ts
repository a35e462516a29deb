// Fitting candidate tensor rings for the ring structure searches (greedy-ring.ts,
// tnale.ts): each candidate (bond ranks and mode order) is fitted by TR-ALS
// from `restarts` random or warm starts, the best kept, every fit counted and
// reported as one progress record of searchStructure.
import type { LongRun, Tensor } from "@lowrank/linalg";
import type { SearchProgress } from "./search-structure.js";
import { trAls } from "./tr-als.js";
import type { TensorNetwork } from "./types.js";

/** A fitted candidate ring (and, with the fits counted, searchStructure's result). */
export interface Fit {
  /** Bond ranks r_0..r_{N-1} of the ring found (r_N = r_0). */
  ranks: number[];
  /** Mode order around the ring: core k represents mode permutation[k] of X (identity unless searched). */
  permutation: number[];
  /** The fitted tensor ring: `reconstruct(network)` is X with its modes in `permutation` order. */
  network: TensorNetwork;
  /** Its relative error ‖X - TR‖ / ‖X‖. */
  error: number;
  /** Σ r_k I_k r_{k+1}. */
  parameters: number;
  /** parameters / entries + lambda * error (lambda as given, default 200). */
  objective: number;
}

/** Fits a candidate: bond ranks, random starts, optional warm cores and mode order (default the identity). */
export type Fitter = (ranks: number[], restarts: number, warm?: Tensor[], permutation?: number[]) => Promise<Fit>;

/** Σ r_k I_k r_{k+1} of a ring. */
export function ringParameters(shape: number[], ranks: number[]): number {
  return shape.reduce((a, n, k) => a + ranks[k] * n * ranks[(k + 1) % shape.length], 0);
}

/** Y with Y.shape[m] = X.shape[perm[m]] and Y[j_0..j_{N-1}] = X[i] where i_{perm[m]} = j_m. O(size N). */
export function permuteModes(X: Tensor, perm: number[]): Tensor {
  const N = X.shape.length;
  const inStride = new Array<number>(N);
  for (let k = N - 1, st = 1; k >= 0; k--) {
    inStride[k] = st;
    st *= X.shape[k];
  }
  const shape = perm.map((k) => X.shape[k]);
  const stride = perm.map((k) => inStride[k]);
  const out = new Float64Array(X.data.length);
  const idx = new Array<number>(N).fill(0);
  let src = 0;
  for (let f = 0; f < out.length; f++) {
    out[f] = X.data[src];
    for (let m = N - 1; m >= 0; m--) {
      idx[m]++;
      src += stride[m];
      if (idx[m] < shape[m]) break;
      src -= stride[m] * shape[m];
      idx[m] = 0;
    }
  }
  return { shape, data: out };
}

/** Settings of {@link ringFitter}. */
export interface RingFitSettings {
  /** TR-ALS sweeps per fit. */
  alsIter: number;
  /** Seed of the first fit (each later fit adds the fits so far). */
  seed: number;
  /** Weight of the relative error in the objective. */
  lambda: number;
  backend: "js" | "wasm" | undefined;
  /** The search's run: one progress record per fit, yields, the abort signal. */
  run: LongRun<SearchProgress>;
}

/**
 * The fitter of the ring searches on X and the count of fits it has made.
 * Mode orders are applied to X once each (cached); the objective is
 * parameters / entries + lambda * error.
 */
export function ringFitter(X: Tensor, s: RingFitSettings): { fit: Fitter; spent: () => number } {
  const shape = X.shape, S = X.data.length, run = s.run;
  let evaluations = 0;
  const permuted = new Map<string, Tensor>();
  const fit = async (ranks: number[], restarts: number, warm?: Tensor[], permutation = shape.map((_, k) => k)): Promise<Fit> => {
    const key = permutation.join(",");
    if (!permuted.has(key)) permuted.set(key, permuteModes(X, permutation));
    const Y = permuted.get(key)!;
    let best: Fit | null = null;
    for (let t = 0; t < restarts; t++) {
      await run.pause();
      const tr = await trAls(Y, ranks, {
        // A warm start is the first restart's (one restart: warm as given); with a warm start the
        // second starts from TR-SVD at these ranks when TR-SVD allows them; the others are random.
        maxIter: s.alsIter, tol: 1e-10, seed: s.seed + evaluations, backend: s.backend, returnErrors: true, warm: t === 0 ? warm : undefined,
        init: warm && t === 1 && ranks[0] * ranks[1] <= Math.min(Y.shape[0], S / Y.shape[0]) ? "svd" : "random",
        afterSweep: () => run.pause(), check: () => run.check(),
      });
      evaluations++;
      const error = tr.errors![tr.errors!.length - 1];
      const parameters = ringParameters(Y.shape, ranks);
      const f = { ranks: ranks.slice(), permutation: permutation.slice(), network: { kind: "tensor-network" as const, cores: tr.cores, ranks: tr.ranks }, error, parameters, objective: parameters / S + s.lambda * error };
      run.stepSync({ iteration: evaluations, evaluations, ranks: f.ranks, error });
      if (!best || f.error < best.error) best = f;
    }
    return best!;
  };
  return { fit, spent: () => evaluations };
}

/** Fits a candidate once per (ranks, mode order): null when over the budget or out of evaluations. */
export type Evaluator = (ranks: number[], perm: number[], warm?: Fit) => Promise<Fit | null>;

/**
 * The candidate evaluation of the sampling searches (tnale.ts, tnls.ts):
 * each (mode order, ranks) is fitted once from `restarts` random starts and
 * cached, so a candidate seen again costs no evaluation; candidates over the
 * budget, and any once `maxEvaluations` fits are spent, are null. With
 * `warm` (a fitted ring in the same mode order), the first start is its
 * cores, cut or padded to the candidate's ranks.
 */
export function cachedEvaluator(shape: number[], budget: number, restarts: number, maxEvaluations: number, fit: Fitter, spent: () => number): Evaluator {
  const cache = new Map<string, Fit | null>();
  return async (ranks, perm, warm) => {
    const key = `${perm.join(",")}|${ranks.join(",")}`;
    if (!cache.has(key)) {
      const over = ringParameters(perm.map((k) => shape[k]), ranks) > budget;
      if (over) cache.set(key, null);
      else if (spent() >= maxEvaluations) return null;
      else {
        const cores = warm && warm.permutation.every((p, k) => p === perm[k]) ? warm.network.cores : undefined;
        cache.set(key, await fit(ranks, restarts, cores, perm));
      }
    }
    return cache.get(key)!;
  };
}

/** 2 L + 1 consecutive ranks around r, shifted up to start at 1 when r - L < 1 (TnALE's window). */
export function rankWindow(r: number, L: number): number[] {
  const lo = Math.max(1, r - L);
  return Array.from({ length: 2 * L + 1 }, (_, i) => lo + i);
}
