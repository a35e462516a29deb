// GEMM against the measured WASM peak, one thread, both variants, in one
// process: each round times the peak probes (tools/bench/peak.mjs, both forms,
// the better counts) and then gemm at each size through the public API, so a
// burst of load elsewhere hits the probe and the product alike; also the GEMM
// tile's own instruction mix in L1 (peak.as.ts, tileMix), the best a loop
// loading its operands as the tile does reaches here. CPU time of
// this thread (process.cpuUsage). Each GEMM rate is divided by the same
// round's probe rates (so a round under load elsewhere compares like with
// like), and the medians of these ratios are printed, for the public call
// (copies in and out and the finiteness checks included) and for the kernel
// alone on operands already in WASM memory. A development probe:
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx packages/linalg/bench/gemm-peak.mts [rounds] [sizes] [variants]
import { loadavg } from "node:os";
import { gemm, hasRelaxedSimd, init, Rng, type DenseMatrix, type WasmVariant } from "../src/index.js";
import { allProbes } from "../../../tools/bench/peak.mjs";
import { linalgModule } from "../src/module.js";
import { arenaBytes } from "../src/internal.js";

const rounds = Number(process.argv[2] ?? 7);
const sizes = (process.argv[3] ?? "256,512,1024").split(",").map(Number);
const variants = ((process.argv[4]?.split(",") ?? ["simd", "relaxed-simd"]) as WasmVariant[]).filter((v) => v === "simd" || hasRelaxedSimd());
const probes = allProbes();
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

const peak = new Map<WasmVariant, number[]>(), tile = new Map<WasmVariant, number[]>(), rate = new Map<string, number[]>();
const add = (key: string, x: number) => rate.set(key, [...(rate.get(key) ?? []), x]);
for (const v of variants) for (const f of [...probes[v]!.peak, probes[v]!.tileMix]) for (let r = 0; r < 20; r++) f(1000, r);
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    await init({ variant: v, threads: 1 }); // no pool: process.cpuUsage counts every thread
    // Switching variants may bring a fresh instance: warm it into the optimizing tier first, and grow
    // its memory to the largest size (else the first large call pays for fresh pages).
    for (let w = 0; w < 5; w++) gemm(...inputs.get(sizes[0])!, { threads: 1 });
    for (const n of sizes) gemm(...inputs.get(n)!, { threads: 1 });
    const iters = 4e6;
    const best = Math.max(...probes[v]!.peak.map((f) => (iters * 48) / (cpuMs(() => f(iters, r)) * 1e6)));
    peak.set(v, [...(peak.get(v) ?? []), best]);
    const mix = (iters * 48) / (cpuMs(() => probes[v]!.tileMix((iters * 4) / 3, r)) * 1e6);
    tile.set(v, [...(tile.get(v) ?? []), mix]);
    for (const n of sizes) {
      const [A, B] = inputs.get(n)!;
      const reps = Math.max(1, Math.round(4e8 / n ** 3));
      const ms = cpuMs(() => {
        for (let i = 0; i < reps; i++) gemm(A, B, { threads: 1 });
      });
      const { ws, release } = await linalgModule.leasedWorkspace("wasm", arenaBytes(3 * n * n));
      const a = ws.input(A.data), b = ws.input(B.data), c = ws.f64(n * n);
      ws.kernels.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
      const kms = cpuMs(() => {
        for (let i = 0; i < reps; i++) ws.kernels.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
      });
      release();
      for (const [what, t] of [["public", ms], ["kernel", kms]] as const) {
        const g = (2 * n ** 3 * reps) / (t * 1e6);
        add(`${v} ${what} ${n}`, g);
        add(`${v} ${what} ${n} /peak`, g / best);
        add(`${v} ${what} ${n} /tile`, g / mix);
      }
    }
  }
}
console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}; ${rounds} rounds, medians (GFLOP/s, CPU time; shares: medians of per-round ratios)`);
for (const v of variants) {
  const p = median(peak.get(v)!), t = median(tile.get(v)!);
  console.log(`${v}: peak ${p.toFixed(1)}, tile mix ${t.toFixed(1)} GFLOP/s`);
  for (const what of ["public", "kernel"]) {
    const cells = sizes.map((n) => {
      const key = `${v} ${what} ${n}`;
      return `n = ${n}: ${median(rate.get(key)!).toFixed(1)} (${(100 * median(rate.get(`${key} /peak`)!)).toFixed(1)}% of the peak, ${(100 * median(rate.get(`${key} /tile`)!)).toFixed(1)}% of the tile mix)`;
    });
    console.log(`  ${what.padEnd(7)} ${cells.join("  ")}`);
  }
}
