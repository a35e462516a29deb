// What Float32 input and `dtype: "float32"` output cost, in CPU time of the calling thread (process.cpuUsage),
// in interleaved rounds so a burst of load elsewhere hits every case alike; medians. One thread, so the CPU
// time is the call's. A development probe (the numbers behind linalg's README "Inputs"):
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx packages/linalg/bench/float32-io.mts [n] [rounds]
import { loadavg } from "node:os";
import { castResult, gemm, init, Rng, stopThreads, svd, type DenseMatrix } from "../src/index.js";

const n = Number(process.argv[2] ?? 512), rounds = Number(process.argv[3] ?? 15);
await init({ threads: 1 });
const rng = new Rng(7);
const A: DenseMatrix = { rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) };
const B: DenseMatrix = { rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) };
const A32 = { rows: n, cols: n, data: Float32Array.from(A.data) }, B32 = { rows: n, cols: n, data: Float32Array.from(B.data) };
const m = Math.min(n, 300);
const S: DenseMatrix = { rows: m, cols: m, data: A.data.slice(0, m * m) }, S32 = { rows: m, cols: m, data: Float32Array.from(S.data) };
const C = gemm(A, B);

const cases: [string, () => unknown][] = [
  [`gemm ${n}, Float64 in, Float64 out`, () => gemm(A, B)],
  [`gemm ${n}, Float32 in, Float64 out`, () => gemm(A32, B32)],
  [`gemm ${n}, Float64 in, dtype float32`, () => gemm(A, B, { dtype: "float32" })],
  [`gemm ${n}, Float32 in, dtype float32`, () => gemm(A32, B32, { dtype: "float32" })],
  [`Float64Array.from(Float32Array(${n}²)) alone`, () => Float64Array.from(A32.data)],
  [`castResult(${n}² result, float32) alone`, () => castResult(C, "float32")],
  [`svd ${m}, Float64 in`, () => svd(S)],
  [`svd ${m}, Float32 in, dtype float32`, () => svd(S32 as unknown as DenseMatrix, { dtype: "float32" })],
];
for (const [, f] of cases) for (let w = 0; w < 3; w++) f();
const times: number[][] = cases.map(() => []);
for (let r = 0; r < rounds; r++) {
  cases.forEach(([, f], i) => {
    const t0 = process.cpuUsage();
    f();
    const d = process.cpuUsage(t0);
    times[i].push((d.user + d.system) / 1000);
  });
}
const median = (x: number[]) => x.slice().sort((a, b) => a - b)[x.length >> 1];
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(" ")}, ${rounds} rounds, CPU ms (median)`);
cases.forEach(([name], i) => console.log(`${name.padEnd(44)} ${median(times[i]).toFixed(2)}`));
stopThreads();
