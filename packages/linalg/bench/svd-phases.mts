// Where the thin svd's time goes on its bidiagonal paths (src/svd.ts), and the crossover of bidiagonal QR and divide
// and conquer; not part of `pnpm bench`.
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx bench/svd-phases.mts [variant] [MxN...]
// Per size: QR of A, its thin Q, the bidiagonalisation of R, Qbᵀ and Pbᵀ formed, then either bidiagonal QR rotating
// them or divide and conquer on the identity and two GEMMs (the same bidiagonal), U = Q Ub by GEMM; each the median
// of 5 runs (CPU ms), and the public svd with each method.
import { init, Rng, svd } from "../src/index.js";
import { withLinalg } from "../src/internal.js";
import { qrBlockedWorkSize } from "../src/kernels/qr-blocked.js";
import { bidiagonalQrWorkSize } from "../src/kernels/bidiagonal.js";
import { bidiagonalDc, bidiagonalDcWorkSize } from "../src/svd-dc.js";

const variant = (process.argv[2] ?? "relaxed-simd") as "simd" | "relaxed-simd";
const sizes = process.argv.slice(3).map((s) => s.split("x").map(Number));
await init({ variant, threads: 1 });
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const names = ["qr", "Q", "bidiagonalize", "Ut, Vt", "bidiagonalQr", "D&C + 2 GEMMs", "U gemm"];
for (const [M, N] of sizes.length ? sizes : [[2000, 500]]) {
  const A = new Rng(1).fillNormal(new Float64Array(M * N));
  const t: number[][] = names.map(() => []), pub: number[] = [], pubQr: number[] = [];
  const wn = Math.max(qrBlockedWorkSize(M, N), qrBlockedWorkSize(N, N), N), lw = bidiagonalQrWorkSize(N);
  for (let r = 0; r < 5; r++) {
    withLinalg("wasm", 8 * (2 * M * N + 9 * N * N + M * N + 6 * N + wn + lw + bidiagonalDcWorkSize(N)) + 65536, (ws) => {
      const K = ws.kernels;
      const a = ws.copy(A), tau = ws.f64(N), work = ws.f64(wn);
      let t0 = cpu();
      K.householderQrBlocked(M, N, a, N, tau, work);
      t[0].push(cpu() - t0);
      const R = ws.f64(N * N);
      for (let i = 0; i < N; i++) R.set(a.subarray(i * N + i, i * N + N), i * N + i);
      const Q = ws.f64(M * N);
      t0 = cpu();
      K.householderQBlocked(M, N, a, N, tau, Q, N, work);
      t[1].push(cpu() - t0);
      const dv = ws.f64(N), ev = ws.f64(N), tauq = ws.f64(N), taup = ws.f64(N);
      t0 = cpu();
      K.bidiagonalize(N, R, N, dv, ev, tauq, taup, work);
      t[2].push(cpu() - t0);
      const F = ws.f64(N * N), Ut = ws.f64(N * N), Vt = ws.f64(N * N);
      t0 = cpu();
      K.householderQBlocked(N, N, R, N, tauq, F, N, work);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) Ut[j * N + i] = F[i * N + j];
      const N1 = N - 1;
      Vt[0] = 1;
      const Y = a.subarray(0, N1 * N1);
      for (let c = 0; c < N1; c++) for (let q = c + 1; q < N1; q++) Y[q * N1 + c] = R[c * N + q + 1];
      K.householderQBlocked(N1, N1, Y, N1, taup, F, N1, work);
      for (let i = 0; i < N1; i++) for (let j = 0; j < N1; j++) Vt[(i + 1) * N + j + 1] = F[j * N1 + i];
      t[3].push(cpu() - t0);
      const d2 = ws.copy(dv), e2 = ws.copy(ev), Ut2 = ws.copy(Ut), Vt2 = ws.copy(Vt);
      t0 = cpu();
      K.bidiagonalQr(N, dv, ev, Ut, N, Vt, N, ws.f64(lw), lw);
      t[4].push(cpu() - t0);
      const Ub = ws.f64(N * N), Vb = ws.f64(N * N), dcw = ws.f64(bidiagonalDcWorkSize(N));
      t0 = cpu();
      bidiagonalDc(K, N, d2, e2, Ub, N, Vb, N, dcw);
      K.gemm(false, false, N, N, N, 1, Ub, N, Ut2, N, 0, F, N);
      K.gemm(false, false, N, N, N, 1, Vb, N, Vt2, N, 0, Ut2, N);
      t[5].push(cpu() - t0);
      const U = ws.f64(M * N);
      t0 = cpu();
      K.gemm(false, true, M, N, N, 1, Q, N, Ut, N, 0, U, N);
      t[6].push(cpu() - t0);
    });
    let t0 = cpu();
    svd({ rows: M, cols: N, data: A }, { method: "divide-and-conquer" });
    pub.push(cpu() - t0);
    t0 = cpu();
    svd({ rows: M, cols: N, data: A }, { method: "bidiagonal" });
    pubQr.push(cpu() - t0);
  }
  console.log(`${variant} ${M}x${N}: ${names.map((n, i) => `${n} ${med(t[i]).toFixed(1)}`).join(", ")}; public svd: divide-and-conquer ${med(pub).toFixed(1)}, bidiagonal ${med(pubQr).toFixed(1)} ms`);
}
