// Dense tensors back from decompositions, and their sizes.
import { arenaBytes, checkDense, checkVector, LowrankError, type BackendOptions, type Tensor, type Workspace } from "@lowrank/linalg";
import type { TensorKernels } from "./kernels.js";
import { withTensor } from "./module.js";
import { contractGeneral, contractGeneralBytes, generalShape } from "./general-network.js";
import type { CpDecomposition, Decomposition, GeneralTensorNetwork, TensorNetwork, TuckerDecomposition } from "./types.js";
import { checkTensor, MAX_F64, prod } from "./validate.js";

function isTucker(d: Decomposition): d is TuckerDecomposition {
  return (d as TuckerDecomposition).core !== undefined;
}
function isCp(d: Decomposition): d is CpDecomposition {
  return (d as CpDecomposition).weights !== undefined;
}
function isGeneral(d: Decomposition): d is GeneralTensorNetwork {
  return (d as GeneralTensorNetwork).edgeRanks !== undefined;
}

/** The dense shape a decomposition represents. SHAPE on inconsistent parts. */
export function decompositionShape(d: Decomposition): number[] {
  if (d == null || typeof d !== "object") throw new LowrankError("SHAPE", "expected a Tucker, CP or tensor-network decomposition");
  if (isTucker(d)) {
    const core = checkTensor(d.core, "core");
    if (!Array.isArray(d.factors) || d.factors.length !== core.shape.length) {
      throw new LowrankError("SHAPE", `Tucker: ${core.shape.length} core modes need as many factors`);
    }
    return d.factors.map((f, k) => {
      const F = checkDense(f, `factors[${k}]`);
      if (F.cols !== core.shape[k]) throw new LowrankError("SHAPE", `factors[${k}] has ${F.cols} columns, core mode ${k} has ${core.shape[k]}`);
      return F.rows;
    });
  }
  if (isGeneral(d)) return generalShape(d);
  if (isCp(d)) {
    checkVector(d.weights, "weights");
    const R = d.weights.length;
    if (!Array.isArray(d.factors) || d.factors.length === 0) throw new LowrankError("SHAPE", "CP: factors must be a non-empty array");
    return d.factors.map((f, k) => {
      const F = checkDense(f, `factors[${k}]`);
      if (F.cols !== R) throw new LowrankError("SHAPE", `factors[${k}] has ${F.cols} columns, weights has ${R}`);
      return F.rows;
    });
  }
  const cores = (d as TensorNetwork).cores;
  if (!Array.isArray(cores) || cores.length === 0) throw new LowrankError("SHAPE", "expected { core, factors }, { weights, factors } or { cores }");
  return cores.map((c, k) => {
    const G = checkTensor(c, `cores[${k}]`);
    const next = cores[(k + 1) % cores.length].shape;
    if (G.shape.length !== 3 || next.length !== 3 || G.shape[2] !== next[0]) {
      throw new LowrankError("SHAPE", `cores[${k}] must be [r_k, I_k, r_{k+1}] with r_{k+1} the next core's first rank (the last closes the ring)`);
    }
    return G.shape[1];
  });
}

/**
 * Number of stored values: Tucker Π r_n + Σ I_n r_n, CP R (1 + Σ I_n),
 * TT/TR Σ r_k I_k r_{k+1}, general networks Σ_k I_k Π_{j≠k} R_kj. O(N).
 *
 * @example
 * parameterCount(await tucker(X, { rank: 5 })); // 125 + 5 ΣI_n
 */
export function parameterCount(d: Decomposition): number {
  decompositionShape(d);
  if (isTucker(d)) return d.core.data.length + d.factors.reduce((a, f) => a + f.data.length, 0);
  if (isCp(d)) return d.weights.length + d.factors.reduce((a, f) => a + f.data.length, 0);
  return d.cores.reduce((a, c) => a + c.data.length, 0);
}

/**
 * Entries of the dense tensor over {@link parameterCount}: how many times
 * smaller the decomposition is. O(N).
 *
 * @example
 * compressionRatio(await tensorTrain(X, { eps: 1e-3 })); // e.g. 41.7
 */
export function compressionRatio(d: Decomposition): number {
  return prod(decompositionShape(d)) / parameterCount(d);
}

/**
 * The dense tensor a decomposition represents: Tucker core ×_n U_n (a chain
 * of mode products), CP Σ_r w_r a_r ∘ b_r ∘ ... (Khatri-Rao product of the
 * leading factors times the last, one GEMM), TT/TR by contracting the cores
 * left to right (one GEMM per core) and taking the trace over the closing
 * bond; a general network by a chain of pairwise contractions (axis
 * permutation + GEMM). O(size Σ r) for Tucker, O(size R) for CP, O(size r_0 max r) for TT/TR.
 * Errors: SHAPE on inconsistent parts, NON_FINITE, TOO_LARGE.
 *
 * @example
 * const Y = reconstruct(await tucker(X, { rank: 4 })); // same shape as X
 */
export function reconstruct(d: Decomposition, opts: BackendOptions = {}): Tensor {
  const shape = decompositionShape(d);
  const S = prod(shape);
  if (S > MAX_F64) throw new LowrankError("TOO_LARGE", `the dense tensor would have ${S} entries`);
  if (isTucker(d)) return { shape, data: tuckerToTensor(d, shape, opts) };
  if (isCp(d)) return { shape, data: cpToTensor(d, shape, opts) };
  if (isGeneral(d)) {
    return {
      shape,
      data: withTensor(opts.backend, contractGeneralBytes(shape, d.edgeRanks), (ws) =>
        ws.output(contractGeneral(ws, shape, d.edgeRanks, d.cores.map((c) => c.data)))),
    };
  }
  return { shape, data: networkToTensor(d.cores, shape, opts) };
}

function tuckerToTensor(d: TuckerDecomposition, shape: number[], opts: BackendOptions): Float64Array {
  const S = prod(shape), r = d.core.shape;
  const fs = d.factors.reduce((a, f) => a + f.data.length, 0);
  return withTensor(opts.backend, arenaBytes(2 * S + d.core.data.length + fs, 0, 8 + shape.length), (ws) => {
    let cur = ws.input(d.core.data);
    const bufs = [ws.f64(S), ws.f64(S)];
    const dims = r.slice();
    for (let k = 0; k < shape.length; k++) {
      const out = bufs[k % 2];
      ws.kernels.modeProduct(false, prod(dims, 0, k), r[k], prod(dims, k + 1), shape[k], cur, ws.input(d.factors[k].data), r[k], out);
      dims[k] = shape[k];
      cur = out;
    }
    return ws.output(cur.subarray(0, S));
  });
}

function cpToTensor(d: CpDecomposition, shape: number[], opts: BackendOptions): Float64Array {
  const N = shape.length, R = d.weights.length, S = prod(shape);
  const left = prod(shape, 0, N - 1);
  return withTensor(opts.backend, arenaBytes(S + 2 * left * R + R + shape.reduce((a, n) => a + n * R, 0), 0, 8 + N), (ws) => {
    // KL = w ∘ (A_0 ⊙ ... ⊙ A_{N-2}) row-wise, built one mode at a time.
    const bufs = [ws.f64(left * R), ws.f64(left * R)];
    let KL = ws.input(checkVector(d.weights, "weights"));
    let rows = 1;
    for (let k = 0; k < N - 1; k++) {
      const out = bufs[k % 2];
      ws.kernels.khatriRao(rows, shape[k], R, KL, ws.input(d.factors[k].data), out);
      KL = out;
      rows *= shape[k];
    }
    const out = ws.f64(S);
    ws.kernels.gemm(false, true, left, shape[N - 1], R, 1, KL, R, ws.input(d.factors[N - 1].data), R, 0, out, shape[N - 1]);
    return ws.output(out);
  });
}

/** Doubles of the ping-pong buffers of a left-to-right core contraction. */
export function contractionSize(cores: { shape: number[] }[]): number {
  let rows = cores[0].shape[0], most = 0;
  for (const c of cores) {
    rows *= c.shape[1];
    most = Math.max(most, rows * c.shape[2]);
  }
  return most;
}

/**
 * P ((r_0 I_0 ... I_{N-1}) x r_N) = G_0 G_1 ... G_{N-1} with each core a
 * (r_k) x (I_k r_{k+1}) matrix, written into one of `bufs`; returns it.
 */
export function contractCores(ws: Workspace<TensorKernels>, cores: Float64Array[], shapes: number[][], bufs: Float64Array[]): Float64Array {
  let P = cores[0];
  let rows = shapes[0][0] * shapes[0][1];
  for (let k = 1; k < cores.length; k++) {
    const [rk, n, rn] = shapes[k];
    const out = bufs[k % 2];
    ws.kernels.gemm(false, false, rows, n * rn, rk, 1, P, rk, cores[k], n * rn, 0, out, n * rn);
    P = out;
    rows *= n;
  }
  return P;
}

function networkToTensor(cores: Tensor[], shape: number[], opts: BackendOptions): Float64Array {
  const S = prod(shape), r0 = cores[0].shape[0];
  const most = contractionSize(cores);
  const total = cores.reduce((a, c) => a + c.data.length, 0);
  return withTensor(opts.backend, arenaBytes(2 * most + total + S, 0, 8 + cores.length), (ws) => {
    const P = contractCores(ws, cores.map((c) => ws.input(c.data)), cores.map((c) => c.shape), [ws.f64(most), ws.f64(most)]);
    const out = ws.f64(S);
    // Close the ring: X[idx] = Σ_a P[a, idx, a] (r_0 = 1 for a tensor train).
    for (let a = 0; a < r0; a++) {
      const base = a * S * r0 + a;
      for (let i = 0; i < S; i++) out[i] += P[base + i * r0];
    }
    return ws.output(out);
  });
}
