// Dense tensors back from decompositions (read whole first by
// decomposition.ts's `readDecomposition`), and the left-to-right core
// contraction TR-ALS shares.
import { BACKEND, castResult, checkSize, DTYPE, type BackendOptions, type DenseMatrix, type Dtype, type DtypeOption, type Tensor, type WithDtype } from "@lowrank/linalg";
import { arenaBytes, type Workspace } from "@lowrank/linalg/internal";
import type { TensorKernels } from "./kernels/index.js";
import { tensorModule } from "./module.js";
import { contractGeneral, contractGeneralBytes } from "./contraction-plan.js";
import { readDecomposition } from "./decomposition.js";
import type { DecompositionLike } from "./types.js";
import { checkSizes, prod, readOpts } from "./validate.js";
import { checkResult, partScales, scaled } from "./scaling.js";

/**
 * The dense tensor a decomposition represents: Tucker core ×_n U_n (a chain
 * of mode products), CP Σ_r w_r a_r ∘ b_r ∘ ... (Khatri-Rao product of the
 * leading factors times the last, one GEMM), TT/TR by contracting the cores
 * left to right (one GEMM per core) and taking the trace over the closing
 * bond; a general network by a chain of pairwise contractions (axis
 * permutation + GEMM). Parts of extreme magnitude are scaled by powers of
 * two first and the result scaled back. O(size Σ r) for Tucker, O(size R)
 * for CP, O(size r_0 max r) for TT/TR.
 * Errors: INVALID_ARGUMENT, SHAPE on inconsistent parts, EMPTY, NON_FINITE
 * (also a result beyond the double range), TOO_LARGE (checked before allocating).
 * `dtype: "float32"` returns the data as a Float32Array rounded from the f64 result
 * (NON_FINITE past 3.4e38).
 *
 * @example
 * const Y = reconstruct(await tucker(X, { rank: 4 })); // same shape as X
 */
export function reconstruct<D extends Dtype = "float64">(d: DecompositionLike, opts: BackendOptions & DtypeOption<D> = {}): WithDtype<Tensor, D> {
  const p = readDecomposition(d);
  const { backend, dtype } = readOpts("reconstruct", opts, { dtype: DTYPE, backend: BACKEND });
  const shape = p.shape;
  const S = prod(shape);
  checkSize(S, "reconstruct: the dense tensor");
  let data: Float64Array;
  if (p.kind === "tucker") data = tuckerToTensor(p, backend);
  else if (p.kind === "cp") data = cpToTensor(p, backend);
  else if (p.kind === "general-network") {
    const e = partScales(p.cores.map((c) => c.data));
    const cores = p.cores.map((c, k) => scaled(c.data, e[k]));
    const bytes = contractGeneralBytes(shape, p.edgeRanks);
    data = scaled(tensorModule.run(backend, bytes, (ws) => ws.output(contractGeneral(ws, shape, p.edgeRanks, cores))), -sum(e));
  } else data = networkToTensor(p.cores, shape, backend);
  checkResult(data, "reconstruct", "the dense tensor");
  return castResult({ shape, data }, dtype as D, "reconstruct");
}

const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);

function tuckerToTensor(d: { shape: number[]; core: Tensor; factors: DenseMatrix[] }, backend: BackendOptions["backend"]): Float64Array {
  const shape = d.shape, S = prod(shape), r = d.core.shape;
  const e = partScales([d.core.data, ...d.factors.map((f) => f.data)]);
  const core = scaled(d.core.data, e[0]), factors = d.factors.map((f, k) => scaled(f.data, e[k + 1]));
  // The chain's products: core ×_0 U_0 ... ×_k U_k has I_0..I_k then r_{k+1}..
  let most = 0;
  for (let k = 0; k < shape.length; k++) most = Math.max(most, prod(shape, 0, k + 1) * prod(r, k + 1));
  const fs = factors.reduce((a, f) => a + f.length, 0);
  checkSizes("reconstruct", most, most, core.length, fs);
  const out = tensorModule.run(backend, arenaBytes(2 * most + core.length + fs, 0, 8 + shape.length), (ws) => {
    let cur = ws.input(core);
    const bufs = [ws.f64(most), ws.f64(most)];
    const dims = r.slice();
    for (let k = 0; k < shape.length; k++) {
      const out = bufs[k % 2];
      ws.kernels.modeProduct(false, prod(dims, 0, k), r[k], prod(dims, k + 1), shape[k], cur, ws.input(factors[k]), r[k], out);
      dims[k] = shape[k];
      cur = out;
    }
    return ws.output(cur.subarray(0, S));
  });
  return scaled(out, -sum(e));
}

function cpToTensor(d: { shape: number[]; weights: Float64Array; factors: DenseMatrix[] }, backend: BackendOptions["backend"]): Float64Array {
  const shape = d.shape, N = shape.length, R = d.weights.length, S = prod(shape);
  const left = prod(shape, 0, N - 1);
  const e = partScales([d.weights, ...d.factors.map((f) => f.data)]);
  const weights = scaled(d.weights, e[0]), factors = d.factors.map((f, k) => scaled(f.data, e[k + 1]));
  const fs = shape.reduce((a, n) => a + n * R, 0);
  checkSizes("reconstruct", S, left * R, left * R, fs);
  const out = tensorModule.run(backend, arenaBytes(S + 2 * left * R + R + fs, 0, 8 + N), (ws) => {
    // KL = w ∘ (A_0 ⊙ ... ⊙ A_{N-2}) row-wise, built one mode at a time.
    const bufs = [ws.f64(left * R), ws.f64(left * R)];
    let KL = ws.input(weights);
    let rows = 1;
    for (let k = 0; k < N - 1; k++) {
      const out = bufs[k % 2];
      ws.kernels.khatriRao(rows, shape[k], R, KL, ws.input(factors[k]), out);
      KL = out;
      rows *= shape[k];
    }
    const out = ws.f64(S);
    ws.kernels.gemm(false, true, left, shape[N - 1], R, 1, KL, R, ws.input(factors[N - 1]), R, 0, out, shape[N - 1]);
    return ws.output(out);
  });
  return scaled(out, -sum(e));
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

function networkToTensor(cores: Tensor[], shape: number[], backend: BackendOptions["backend"]): Float64Array {
  const S = prod(shape), r0 = cores[0].shape[0];
  const e = partScales(cores.map((c) => c.data));
  const data = cores.map((c, k) => scaled(c.data, e[k]));
  const most = contractionSize(cores);
  const total = cores.reduce((a, c) => a + c.data.length, 0);
  checkSizes("reconstruct", most, most, total, S);
  const out = tensorModule.run(backend, arenaBytes(2 * most + total + S, 0, 8 + cores.length), (ws) => {
    const P = contractCores(ws, data.map((c) => ws.input(c)), cores.map((c) => c.shape), [ws.f64(most), ws.f64(most)]);
    const out = ws.f64(S);
    // Close the ring: X[idx] = Σ_a P[a, idx, a] (r_0 = 1 for a tensor train).
    for (let a = 0; a < r0; a++) {
      const base = a * S * r0 + a;
      for (let i = 0; i < S; i++) out[i] += P[base + i * r0];
    }
    return ws.output(out);
  });
  return scaled(out, -sum(e));
}
