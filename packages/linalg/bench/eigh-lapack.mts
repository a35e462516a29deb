// eigh against numpy's syevd, CPU time, one thread each, alternated: the README's "against LAPACK" eigh rows.
// Not part of `pnpm bench` (the factorisation benchmark has the same cases in wall time).
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx bench/eigh-lapack.mts [n...]
// Per size and round: numpy (its own process, OPENBLAS_NUM_THREADS=1, time.process_time), then each WASM
// variant (init({ variant, threads: 1 })), each the median of 7 calls after one (3 calls at n >= 1000);
// two rounds, each side's faster median kept.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { eigh, hasRelaxedSimd, init, Rng, type WasmVariant } from "../src/index.js";

const sizes = process.argv.slice(2).map(Number);
const variants: WasmVariant[] = hasRelaxedSimd() ? ["relaxed-simd", "simd"] : ["simd"];
const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const PY = `
import sys, time, numpy as np
n, runs = int(sys.argv[1]), int(sys.argv[2])
a = np.random.default_rng(1).standard_normal((n, n)); a = (a + a.T) / 2
np.linalg.eigh(a)
t = []
for _ in range(runs):
    s = time.process_time(); np.linalg.eigh(a); t.append((time.process_time() - s) * 1e3)
t.sort(); print(t[len(t) // 2])
`;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
const best: Record<string, number> = {};
const keep = (k: string, v: number) => (best[k] = Math.min(best[k] ?? Infinity, v));
const load0 = loadavg()[0];
for (let round = 0; round < 2; round++) {
  for (const n of sizes.length ? sizes : [200, 500, 1000]) {
    const runs = n >= 1000 ? 3 : 7;
    const py = spawnSync("/usr/bin/python3", ["-c", PY, String(n), String(runs)], { encoding: "utf8", env });
    if (py.status === 0) keep(`numpy ${n}`, Number(py.stdout.trim()));
    const B = new Rng(1).fillNormal(new Float64Array(n * n)), S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = 0.5 * (B[i * n + j] + B[j * n + i]);
    for (const v of variants) {
      await init({ variant: v, threads: 1 });
      eigh({ rows: n, cols: n, data: S });
      const t: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = cpu();
        eigh({ rows: n, cols: n, data: S });
        t.push(cpu() - t0);
      }
      keep(`${v} ${n}`, median(t));
    }
  }
}
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
console.log(`| call | size | numpy | ${variants.map((v) => `WASM ${v}`).join(" | ")} | ${variants.map((v) => `${v === "simd" ? "simd" : "relaxed"} / numpy`).join(" | ")} |`);
console.log(`| --- | --- | ---: | ${variants.map(() => "---:").join(" | ")} | ${variants.map(() => "---:").join(" | ")} |`);
for (const n of sizes.length ? sizes : [200, 500, 1000]) {
  const np = best[`numpy ${n}`];
  const w = variants.map((v) => best[`${v} ${n}`]);
  console.log(`| \`eigh\` vs syevd | ${n}×${n} | ${ms(np)} | ${w.map(ms).join(" | ")} | ${w.map((x) => `${(x / np).toFixed(2)}×`).join(" | ")} |`);
}
console.log(`load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);
