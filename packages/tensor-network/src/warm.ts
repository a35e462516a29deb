import { triangleWithIdentity } from "@lowrank/linalg/internal";
import { lqRWorkSize, type TensorKernels } from "./kernels/index.js";

/**
 * Runs every hot kernel ten times on an 8 x 8 x 8 tensor so V8 has optimised
 * them before real work (docs/ARCHITECTURE.md, "Warm-up"). Takes about 85 KiB
 * from `f64` and `i32`.
 */
export function warmTensor(k: TensorKernels, f64: (n: number) => Float64Array, i32: (n: number) => Int32Array): void {
  const n = 8, R = 4;
  const X = f64(n * n * n), Y = f64(n * n * n), M = f64(n * n), G = f64(n * n), Z = f64(n * n);
  const A = f64(n * R), KR = f64(n * n * R), out = f64(n * R), scratch = f64(R * n * n * n + n * n * R);
  const tau = f64(n), work = f64(n), d = f64(n), e = f64(n), XJ = f64(n * 2 * n);
  // permute (3 axes), and the weighted-ALS kernels over every other entry of X with rr = 4.
  const dims = i32(3), perm = i32(3), pscratch = i32(9), count = (n * n * n) >> 1, idx = i32(count);
  const xo = f64(count), Vb = f64(n * 16), Bb = f64(n * 4);
  // lqR on X as 16 x 32: two sub-panels, so its GEMM updates run too.
  const LR = f64(4 * n * n), LC = f64(8 * n * n), LW = f64(lqRWorkSize(2 * n, 4 * n));
  dims.set([n, n, n]);
  perm.set([2, 0, 1]);
  for (let i = 0; i < count; i++) {
    idx[i] = 2 * i;
    xo[i] = Math.sin(i);
  }
  for (let i = 0; i < X.length; i++) X[i] = Math.sin(i + 1);
  for (let i = 0; i < M.length; i++) M[i] = Math.cos(i);
  for (let i = 0; i < A.length; i++) A[i] = 1 / (1 + i);
  for (let rep = 0; rep < 10; rep++) {
    for (let mode = 0; mode < 3; mode++) {
      const left = n ** mode, right = n ** (2 - mode);
      k.modeProduct(rep % 2 === 1, left, n, right, n, X, M, n, Y);
      k.unfoldingGram(left, n, right, X, G);
    }
    k.scanPieces(X.length, X, d);
    k.khatriRao(n, n, R, A, A, KR);
    k.mttkrp(1, n, n * n, R, X, A, KR, out, scratch);
    k.mttkrp(n * n, n, 1, R, X, KR, A, out, scratch);
    Z.set(G);
    k.tridiagonalize(n, Z, n, d, e, tau, work);
    k.tridiagonalQt(n, Z, n, tau, M, n);
    k.tridiagonalQl(n, d, e, M, n, 30 * n);
    Z.set(G);
    k.householderQr(n, n, Z, n, tau, work);
    k.householderQ(n, n, Z, n, tau, M, n, work);
    XJ.fill(0);
    triangleWithIdentity(n, Z, n, XJ, 2 * n, true);
    k.jacobiRows(n, n, 2 * n, XJ, 2 * n, d, 1e-15, 30);
    k.permute(3, dims, perm, X, Y, pscratch);
    Y.set(X);
    k.lqRows(n, n * n, Y, n * n);
    k.lqR(2 * n, 4 * n, X, LR, LC, LW);
    k.maskedNormal(count, idx, xo, n, n, n, 1, 4, KR, Vb, Bb);
    k.maskedResidual(count, idx, xo, n, n, n, 1, 4, KR, A);
    for (let i = 0; i < M.length; i++) M[i] = Math.cos(i + rep);
  }
}
