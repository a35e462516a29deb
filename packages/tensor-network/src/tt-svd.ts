// TT-SVD (Oseledets 2011, "Tensor-train decomposition", SIAM J. Sci. Comput.
// 33(5), Algorithm 1): the decomposition part of tensorTrain (tensor-train.ts
// reads the options and calls ttSvd). The run takes a leased workspace (the
// instance of the previous run, when it left one: no fresh memory to fault
// in), and the input's finiteness, scale and norm come from one WASM pass over
// the workspace's copy (kernel scanPieces) instead of scans in JavaScript.
import { asTensor, checkFiniteValues, LowrankError, type Backend, type LongRun, type Tensor } from "@lowrank/linalg";
import { arenaBytes, type Workspace } from "@lowrank/linalg/internal";
import { defaultTruncationRoute, modeBasisScratchBound, splitCore } from "./mode-basis.js";
import { tensorModule } from "./module.js";
import type { TensorNetwork, UnfoldingSvd, TensorLike } from "./types.js";
import { checkSizes } from "./validate.js";
import { extreme, scanTensor, unscaleLast } from "./scaling.js";
import type { TensorKernels } from "./kernels/index.js";
import { SCAN_PIECE } from "./kernels/scan.js";
import { RESULT_VERSION } from "@lowrank/linalg";

/** What {@link ttSvd} takes besides the tensor (read by tensorTrain). */
export interface TtSvdSettings {
  /** Largest bond rank: one number or the N - 1 inner bonds (default unlimited). */
  maxRank?: number | number[];
  /** Relative accuracy (default 1e-12 without maxRank, else 0). */
  eps?: number;
  route?: UnfoldingSvd;
  backend?: Backend;
  run: LongRun<{ iteration: number; error: number }>;
}

/** Smallest r >= 1 with Σ_{i >= r} s_i² <= delta2 (s descending). */
export function truncationRank(s: Float64Array, delta2: number): number {
  let tail = 0;
  let r = s.length;
  while (r > 1 && tail + s[r - 1] * s[r - 1] <= delta2) {
    tail += s[r - 1] * s[r - 1];
    r--;
  }
  return r;
}

/** Per-bond caps from a number or N - 1 entries (Infinity when absent). */
export function bondCaps(maxRank: number | number[] | undefined, N: number): number[] {
  if (maxRank === undefined) return Array.from({ length: Math.max(N - 1, 0) }, () => Infinity);
  const caps = typeof maxRank === "number" ? Array.from({ length: N - 1 }, () => maxRank) : maxRank;
  if (caps.length !== N - 1) {
    throw new LowrankError("SHAPE", `maxRank must be a number or have N - 1 = ${N - 1} entries, got ${caps.length}`);
  }
  return caps;
}

/**
 * The tensor train of `input` by TT-SVD (see tensorTrain): the sweep of
 * splitCore steps on a workspace copy of X, scaled by a power of two when its
 * largest entry is extreme. Errors: SHAPE, EMPTY, NON_FINITE, TOO_LARGE, ABORTED.
 */
export async function ttSvd(input: TensorLike, o: TtSvdSettings): Promise<TensorNetwork> {
  // Finiteness is checked by the workspace pass below (the same error as readTensor's on a bad entry).
  const X = asTensor(input, "X", { finite: false });
  const shape = X.shape, N = shape.length, S = X.data.length;
  const caps = bondCaps(o.maxRank, N);
  const eps = o.eps ?? (o.maxRank === undefined ? 1e-12 : 0);
  const run = o.run;
  const route = o.route ?? defaultTruncationRoute(eps);

  // Largest scratch over the steps, with every r_k at its upper bound.
  let scratch = 2 * Math.ceil(S / SCAN_PIECE);
  for (let k = 0, r = 1, rest = S; k < N - 1; k++) {
    const m = r * shape[k], cols = rest / shape[k];
    const kmin = Math.min(m, cols);
    scratch = Math.max(scratch, modeBasisScratchBound(m, cols) + m * kmin + kmin);
    r = Math.min(kmin, caps[k]);
    rest = cols;
  }
  checkSizes("tensorTrain", 2 * S, scratch);
  const { ws, release } = await tensorModule.leasedWorkspace(o.backend, arenaBytes(2 * S + scratch, 0, 16));
  try {
    let C = ws.copy(X.data);
    // Not cleared: it is the QR's scratch, then splitCore's GEMM output (beta = 0), before anything reads it.
    let other = ws.scratch(S);
    const { x, scale, norm: normX } = scanChecked(ws, C, X.data);
    C = x;
    const delta2 = N > 1 ? (eps * normX) ** 2 / (N - 1) : 0;
    const cores: Tensor[] = [];
    const ranks = [1];
    let rest = S;
    for (let k = 0; k < N - 1; k++) {
      await run.pause();
      const cols = rest / shape[k];
      // `other` is free until splitCore's GEMM overwrites it: the QR's copy of C goes there.
      const r = splitCore(ws, route, ranks[k], shape[k], cols, C, other, cores, (s) => Math.min(truncationRank(s, delta2), caps[k]), other);
      [C, other] = [other, C];
      ranks.push(r);
      rest = cols;
    }
    const rl = ranks[N - 1];
    cores.push({ shape: [rl, shape[N - 1], 1], data: C.slice(0, rl * shape[N - 1]) });
    ranks.push(1);
    return { kind: "tensor-network", version: RESULT_VERSION, cores: unscaleLast(cores, scale, "tensorTrain"), ranks };
  } finally {
    release();
  }
}

/**
 * scanTensor on x (the workspace's copy of `original`) with the finiteness
 * check of the input: one pass of the kernel scanPieces gives every piece's
 * largest |entry| and sum of squares; a NaN or ±Infinity entry shows up in
 * them (a NaN in the sum, an Infinity in the max), and then the entries are
 * searched for the first bad one (NON_FINITE, readTensor's message). An
 * ordinary tensor's scale (0) and norm come from that pass; an extreme one is
 * handed to scanTensor, which scales it and scans again. O(size).
 */
function scanChecked(ws: Workspace<TensorKernels>, x: Float64Array, original: Float64Array): { x: Float64Array; scale: number; norm: number } {
  const n = x.length;
  const res = ws.scoped(() => {
    const sums = ws.f64(2 * Math.ceil(n / SCAN_PIECE));
    ws.kernels.scanPieces(n, x, sums);
    let m = 0, s = 0;
    for (let p = 0; p < sums.length; p += 2) {
      const v = sums[p];
      if (!(v <= Number.MAX_VALUE)) return null; // NaN or Infinity
      if (v > m) m = v;
    }
    for (let p = 1; p < sums.length; p += 2) s += sums[p];
    if (s !== s) return null;
    const e = m === 0 ? 0 : Math.floor(Math.log2(m));
    return { e, norm: Math.sqrt(s) };
  });
  if (res === null) {
    checkFiniteValues(original, "X");
    throw new LowrankError("NON_FINITE", "X has a NaN or infinite entry; remove NaN/Infinity before calling");
  }
  if (!extreme(res.e)) return { x, scale: 0, norm: res.norm };
  return scanTensor(ws, x, original);
}
