// The solvers of coreShape on the mode spectra (see core-shape.ts and
// docs/ARCHITECTURE.md): greedy increments, the exact optimum of the kept
// squared singular values (with its runners-up), and the multilinear-rank
// repair, plus the parameter count of a Tucker shape.
import { LowrankError } from "@lowrank/linalg";
import { prod } from "./validate.js";

/** Search nodes the exact solver may visit before giving up (a few seconds), so it never hangs. */
const MAX_NODES = 5e7;

/** Π r_n + Σ I_n r_n. */
export function tuckerParameters(shape: number[], rank: number[]): number {
  return prod(rank) + shape.reduce((a, n, k) => a + n * rank[k], 0);
}

/**
 * Lowers every r_n above Π_{k≠n} r_k to that product (repeating until none
 * is): the core's mode-n unfolding has rank at most the product, so a
 * larger r_n only adds parameters, and `tucker` rejects it (RANK).
 */
export function validRank(rank: number[]): number[] {
  const r = rank.slice();
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 0; k < r.length; k++) {
      const others = prod(r) / r[k];
      if (r[k] > others) {
        r[k] = others;
        changed = true;
      }
    }
  }
  return r;
}

/**
 * Greedy increments from all ones (or from `start`, r_n at most cap_n): the feasible +1 with the largest next σ²
 * (or σ² per added parameter). Ties go to the lower mode.
 */
export function greedyShape(shape: number[], spectra: Float64Array[], budget: number, perParameter: boolean, start?: number[], cap: number[] = shape): number[] {
  const N = shape.length;
  const r = start ? start.slice() : shape.map(() => 1);
  let cost = tuckerParameters(shape, r);
  for (;;) {
    let best = -1, bestScore = -Infinity, bestCost = 0;
    const p = prod(r);
    for (let k = 0; k < N; k++) {
      if (r[k] >= cap[k]) continue;
      const added = p / r[k] + shape[k];
      if (cost + added > budget) continue;
      const gain = spectra[k][r[k]];
      const score = perParameter ? gain / added : gain;
      if (score > bestScore) {
        best = k;
        bestScore = score;
        bestCost = added;
      }
    }
    if (best < 0) return r;
    r[best]++;
    cost += bestCost;
  }
}

/**
 * The optimal shape: depth-first over the ranks of all modes but the last
 * (largest modes first, so cuts come early), the last rank in closed form,
 * pruned by an optimistic bound.
 */
export function exactShape(shape: number[], spectra: Float64Array[], budget: number): number[] {
  return exactShapes(shape, spectra, budget, 1)[0];
}

/**
 * The `keep` best shapes of the exact search, best first (ties in the order
 * found): branches are cut against the keep-th best value so far, so with
 * keep = 1 this is exactShape's search node for node.
 */
export function exactShapes(shape: number[], spectra: Float64Array[], budget: number, keep: number): number[][] {
  const N = shape.length;
  // Prefix sums: kept(k, r) = Σ_{i < r} σ_{k,i}².
  const kept = spectra.map((s) => {
    const c = new Float64Array(s.length + 1);
    for (let i = 0; i < s.length; i++) c[i + 1] = c[i] + s[i];
    return c;
  });
  const order = shape.map((_, k) => k).sort((a, b) => shape[b] - shape[a] || a - b);
  const last = order[N - 1];
  const r = shape.map(() => 1);
  // The best leaves so far, descending by value; `best` is the value a new leaf must beat.
  const top: { value: number; rank: number[] }[] = [];
  let best = -Infinity;

  // Cheapest possible cost of the modes after position d: rank 1 each.
  const tailMin = new Float64Array(N + 1);
  for (let d = N - 1; d >= 0; d--) tailMin[d] = tailMin[d + 1] + shape[order[d]];

  let nodes = 0;
  const visit = (d: number, value: number, linear: number, product: number): void => {
    if (++nodes > MAX_NODES) {
      throw new LowrankError("TOO_LARGE", `coreShape: the exact search passed ${MAX_NODES} nodes; use solver "greedy" or "bang-for-buck"`);
    }
    if (d === N - 1) {
      // Largest r_last with product r + linear + I_last r <= budget and r <= product (a
      // multilinear rank); the other modes need r_k² <= product r_last, which a smaller
      // r_last cannot help, so the largest valid r_last is the optimum for this branch.
      const rl = Math.min(shape[last], Math.floor((budget - linear) / (product + shape[last])), product);
      if (rl < 1) return;
      for (let e = 0; e < N - 1; e++) if (r[order[e]] * r[order[e]] > product * rl) return;
      const v = value + kept[last][rl];
      if (v > best) {
        r[last] = rl;
        let at = top.length;
        while (at > 0 && top[at - 1].value < v) at--;
        top.splice(at, 0, { value: v, rank: r.slice() });
        if (top.length > keep) top.pop();
        if (top.length === keep) best = top[keep - 1].value;
      }
      return;
    }
    const k = order[d];
    // Optimistic value of the rest: each remaining mode at the largest rank its own linear term allows.
    for (let rk = 1; rk <= shape[k]; rk++) {
      const lin = linear + shape[k] * rk;
      if (product * rk + lin + tailMin[d + 1] > budget) break;
      let bound = value + kept[k][rk];
      const room = budget - lin - product * rk;
      for (let e = d + 1; e < N; e++) {
        const m = order[e];
        bound += kept[m][Math.max(1, Math.min(shape[m], Math.floor(room / shape[m])))];
      }
      if (bound <= best) continue;
      r[k] = rk;
      visit(d + 1, value + kept[k][rk], lin, product * rk);
    }
    r[k] = 1;
  };
  visit(0, 0, 0, 1);
  return top.length > 0 ? top.map((t) => t.rank) : [r.slice()];
}
