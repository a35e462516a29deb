// TR-ALS: Zhao, Zhou, Xie, Zhang, Cichocki 2016, "Tensor Ring Decomposition",
// arXiv:1606.05535, Algorithm 2. See tensor-ring.ts for the method's contract.
import { arenaBytes, LowrankError, Rng, type Tensor } from "@lowrank/linalg";
import { tensorWorkspace } from "./module.js";
import { fillWithMean, refill } from "./impute.js";
import { solveRows } from "./normal-equations.js";
import { iterationLimits, sweepReporter } from "./progress.js";
import { contractCores, contractionSize } from "./reconstruct.js";
import { norm2 } from "./tensor.js";
import type { TensorRingOptions, TensorRingResult } from "./tensor-ring.js";
import { trSvd } from "./tr-svd.js";
import { prod } from "./validate.js";

const EPS = 2.220446049250313e-16;
/** Errors below this are computed from the residual, not from ‖X‖² - 2<X, X̂> + ‖X̂‖². */
const EXACT_BELOW = 1e-6;

/**
 * TR-ALS on the checked tensor X with bond ranks r_0..r_{N-1}. `warm`: cores
 * to start from instead (each copied into the leading block of its new core,
 * the rest small Gaussian), as the structure search grows a ring. `mask`:
 * observed entries; the others are imputed (see impute.ts).
 */
export async function trAls(
  X: Tensor, ranks: number[], opts: TensorRingOptions, warm?: Tensor[], mask: Uint8Array | null = null,
): Promise<TensorRingResult> {
  const shape = X.shape, N = shape.length, S = X.data.length;
  const { maxIter, tol } = iterationLimits(opts, 200, 1e-10);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new LowrankError("INVALID_ARGUMENT", `seed must be an integer, got ${seed}`);
  const r = [...ranks, ranks[0]];
  const svdFits = r[0] * r[1] <= Math.min(shape[0], S / shape[0]);
  const init = opts.init ?? "random";
  if (init !== "svd" && init !== "random") throw new LowrankError("INVALID_ARGUMENT", `init must be "svd" or "random", got ${String(init)}`);
  if (!warm && init === "svd" && !svdFits) throw new LowrankError("RANK", `init "svd" needs ranks[0] * ranks[1] <= ${Math.min(shape[0], S / shape[0])}`);

  // Start: Gaussian cores (variance 1 / r_k, as @lowrank/datasets' trTensor), or small Gaussian
  // padding around the cores of a warm start or of TR-SVD with these ranks.
  const base = warm ?? (init === "svd" ? (await trSvd(X, ranks, 0, opts.unfoldingSvd ?? "gram", opts.backend, opts.signal)).cores : null);
  const rng = new Rng(seed);
  const start = shape.map((n, k) => {
    const data = rng.fillNormal(new Float64Array(r[k] * n * r[k + 1]));
    const sc = (base ? 1e-3 : 1) / Math.sqrt(r[k]);
    for (let i = 0; i < data.length; i++) data[i] *= sc;
    return data;
  });
  base?.forEach((c, k) => {
    const [a0, n, b0] = c.shape;
    for (let a = 0; a < Math.min(a0, r[k]); a++) {
      for (let i = 0; i < n; i++) for (let b = 0; b < Math.min(b0, r[k + 1]); b++) start[k][(a * n + i) * r[k + 1] + b] = c.data[(a * n + i) * b0 + b];
    }
  });

  // Sizes: the subchain of the other cores, its matrix Q (J x r_k r_{k+1}), the normal equations.
  let most = 0, qSize = 0, rowSize = 0, rrMax = 0;
  for (let k = 0; k < N; k++) {
    const order = cyclicOrder(N, k);
    most = Math.max(most, contractionSize(order.map((j) => ({ shape: [r[j], shape[j], r[j + 1]] }))));
    const rr = r[k] * r[k + 1];
    qSize = Math.max(qSize, (S / shape[k]) * rr);
    rowSize = Math.max(rowSize, shape[k] * rr);
    rrMax = Math.max(rrMax, rr);
  }
  const coreSize = start.reduce((a, c) => a + c.length, 0);
  const bytes = arenaBytes(2 * S + coreSize + 2 * most + qSize + 3 * rowSize + 2 * rrMax * rrMax, 0, 32 + 2 * N);
  const ws = await tensorWorkspace(opts.backend, bytes);
  const K = ws.kernels;
  const x = mask ? ws.copy(X.data) : ws.input(X.data), resid = ws.f64(S);
  const observedNorm2 = mask ? fillWithMean(x, mask) : 0;
  const normX = norm2(x);
  const G = start.map((c) => ws.input(c));
  const bufs = [ws.f64(most), ws.f64(most)];
  const Q = ws.f64(qSize), M = ws.f64(rowSize), MT = ws.f64(rowSize), Gm = ws.f64(rowSize);
  const V = ws.f64(rrMax * rrMax), L = ws.f64(rrMax * rrMax);

  const errors: number[] = [];
  const afterSweep = sweepReporter(opts, "tensorRing");
  for (let it = 1; it <= maxIter; it++) {
    let inner = 0, fit = 0;
    for (let k = 0; k < N; k++) {
      const n = shape[k], ra = r[k], rb = r[k + 1], rr = ra * rb;
      const left = prod(shape, 0, k), right = prod(shape, k + 1), J = left * right;
      // Subchain P = G_{k+1} ... G_{N-1} G_0 ... G_{k-1}: (r_{k+1} J) x r_k, J in cyclic order j = q * left + l.
      const order = cyclicOrder(N, k);
      const P = contractCores(ws, order.map((j) => G[j]), order.map((j) => [r[j], shape[j], r[j + 1]]), bufs);
      // X[.., i_k, ..] = trace(G_k[:, i_k, :] P_j) = Σ_{a,b} G_k[a, i_k, b] P[b, j, a]: Q[j, a rb + b] = P[b, j, a].
      for (let b = 0; b < rb; b++) {
        for (let j = 0; j < J; j++) {
          const src = (b * J + j) * ra, dst = j * rr + b;
          for (let a = 0; a < ra; a++) Q[dst + a * rb] = P[src + a];
        }
      }
      // M = X_[k] Q (I_k x rr) on the (left, I_k, right) view: block l meets the rows j = q * left + l.
      if (right === 1) {
        K.gemm(true, false, n, rr, left, 1, x, n, Q, rr, 0, M, rr);
      } else {
        for (let l = 0; l < left; l++) {
          K.gemm(false, false, n, rr, right, 1, x.subarray(l * n * right), right, Q.subarray(l * rr), left * rr, l === 0 ? 0 : 1, M, rr);
        }
      }
      K.gemm(true, false, rr, rr, J, 1, Q, rr, Q, rr, 0, V, rr);
      solveRows(K, n, rr, V, L, M, MT, Gm);
      for (let a = 0; a < ra; a++) for (let i = 0; i < n; i++) for (let b = 0; b < rb; b++) G[k][(a * n + i) * rb + b] = Gm[i * rr + a * rb + b];
      if (k === N - 1) {
        // ‖X̂‖² = Σ_i g_i V g_iᵀ and <X, X̂> = Σ_i g_i · m_i with the last core's rows g_i.
        for (let i = 0; i < n; i++) {
          for (let p = 0; p < rr; p++) {
            const gp = Gm[i * rr + p];
            inner += gp * M[i * rr + p];
            let s = 0;
            for (let q = 0; q < rr; q++) s += V[p * rr + q] * Gm[i * rr + q];
            fit += gp * s;
          }
        }
      }
    }
    let err = normX === 0 ? 0 : Math.sqrt(Math.max(normX * normX - 2 * inner + fit, 0)) / normX;
    // Below 1e-6 the formula's cancellation dominates: form the residual X - X̂ instead, with
    // X̂ (J x I_N) = Q G_N(2)ᵀ from the last core's update (one more GEMM of M's size).
    // With a mask X̂ is formed every sweep to refill the missing entries.
    const exact = err < EXACT_BELOW || mask !== null;
    if (exact) {
      const n = shape[N - 1], rr = r[N - 1] * r[N];
      if (mask) {
        K.gemm(false, true, S / n, n, rr, 1, Q, rr, Gm, rr, 0, resid, n);
        err = refill(x, resid, mask, observedNorm2);
      } else {
        resid.set(x);
        K.gemm(false, true, S / n, n, rr, -1, Q, rr, Gm, rr, 1, resid, n);
        err = normX === 0 ? 0 : norm2(resid) / normX;
      }
    }
    const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
    errors.push(err);
    await afterSweep(it, err);
    if (Math.abs(prev - err) < tol || (!exact && Math.abs(prev * prev - err * err) < 16 * N * EPS)) break;
  }
  const cores = G.map((g, k) => ({ shape: [r[k], shape[k], r[k + 1]], data: ws.output(g) }));
  const result: TensorRingResult = { cores, ranks: r };
  if (opts.returnErrors) result.errors = errors;
  return result;
}

/** Cores k+1, ..., N-1, 0, ..., k-1: the subchain that closes the ring around core k. */
function cyclicOrder(N: number, k: number): number[] {
  return Array.from({ length: N - 1 }, (_, i) => (k + 1 + i) % N);
}
