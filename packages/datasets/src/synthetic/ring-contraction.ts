import { Rng, type Tensor, checkSize } from "@lowrank/linalg";
import { checkGenerated, checkSeed, checkWork, checkedSize } from "../validate.js";
import { addGaussianNoise, normalizeRms } from "./noise.js";

/** What the TT and TR generators return: the tensor, its cores and the bond ranks. */
export interface CoreChain {
  tensor: Tensor;
  /** cores[k] has shape [ranks[k], shape[k], ranks[k + 1]]. */
  cores: Tensor[];
  ranks: number[];
}

/**
 * The part of ttTensor and trTensor after their bond ranks are settled (N + 1
 * bonds, checked): sizes and work checked first, then seeded Gaussian cores
 * of variance 1 / r_{k-1}, their contraction, the first core scaled for an
 * RMS entry of 1, and the noise. The draws are the cores in order, then the
 * noise. Complexity: that of {@link ringToTensor}.
 */
export function seededChain(fn: string, dims: number[], bonds: number[], options: { seed?: number; noise?: number }): CoreChain {
  checkedSize("tensor", dims);
  checkRingCost(fn, bonds, dims);
  const noise = options.noise ?? 0;
  const rng = new Rng(checkSeed(options.seed));
  const cores = dims.map((n, k) => gaussianCore(rng, bonds[k], n, bonds[k + 1]));
  const tensor = ringToTensor(cores);
  const factor = normalizeRms(tensor.data);
  for (let i = 0; i < cores[0].data.length; i++) cores[0].data[i] *= factor;
  addGaussianNoise(rng, tensor.data, noise);
  checkGenerated(tensor.data, `${fn}: tensor`, "noise too large");
  return { tensor, cores, ranks: bonds };
}

/** A [ra, n, rb] core of N(0, 1 / ra) entries. */
export function gaussianCore(rng: Rng, ra: number, n: number, rb: number): Tensor {
  const data = rng.fillNormal(new Float64Array(ra * n * rb));
  const s = 1 / Math.sqrt(ra);
  for (let i = 0; i < data.length; i++) data[i] *= s;
  return { shape: [ra, n, rb], data };
}

/**
 * Checks, before anything is allocated, every array {@link ringToTensor} and
 * the cores take for these bonds (N + 1, equal ends for a ring) and mode
 * sizes, and the multiply-adds it does: TOO_LARGE past the limits.
 */
export function checkRingCost(fn: string, bonds: readonly number[], dims: readonly number[]): void {
  const r0 = bonds[0];
  let prefix = 1, work = 0;
  for (let k = 0; k < dims.length; k++) {
    const ra = bonds[k], n = dims[k], rb = bonds[k + 1];
    checkSize(ra * n * rb, `${fn}: cores[${k}]`);
    checkSize(r0 * prefix * n * rb, `${fn}: partial products`);
    work += r0 * prefix * n * ra * rb;
    prefix *= n;
  }
  checkWork(work, fn);
}

/**
 * Full tensor of a tensor ring: entry (i_1..i_N) = trace(G_1[:, i_1, :] ...
 * G_N[:, i_N, :]) with cores of shape [r_{k-1}, n_k, r_k] and r_0 = r_N. A
 * tensor train is the special case r_0 = r_N = 1, where the trace is the one
 * entry of a 1 x 1 product, so both generators share this loop.
 *
 * Keeps the partial products P[a_0, (i_1..i_k), a_k] and absorbs one core per step.
 * Complexity: O(r_0 * size * max r^2) time, O(r_0 * size * max r) memory.
 */
export function ringToTensor(cores: Tensor[]): Tensor {
  const r0 = cores[0].shape[0];
  let prefix = 1;
  let rk = r0;
  // P starts as r_0 identity slices, so the first step copies G_1.
  let P = new Float64Array(r0 * r0);
  for (let a = 0; a < r0; a++) P[a * r0 + a] = 1;
  for (const core of cores) {
    const [ra, n, rb] = core.shape;
    const G = core.data;
    const next = new Float64Array(r0 * prefix * n * rb);
    for (let a0 = 0; a0 < r0; a0++) {
      for (let p = 0; p < prefix; p++) {
        const src = (a0 * prefix + p) * ra;
        for (let i = 0; i < n; i++) {
          const dst = ((a0 * prefix + p) * n + i) * rb;
          for (let a = 0; a < ra; a++) {
            const v = P[src + a];
            if (v === 0) continue;
            const g = (a * n + i) * rb;
            for (let b = 0; b < rb; b++) next[dst + b] += v * G[g + b];
          }
        }
      }
    }
    P = next;
    prefix *= n;
    rk = rb;
  }
  const data = new Float64Array(prefix);
  for (let p = 0; p < prefix; p++) {
    let acc = 0;
    for (let a0 = 0; a0 < r0; a0++) acc += P[(a0 * prefix + p) * rk + a0];
    data[p] = acc;
  }
  return { shape: cores.map((c) => c.shape[1]), data };
}
