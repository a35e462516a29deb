// General tensor networks: one core per mode and a bond between every pair of
// cores (the fully connected topology of Hashemizadeh, Liu, Miller,
// Rabusseau, "Adaptive Learning of Tensor Network Structures"; a bond of rank
// 1 is no edge, so tensor trains and rings are special cases). This module
// holds the cores' layout, the reading of a network and the greedy search's
// starts; contraction-plan.ts contracts a network (a chain of pairwise
// contractions, each an axis permutation and one GEMM) and general-fitter.ts
// fits one by ALS.
import { asTensor, LowrankError, type Rng, type Tensor } from "@lowrank/linalg";
import { prod } from "./validate.js";

/** Core k's layout: [I_k, R[k][j] for j ≠ k ascending]. */
export function coreShapeOf(shape: number[], R: number[][], k: number): number[] {
  return [shape[k], ...shape.map((_, j) => j).filter((j) => j !== k).map((j) => R[k][j])];
}

/** Σ_k I_k Π_{j≠k} R[k][j]. */
export function generalParameters(shape: number[], R: number[][]): number {
  return shape.reduce((a, _, k) => a + prod(coreShapeOf(shape, R, k)), 0);
}

/**
 * Reads a general network { edgeRanks, cores } and checks it whole: N >= 2
 * cores in any accepted tensor form, finite; edgeRanks N x N, symmetric,
 * positive integers off the diagonal; core k of shape [I_k, R[k][j] for
 * j ≠ k ascending]. Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE, TOO_LARGE.
 */
export function readGeneral(d: { edgeRanks?: unknown; cores?: unknown }, name: string): { shape: number[]; cores: Tensor[]; edgeRanks: number[][] } {
  const R = d.edgeRanks, raw = d.cores;
  if (!Array.isArray(R) || !Array.isArray(raw)) throw new LowrankError("INVALID_ARGUMENT", `${name}: a general network needs arrays edgeRanks (N x N) and cores`);
  if (R.length !== raw.length || raw.length < 2) throw new LowrankError("SHAPE", `${name}: a general network needs edgeRanks (N x N) and N >= 2 cores`);
  const N = raw.length;
  const cores = raw.map((c, k) => asTensor(c, `${name}.cores[${k}]`));
  const shape = cores.map((c) => c.shape[0]);
  const edgeRanks = R.map((row, k) => {
    if (!Array.isArray(row) || row.length !== N) throw new LowrankError("SHAPE", `${name}.edgeRanks[${k}] must have ${N} entries`);
    return row.map((v, j) => (j === k ? shape[k] : v)) as number[];
  });
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < N; b++) {
      const v = edgeRanks[a][b];
      if (a !== b && (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v !== edgeRanks[b][a])) {
        throw new LowrankError("SHAPE", `edgeRanks must be symmetric with positive integers off the diagonal (at [${a}][${b}])`);
      }
    }
  }
  cores.forEach((c, k) => {
    const want = coreShapeOf(shape, edgeRanks, k);
    if (c.shape.length !== want.length || c.shape.some((v, i) => v !== want[i])) {
      throw new LowrankError("SHAPE", `cores[${k}] must have shape [${want.join(", ")}] ([I_k, then the rank of its bond to every other core])`);
    }
  });
  return { shape, cores, edgeRanks };
}

/** Random Gaussian cores (variance 1 / Π bonds) for edge ranks R. */
export function randomCores(shape: number[], R: number[][], rng: Rng): Float64Array[] {
  return shape.map((_, k) => {
    const dims = coreShapeOf(shape, R, k);
    const g = rng.fillNormal(new Float64Array(prod(dims)));
    const sc = 1 / Math.sqrt(prod(dims, 1));
    for (let i = 0; i < g.length; i++) g[i] *= sc;
    return g;
  });
}

/**
 * Cores for R with R[a][b] one larger than in `cores` (edge ranks `from`):
 * the old cores in the leading block, the new slices of cores a and b small
 * Gaussian (scale `small`), the paper's warm start.
 */
export function growEdge(shape: number[], from: number[][], cores: Float64Array[], a: number, b: number, rng: Rng, small = 1e-2): { R: number[][]; cores: Float64Array[] } {
  const R = from.map((row) => row.slice());
  R[a][b]++;
  R[b][a]++;
  const out = cores.map((g, k) => {
    if (k !== a && k !== b) return g.slice();
    const oldDims = coreShapeOf(shape, from, k), newDims = coreShapeOf(shape, R, k);
    const ng = rng.fillNormal(new Float64Array(prod(newDims)));
    let scale = 0;
    for (let i = 0; i < g.length; i++) scale += g[i] * g[i];
    scale = small * Math.sqrt(scale / g.length);
    for (let i = 0; i < ng.length; i++) ng[i] *= scale;
    // Copy the old core into the leading block, index by index.
    const nd = oldDims.length;
    const idx = new Array<number>(nd).fill(0);
    for (let f = 0; f < g.length; f++) {
      let t = 0;
      for (let m = 0; m < nd; m++) t = t * newDims[m] + idx[m];
      ng[t] = g[f];
      for (let m = nd - 1; m >= 0; m--) {
        if (++idx[m] < oldDims[m]) break;
        idx[m] = 0;
      }
    }
    return ng;
  });
  return { R, cores: out };
}
