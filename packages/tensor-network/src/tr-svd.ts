// TR-SVD: Zhao, Zhou, Xie, Zhang, Cichocki 2016, "Tensor Ring Decomposition",
// arXiv:1606.05535, Algorithm 1. See tensor-ring.ts for the method's contract.
import { type Backend, type Tensor } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { modeBasis, modeBasisScratchBound, splitCore } from "./mode-basis.js";
import { tensorModule } from "./module.js";
import { truncationRank } from "./tensor-train.js";
import { norm2 } from "./tensor.js";
import type { TensorNetwork, UnfoldingSvd } from "./types.js";
import { checkSizes } from "./validate.js";
import { RESULT_VERSION } from "@lowrank/linalg";

/** Settings of {@link trSvd}. */
export interface TrSvdSettings {
  /** Fixed bond ranks (r_0 r_1 within the first unfolding's size), or null: ranks from `eps`. */
  rank: number[] | null;
  eps: number;
  unfoldingSvd: UnfoldingSvd;
  backend: Backend | undefined;
  /** Runs between steps (the caller's yield and abort check). */
  pause: () => void | Promise<void>;
}

/** TR-SVD of the checked tensor X. */
export async function trSvd(X: Tensor, opts: TrSvdSettings): Promise<TensorNetwork> {
  const { rank: given, eps, unfoldingSvd: route, backend, pause } = opts;
  const shape = X.shape, N = shape.length, S = X.data.length;
  const normX = norm2(X.data);
  const d2 = (eps * normX) ** 2 / N;

  // Largest scratch over the steps, with r_0 and every r_k at their upper bounds.
  const n0 = shape[0], rest0 = S / n0;
  const first = Math.min(n0, rest0);
  const r0max = given ? given[0] : Math.floor(Math.sqrt(first));
  let scratch = modeBasisScratchBound(n0, rest0) + n0 * first + first;
  for (let k = 1, r = given ? given[1] : first, rest = rest0; k < N - 1; k++) {
    const m = r * shape[k];
    rest /= shape[k];
    const cols = rest * r0max, kmin = Math.min(m, cols);
    scratch = Math.max(scratch, modeBasisScratchBound(m, cols) + m * kmin + kmin);
    r = kmin;
  }
  checkSizes("tensorRing", 2 * S, scratch);
  // Leased: the instance the previous run gave back, when there is one (no fresh memory); the cores are copies.
  const { ws, release } = await tensorModule.leasedWorkspace(backend, arenaBytes(2 * S + scratch, 0, 16));
  let C = ws.copy(X.data);
  let other = ws.f64(S);
  const cores: Tensor[] = [];
  const ranks: number[] = [];

  // Step 1 (Alg. 1, lines 2-4): rank r_0 r_1 from the first unfolding, split into the two bonds.
  let r0 = 0, r1 = 0;
  ws.scoped(() => {
    const k0 = Math.min(n0, rest0);
    const U = ws.f64(n0 * k0), s = ws.f64(k0);
    modeBasis(ws, { route, left: 1, n: n0, right: rest0, X: C, r: k0, U, s });
    if (given) {
      r0 = given[0];
      r1 = given[1];
    } else {
      const R1 = truncationRank(s, 2 * d2);
      r0 = Math.floor(Math.sqrt(R1));
      while (R1 % r0 !== 0) r0--;
      r1 = R1 / r0;
    }
    const R1 = r0 * r1;
    const core = new Float64Array(r0 * n0 * r1);
    for (let a = 0; a < r0; a++) for (let i = 0; i < n0; i++) for (let b = 0; b < r1; b++) core[(a * n0 + i) * r1 + b] = U[i * k0 + a * r1 + b];
    cores.push({ shape: [r0, n0, r1], data: core });
    ws.kernels.gemm(true, false, R1, rest0, n0, 1, U, k0, C, rest0, 0, other, rest0);
    // (r_0, r_1, rest) -> (r_1, rest, r_0): the ring bond travels at the end of every later unfolding.
    for (let a = 0; a < r0; a++) for (let b = 0; b < r1; b++) {
      const src = (a * r1 + b) * rest0;
      for (let q = 0; q < rest0; q++) C[(b * rest0 + q) * r0 + a] = other[src + q];
    }
  });
  ranks.push(r0, r1);

  // Steps 2..N-1 (Alg. 1, lines 5-9): TT-SVD with the trailing r_0.
  let rest = rest0;
  for (let k = 1; k < N - 1; k++) {
    await pause();
    rest /= shape[k];
    const cols = rest * r0;
    const r = splitCore(ws, route, ranks[k], shape[k], cols, C, other, cores, (s, kmin) => Math.min(given ? given[k + 1] : truncationRank(s, d2), kmin));
    [C, other] = [other, C];
    ranks.push(r);
  }
  const rl = ranks[N - 1];
  cores.push({ shape: [rl, shape[N - 1], r0], data: C.slice(0, rl * shape[N - 1] * r0) });
  ranks.push(r0);
  release();
  return { kind: "tensor-network", version: RESULT_VERSION, cores, ranks };
}
