// Tensor-train / tensor-ring arithmetic on the cores, never forming the dense
// tensor (Oseledets 2011, sec. 4).
import { arenaBytes, LowrankError, type BackendOptions, type Tensor } from "@lowrank/linalg";
import { withTensor } from "./module.js";
import { decompositionShape } from "./reconstruct.js";
import type { TensorNetwork } from "./types.js";

function checkNetwork(T: TensorNetwork, name: string): number[] {
  if (T == null || !Array.isArray(T.cores)) throw new LowrankError("SHAPE", `${name} must be { cores, ranks }`);
  return decompositionShape(T);
}

function sameShape(A: TensorNetwork, B: TensorNetwork): number[] {
  const sa = checkNetwork(A, "A"), sb = checkNetwork(B, "B");
  if (sa.length !== sb.length || sa.some((n, k) => n !== sb[k])) {
    throw new LowrankError("SHAPE", `shapes [${sa.join(", ")}] and [${sb.join(", ")}] differ`);
  }
  return sa;
}

/**
 * Inner product <A, B> = Σ A[i] B[i] of two tensor trains or rings of the
 * same shape, by transfer matrices: W ← Σ_i A_k[:, i, :]ᵀ W B_k[:, i, :]
 * (two GEMMs per core), once per pair of closing-bond indices (a single pass
 * for tensor trains). O(rA_0 rB_0 Σ_k I_k (rA² rB + rA rB²)).
 *
 * @example
 * ttDot(tt, tt); // ‖tt‖²
 */
export function ttDot(A: TensorNetwork, B: TensorNetwork, opts: BackendOptions = {}): number {
  const shape = sameShape(A, B);
  const N = shape.length;
  let most = 1, total = 0;
  for (let k = 0; k < N; k++) {
    const [ra, n, ra2] = A.cores[k].shape, [rb, , rb2] = B.cores[k].shape;
    most = Math.max(most, ra * n * rb2, ra2 * rb2, ra * rb);
    total += ra * n * ra2 + rb * n * rb2;
  }
  const ra0 = A.cores[0].shape[0], rb0 = B.cores[0].shape[0];
  return withTensor(opts.backend, arenaBytes(total + 3 * most, 0, 8 + 2 * N), (ws) => {
    const K = ws.kernels;
    const ga = A.cores.map((c) => ws.input(c.data)), gb = B.cores.map((c) => ws.input(c.data));
    let W = ws.f64(most), W2 = ws.f64(most);
    const T = ws.f64(most);
    let sum = 0;
    for (let a0 = 0; a0 < ra0; a0++) {
      for (let b0 = 0; b0 < rb0; b0++) {
        W.fill(0, 0, ra0 * rb0);
        W[a0 * rb0 + b0] = 1;
        for (let k = 0; k < N; k++) {
          const [ra, n, ra2] = A.cores[k].shape, [rb, , rb2] = B.cores[k].shape;
          K.gemm(false, false, ra, n * rb2, rb, 1, W, rb, gb[k], n * rb2, 0, T, n * rb2);
          K.gemm(true, false, ra2, rb2, ra * n, 1, ga[k], ra2, T, rb2, 0, W2, rb2);
          [W, W2] = [W2, W];
        }
        sum += W[a0 * rb0 + b0];
      }
    }
    return sum;
  });
}

/**
 * Frobenius norm sqrt(<A, A>) of a tensor train or ring without densifying.
 * Cost of {@link ttDot}. The transfer matrices can cancel: when the result
 * is tiny against the product of the cores' norms (e.g. the norm of A - B
 * for nearly equal A and B), <A, A> carries an absolute error of about eps
 * times that product; round first (`ttRound`), whose last core then holds
 * the norm.
 *
 * @example
 * ttNorm(await tensorTrain(X)); // ≈ norm(X)
 */
export function ttNorm(A: TensorNetwork, opts: BackendOptions = {}): number {
  return Math.sqrt(Math.max(ttDot(A, A, opts), 0));
}

/**
 * alpha A: the cores of A with the first one scaled. O(size of the first core).
 *
 * @example
 * ttScale(tt, -1); // -tt
 */
export function ttScale(A: TensorNetwork, alpha: number): TensorNetwork {
  checkNetwork(A, "A");
  if (!Number.isFinite(alpha)) throw new LowrankError("NON_FINITE", `alpha must be finite, got ${alpha}`);
  const cores = A.cores.map((c, k) => ({ shape: c.shape.slice(), data: k === 0 ? c.data.map((v) => v * alpha) : c.data.slice() }));
  return { cores, ranks: A.ranks.slice() };
}

/**
 * A + B with bond ranks added (Oseledets 2011, sec. 4.1): for tensor trains
 * the first core is [A_1 B_1], the last [A_N; B_N], the others
 * block-diagonal; for rings every core is block-diagonal (the trace of a
 * block-diagonal product is the sum of the traces). Round the result with
 * {@link ttRound}. O(parameters of the result).
 *
 * @example
 * const twice = ttRound(ttAdd(tt, tt), { eps: 1e-12 }); // ranks of tt again
 */
export function ttAdd(A: TensorNetwork, B: TensorNetwork): TensorNetwork {
  const shape = sameShape(A, B);
  const N = shape.length;
  const train = A.cores[0].shape[0] === 1 && B.cores[0].shape[0] === 1;
  const cores: Tensor[] = [];
  for (let k = 0; k < N; k++) {
    const [ra, n, ra2] = A.cores[k].shape, [rb, , rb2] = B.cores[k].shape;
    const first = train && k === 0, last = train && k === N - 1;
    const r = first ? 1 : ra + rb, r2 = last ? 1 : ra2 + rb2;
    // Offsets of B's block: beside A's on the first train core, below it on the last, diagonal otherwise.
    const ob = first ? 0 : ra, ob2 = last ? 0 : ra2;
    const data = new Float64Array(r * n * r2);
    for (let a = 0; a < ra; a++) for (let i = 0; i < n; i++) for (let c = 0; c < ra2; c++) data[(a * n + i) * r2 + c] = A.cores[k].data[(a * n + i) * ra2 + c];
    for (let a = 0; a < rb; a++) for (let i = 0; i < n; i++) for (let c = 0; c < rb2; c++) {
      data[((ob + a) * n + i) * r2 + ob2 + c] += B.cores[k].data[(a * n + i) * rb2 + c];
    }
    cores.push({ shape: [r, n, r2], data });
  }
  return { cores, ranks: [...cores.map((c) => c.shape[0]), cores[N - 1].shape[2]] };
}
