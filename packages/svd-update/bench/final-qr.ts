// The Lanczos SVD's final Rayleigh-Ritz step factors the long-side block
// W = A V_k (m x k): blocked Householder (QR, then Q formed) against
// CholeskyQR2 (two Gram GEMMs, two k x k Cholesky factors, W times the
// inverse factor), on a well-conditioned W of the sizes of the reference
// matrices, alternated in one session, one thread, medians of 8 rounds. Run
// from packages/svd-update:
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx bench/final-qr.ts
import { qrBlockedWorkSize } from "@lowrank/linalg/internal";
import { init } from "../src/index.js";
import { svdUpdateModule } from "../src/module.js";
import { loadavg } from "node:os";
await init({ variant: "relaxed-simd", threads: 1 });
console.log("load", loadavg().map((x) => x.toFixed(1)).join(" "));
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
for (const [m, k] of [[20000, 16], [20000, 50], [10585, 50], [23869, 50]]) {
  const L = await svdUpdateModule.leasedWorkspace("wasm", 8 * (4 * m * k + qrBlockedWorkSize(m, k) + 5 * k * k) + (1 << 20));
  const ws = L.ws, K = ws.kernels;
  const W = ws.f64(m * k), W0 = ws.f64(m * k), Q = ws.f64(m * k), tau = ws.f64(k), work = ws.f64(qrBlockedWorkSize(m, k));
  for (let i = 0; i < m * k; i++) W0[i] = Math.sin(i * 1.37 + 0.3);
  const G = ws.f64(k * k), S = ws.f64(k * k), R = ws.f64(k * k), G2 = ws.f64(k * k);
  const th: number[] = [], tc: number[] = [];
  for (let r = 0; r < 9; r++) {
    // Round 0 warms up.
    W.set(W0);
    let t = performance.now();
    K.householderQrBlocked(m, k, W, k, tau, work);
    K.householderQBlocked(m, k, W, k, tau, Q, k, work);
    if (r > 0) th.push(performance.now() - t);
    t = performance.now();
    K.gemm(true, false, k, k, m, 1, W0, k, W0, k, 0, G, k);
    K.cholesky(k, G, k);
    S.fill(0); for (let i = 0; i < k; i++) S[i * k + i] = 1;
    K.triangularSolve(true, true, false, k, k, G, k, S, k);
    K.gemm(false, false, m, k, k, 1, W0, k, S, k, 0, Q, k);
    K.gemm(true, false, k, k, m, 1, Q, k, Q, k, 0, G2, k);
    K.cholesky(k, G2, k);
    K.gemm(true, true, k, k, k, 1, G2, k, G, k, 0, R, k);
    if (r > 0) tc.push(performance.now() - t);
  }
  console.log(m, k, "householder QR+Q ms", med(th).toFixed(1), "cholqr2 ms", med(tc).toFixed(1));
  L.release();
}
