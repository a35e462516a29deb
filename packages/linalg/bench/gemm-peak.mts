// GEMM against the measured WASM peak, one thread, both variants, in one
// process: each round times the peak probes (tools/bench/peak.mjs, both forms,
// the better counts) and then gemm at each size through the public API, so a
// burst of load elsewhere hits the probe and the product alike. CPU time of
// this thread (process.cpuUsage), medians over the rounds. A development probe:
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx packages/linalg/bench/gemm-peak.mts [rounds] [sizes]
import { loadavg } from "node:os";
import { gemm, hasRelaxedSimd, init, Rng, type DenseMatrix, type WasmVariant } from "../src/index.js";
import { peakProbes } from "../../../tools/bench/peak.mjs";

const rounds = Number(process.argv[2] ?? 7);
const sizes = (process.argv[3] ?? "256,512,1024").split(",").map(Number);
const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
const probes = peakProbes();
const rng = new Rng(7);
const randn = (n: number): DenseMatrix => ({ rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) });
const inputs = new Map(sizes.map((n) => [n, [randn(n), randn(n)] as const]));

/** CPU milliseconds of `fn()`. */
function cpuMs(fn: () => unknown): number {
  const u0 = process.cpuUsage();
  fn();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

const peak = new Map<WasmVariant, number[]>(), rate = new Map<string, number[]>();
for (const v of variants) for (const f of probes[v]!) for (let r = 0; r < 20; r++) f(1000, r);
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    await init({ variant: v, threads: 1 }); // no pool: process.cpuUsage counts every thread
    // Switching variants may bring a fresh instance: warm it into the optimizing tier first.
    for (let w = 0; w < 5; w++) gemm(...inputs.get(sizes[0])!, { threads: 1 });
    const iters = 4e6;
    const best = Math.max(...probes[v]!.map((f) => (iters * 48) / (cpuMs(() => f(iters, r)) * 1e6)));
    peak.set(v, [...(peak.get(v) ?? []), best]);
    for (const n of sizes) {
      const [A, B] = inputs.get(n)!;
      const reps = Math.max(1, Math.round(4e8 / n ** 3));
      const ms = cpuMs(() => {
        for (let i = 0; i < reps; i++) gemm(A, B, { threads: 1 });
      });
      const key = `${v} ${n}`;
      rate.set(key, [...(rate.get(key) ?? []), (2 * n ** 3 * reps) / (ms * 1e6)]);
    }
  }
}
console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}; ${rounds} rounds, medians (GFLOP/s, CPU time)`);
for (const v of variants) {
  const p = median(peak.get(v)!);
  const cells = sizes.map((n) => {
    const g = median(rate.get(`${v} ${n}`)!);
    return `n = ${n}: ${g.toFixed(1)} (${Math.round((100 * g) / p)}%)`;
  });
  console.log(`${v.padEnd(13)} peak ${p.toFixed(1)}  ${cells.join("  ")}`);
}
