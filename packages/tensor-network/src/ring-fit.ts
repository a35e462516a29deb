// Fitting candidate tensor rings for the ring structure searches (greedy-ring.ts,
// tnale.ts): each candidate (bond ranks and mode order) is fitted by TR-ALS
// from `restarts` random or warm starts, the best kept, every fit counted and
// reported as one progress record of searchStructure.
import type { LongRun, Tensor } from "@lowrank/linalg";
import type { SearchProgress } from "./search-structure.js";
import { trAls } from "./tr-als.js";
import type { TensorNetwork } from "./types.js";

/** A fitted candidate ring. */
export interface Fit {
  ranks: number[];
  permutation: number[];
  network: TensorNetwork;
  error: number;
  parameters: number;
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
        maxIter: s.alsIter, tol: 1e-10, seed: s.seed + evaluations, backend: s.backend, returnErrors: true, warm,
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
