// Where eigh's time goes, and the QL / divide-and-conquer crossover; not part of `pnpm bench`.
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx bench/eigh-phases.mts [variant] [n...]
// Per n: the tridiagonal reduction (unblocked and blocked), Qᵀ formed then QL on it (the QL path), against divide and conquer then E Qᵀ
// applied from the reflectors (the divide-and-conquer path),
// each the median of 7 runs (CPU ms), and the public eigh.
import { eigh, init, Rng } from "../src/index.js";
import { withLinalg } from "../src/internal.js";
import { qrBlockedWorkSize } from "../src/kernels/qr-blocked.js";
import { tridiagonalApplyQtWorkSize, tridiagonalQlWorkSize } from "../src/kernels/tridiagonal.js";
import { tridiagonalDc, tridiagonalDcWorkSize } from "../src/eigh-dc.js";
import { tridiagonalizeBlockedWorkSize } from "../src/kernels/tridiagonal-blocked.js";

const variant = (process.argv[2] ?? "relaxed-simd") as "simd" | "relaxed-simd";
const sizes = process.argv.slice(3).map(Number);
await init({ variant, threads: 1 });
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
// CPU time of the process in ms (robust to other load on a shared machine).
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const n of sizes.length ? sizes : [500]) {
  const rng = new Rng(1);
  const B = rng.fillNormal(new Float64Array(n * n));
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = 0.5 * (B[i * n + j] + B[j * n + i]);
  const n1 = n - 1, wq = qrBlockedWorkSize(n1, n1), lw = tridiagonalQlWorkSize(n);
  const t: number[][] = [[], [], [], [], [], []];
  for (let r = 0; r < 7; r++) {
    withLinalg("wasm", 8 * (5 * n * n + 2 * n1 * n1 + 10 * n + lw + wq + tridiagonalDcWorkSize(n) + tridiagonalApplyQtWorkSize(n, n) + n * n + tridiagonalizeBlockedWorkSize(n) + 3 * n) + 8192, (ws) => {
      const K = ws.kernels;
      const a = ws.copy(S);
      const d = ws.f64(n), e = ws.f64(n), tau = ws.f64(n), work = ws.f64(n);
      const ab = ws.copy(S), wb = ws.f64(tridiagonalizeBlockedWorkSize(n));
      let t0 = cpu();
      K.tridiagonalizeBlocked(n, ab, n, ws.f64(n), ws.f64(n), ws.f64(n), wb);
      t[5].push(cpu() - t0);
      t0 = cpu();
      K.tridiagonalizeUpper(n, a, n, d, e, tau, work);
      t[0].push(cpu() - t0);
      t0 = cpu();
      const Y = ws.f64(n1 * n1), Q1 = ws.f64(n1 * n1), Z = ws.f64(n * n);
      for (let k = 0; k < n1; k++) for (let i = k + 1; i < n1; i++) Y[i * n1 + k] = a[k * n + i + 1];
      K.householderQBlocked(n1, n1, Y, n1, tau, Q1, n1, ws.f64(wq));
      Z[0] = 1;
      for (let i = 0; i < n1; i++) for (let j = 0; j < n1; j++) Z[(i + 1) * n + j + 1] = Q1[j * n1 + i];
      t[1].push(cpu() - t0);
      const d2 = ws.copy(d), e2 = ws.copy(e), Z2 = ws.copy(Z);
      t0 = cpu();
      K.tridiagonalQlBatched(n, d, e, Z, n, 30 * n, ws.f64(lw), lw);
      t[2].push(cpu() - t0);
      t0 = cpu();
      const E = ws.f64(n * n);
      tridiagonalDc(K, n, d2, e2, E, n, ws.f64(tridiagonalDcWorkSize(n)), 30 * n);
      t[3].push(cpu() - t0);
      t0 = cpu();
      K.tridiagonalApplyQt(n, n, a, n, tau, E, n, ws.f64(tridiagonalApplyQtWorkSize(n, n)));
      t[4].push(cpu() - t0);
      void Z2;
    });
  }
  const e0: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = cpu();
    eigh({ rows: n, cols: n, data: S });
    e0.push(cpu() - t0);
  }
  const f = (x: number[]) => med(x).toFixed(2);
  console.log(`${variant} n=${n}: reduce ${f(t[0])} (blocked ${f(t[5])}), Qt ${f(t[1])}, QL ${f(t[2])}, D&C ${f(t[3])}, E Qᵀ ${f(t[4])}, eigh ${f(e0)} ms`);
}
