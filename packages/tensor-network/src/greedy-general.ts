// Greedy structure search on general tensor networks: Hashemizadeh, Liu,
// Miller, Rabusseau, "Adaptive Learning of Tensor Network Structures". One
// core per mode, a bond between every pair of cores, every bond rank one at
// the start; each step tries +1 on every edge (old cores kept, the new
// slices initialised small and fitted alone for a few ALS sweeps, the
// paper's warm start), keeps the candidate with the lowest loss, and refits
// all cores by ALS; it stops at a loss or parameter budget.
import { Rng, type LongRun, type Tensor } from "@lowrank/linalg";
import { GeneralFitter } from "./general-fitter.js";
import { coreShapeOf, generalParameters, growEdge, randomCores } from "./general-network.js";
import type { GeneralTensorNetwork } from "./types.js";
import { RESULT_VERSION } from "@lowrank/linalg";

export interface GreedyGeneralSettings {
  budget: number;
  targetError: number;
  alsIter: number;
  sliceIter: number;
  maxEvaluations: number;
  seed: number;
  backend: "js" | "wasm" | undefined;
  /** The search's run: progress records after every fit, yields, the abort signal. */
  run: LongRun<{ iteration: number; evaluations: number; ranks: number[]; edgeRanks?: number[][]; error: number }>;
}

export interface GreedyGeneralResult {
  edgeRanks: number[][];
  network: GeneralTensorNetwork;
  error: number;
  parameters: number;
  evaluations: number;
  /** Edges (a, b) in the order their ranks were increased. */
  path: [number, number][];
}

/** The upper triangle of R, row by row: R[0][1], R[0][2], ..., R[N-2][N-1]. */
export function upperTriangle(R: number[][]): number[] {
  const out: number[] = [];
  for (let a = 0; a < R.length; a++) for (let b = a + 1; b < R.length; b++) out.push(R[a][b]);
  return out;
}

const withDiagonal = (shape: number[], R: number[][]) => R.map((row, a) => row.map((v, b) => (a === b ? shape[a] : v)));

export async function greedyGeneral(X: Tensor, s: GreedyGeneralSettings): Promise<GreedyGeneralResult> {
  const shape = X.shape, N = shape.length;
  const fitter = new GeneralFitter(X, s.backend);
  const rng = new Rng(s.seed);
  let evaluations = 0;
  const report = (R: number[][], error: number) => {
    evaluations++;
    s.run.stepSync({ iteration: evaluations, evaluations, ranks: upperTriangle(R), edgeRanks: withDiagonal(shape, R), error });
  };
  // Yield to the event loop between fits when one is due, then check the signal.
  const tick = () => s.run.pause();
  const als = { maxIter: s.alsIter, tol: 1e-10, run: s.run };

  // Rank one everywhere (the paper's start), fitted by ALS.
  let R = shape.map(() => shape.map(() => 1));
  let cores = randomCores(shape, R, rng);
  s.run.check();
  let errors = await fitter.fit(R, cores, als);
  let error = errors[errors.length - 1];
  report(R, error);
  const path: [number, number][] = [];
  while (error > s.targetError && evaluations < s.maxEvaluations) {
    let best: { R: number[][]; cores: Float64Array[]; error: number; edge: [number, number] } | null = null;
    for (let a = 0; a < N && evaluations < s.maxEvaluations; a++) {
      for (let b = a + 1; b < N && evaluations < s.maxEvaluations; b++) {
        const cand = growEdge(shape, R, cores, a, b, rng);
        if (generalParameters(shape, cand.R) > s.budget) continue;
        await tick();
        const e = await fitter.fit(cand.R, cand.cores, { ...als, maxIter: s.sliceIter }, [a, b]);
        const ce = e[e.length - 1];
        report(cand.R, ce);
        if (!best || ce < best.error) best = { ...cand, error: ce, edge: [a, b] };
      }
    }
    if (!best) break;
    await tick();
    R = best.R;
    cores = best.cores;
    errors = await fitter.fit(R, cores, als);
    error = errors[errors.length - 1];
    report(R, error);
    path.push(best.edge);
  }
  const network: GeneralTensorNetwork = {
    kind: "general-network",
    version: RESULT_VERSION,
    edgeRanks: withDiagonal(shape, R),
    cores: cores.map((g, k) => ({ shape: coreShapeOf(shape, R, k), data: g })),
  };
  return { edgeRanks: network.edgeRanks, network, error, parameters: generalParameters(shape, R), evaluations, path };
}
