// Tensor-train / tensor-ring arithmetic on the cores, never forming the dense
// tensor (Oseledets 2011, sec. 4).
import { BACKEND, checkSize, LowrankError, type BackendOptions, type Tensor } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { tensorModule } from "./module.js";
import { readNetwork } from "./decomposition.js";
import type { TensorNetwork, TensorNetworkLike } from "./types.js";
import { checkSizes, readOpts } from "./validate.js";
import { checkResult, partScales, scaled, scaledValue } from "./scaling.js";
import { RESULT_VERSION } from "@lowrank/linalg";

function sameShape(A: unknown, B: unknown): { a: { shape: number[]; cores: Tensor[]; ranks: number[] }; b: { shape: number[]; cores: Tensor[]; ranks: number[] } } {
  const a = readNetwork(A, "A"), b = readNetwork(B, "B");
  if (a.shape.length !== b.shape.length || a.shape.some((n, k) => n !== b.shape[k])) {
    throw new LowrankError("SHAPE", `shapes [${a.shape.join(", ")}] and [${b.shape.join(", ")}] differ`);
  }
  return { a, b };
}

/**
 * <A, B> of the checked networks with every core scaled by a power of two
 * near 1 when the cores' magnitudes could overflow the transfer matrices;
 * returns the scaled inner product and the exponent to scale it back by.
 */
function dotScaled(A: Tensor[], B: Tensor[], backend: BackendOptions["backend"]): { dot: number; exponent: number } {
  const N = A.length;
  const e = partScales([...A.map((c) => c.data), ...B.map((c) => c.data)]);
  const ga = A.map((c, k) => scaled(c.data, e[k])), gb = B.map((c, k) => scaled(c.data, e[N + k]));
  let most = 1, total = 0;
  for (let k = 0; k < N; k++) {
    const [ra, n, ra2] = A[k].shape, [rb, , rb2] = B[k].shape;
    most = Math.max(most, ra * n * rb2, ra2 * rb2, ra * rb);
    total += ra * n * ra2 + rb * n * rb2;
  }
  checkSizes("ttDot", total, most, most, most);
  const ra0 = A[0].shape[0], rb0 = B[0].shape[0];
  const dot = tensorModule.run(backend, arenaBytes(total + 3 * most, 0, 8 + 2 * N), (ws) => {
    const K = ws.kernels;
    const wa = ga.map((c) => ws.input(c)), wb = gb.map((c) => ws.input(c));
    let W = ws.f64(most), W2 = ws.f64(most);
    const T = ws.f64(most);
    let sum = 0;
    for (let a0 = 0; a0 < ra0; a0++) {
      for (let b0 = 0; b0 < rb0; b0++) {
        W.fill(0, 0, ra0 * rb0);
        W[a0 * rb0 + b0] = 1;
        for (let k = 0; k < N; k++) {
          const [ra, n, ra2] = A[k].shape, [rb, , rb2] = B[k].shape;
          K.gemm(false, false, ra, n * rb2, rb, 1, W, rb, wb[k], n * rb2, 0, T, n * rb2);
          K.gemm(true, false, ra2, rb2, ra * n, 1, wa[k], ra2, T, rb2, 0, W2, rb2);
          [W, W2] = [W2, W];
        }
        sum += W[a0 * rb0 + b0];
      }
    }
    return sum;
  });
  return { dot, exponent: -e.reduce((x, y) => x + y, 0) };
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
export function ttDot(A: TensorNetworkLike, B: TensorNetworkLike, opts: BackendOptions = {}): number {
  const { a, b } = sameShape(A, B);
  const { backend } = readOpts("ttDot", opts, { backend: BACKEND });
  const { dot, exponent } = dotScaled(a.cores, b.cores, backend);
  const v = scaledValue(dot, exponent);
  checkResult([v], "ttDot", "the inner product");
  return v;
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
export function ttNorm(A: TensorNetworkLike, opts: BackendOptions = {}): number {
  const a = readNetwork(A, "A");
  const { backend } = readOpts("ttNorm", opts, { backend: BACKEND });
  // The square root halves the (even) exponent: a norm near the largest double is still returned.
  const { dot, exponent } = dotScaled(a.cores, a.cores, backend);
  const v = scaledValue(Math.sqrt(Math.max(dot, 0)), exponent / 2);
  checkResult([v], "ttNorm", "the norm");
  return v;
}

/**
 * alpha A: the cores of A with the first one scaled. O(size of the first core).
 *
 * @example
 * ttScale(tt, -1); // -tt
 */
export function ttScale(A: TensorNetworkLike, alpha: number): TensorNetwork {
  const a = readNetwork(A, "A");
  if (typeof alpha !== "number") throw new LowrankError("INVALID_ARGUMENT", `ttScale: alpha must be a number, got ${typeof alpha}`);
  if (!Number.isFinite(alpha)) throw new LowrankError("NON_FINITE", `alpha must be finite, got ${alpha}`);
  const cores = a.cores.map((c, k) => ({ shape: c.shape.slice(), data: k === 0 ? c.data.map((v) => v * alpha) : c.data.slice() }));
  checkResult(cores[0].data, "ttScale", "the first core times alpha");
  return { kind: "tensor-network", version: RESULT_VERSION, cores, ranks: a.ranks.slice() };
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
export function ttAdd(inputA: TensorNetworkLike, inputB: TensorNetworkLike): TensorNetwork {
  const { a: A, b: B } = sameShape(inputA, inputB);
  const N = A.shape.length;
  const train = A.cores[0].shape[0] === 1 && B.cores[0].shape[0] === 1;
  let total = 0;
  for (let k = 0; k < N; k++) {
    const [ra, n, ra2] = A.cores[k].shape, [rb, , rb2] = B.cores[k].shape;
    total += (ra + rb) * n * (ra2 + rb2);
    checkSize((ra + rb) * n * (ra2 + rb2), `ttAdd: core ${k} of the sum`);
  }
  checkSize(total, "ttAdd: the sum's cores", 2 ** 30);
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
  return { kind: "tensor-network", version: RESULT_VERSION, cores, ranks: [...cores.map((c) => c.shape[0]), cores[N - 1].shape[2]] };
}
