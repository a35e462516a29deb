// Thin svd against numpy's gesdd and eigh against its syevd, CPU time, one thread each, alternated: the README's
// "against LAPACK" rows. Not part of `pnpm bench` (the factorisation benchmark has the same cases in wall time).
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx bench/lapack.mts [case...]
// A case is "svd:MxN" or "eigh:N" (default: svd:1000x200 svd:2000x500 eigh:200 eigh:500 eigh:1000). Per case and
// round: numpy (its own process, OPENBLAS_NUM_THREADS=1, time.process_time), then each WASM variant
// (init({ variant, threads: 1 })), each the median of 7 calls after one (3 calls past 10^6 entries); `--rounds R`
// rounds (default 2), each side's faster median kept.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { eigh, hasRelaxedSimd, init, Rng, svd, type WasmVariant } from "../src/index.js";

const args = process.argv.slice(2);
let rounds = 2;
const named: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--rounds") rounds = Number(args[++i]);
  else named.push(args[i]);
}
const cases = (named.length ? named : ["svd:1000x200", "svd:2000x500", "eigh:200", "eigh:500", "eigh:1000"]).map((c) => {
  const [kind, size] = c.split(":");
  const [m, n] = size.split("x").map(Number);
  if ((kind !== "svd" && kind !== "eigh") || !(m > 0)) throw new Error(`unknown case ${c}`);
  return { name: c, kind, m, n: kind === "eigh" ? m : n };
});
const variants: WasmVariant[] = hasRelaxedSimd() ? ["relaxed-simd", "simd"] : ["simd"];
const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const PY = `
import sys, time, numpy as np
kind, m, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
a = np.random.default_rng(1).standard_normal((m, n))
if kind == "eigh": a = (a + a.T) / 2
f = (lambda: np.linalg.eigh(a)) if kind == "eigh" else (lambda: np.linalg.svd(a, full_matrices=False))
f()
t = []
for _ in range(runs):
    s = time.process_time(); f(); t.append((time.process_time() - s) * 1e3)
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
for (let round = 0; round < rounds; round++) {
  for (const c of cases) {
    const runs = c.m * c.n >= 1e6 ? 3 : 7;
    const py = spawnSync("/usr/bin/python3", ["-c", PY, c.kind, String(c.m), String(c.n), String(runs)], { encoding: "utf8", env });
    if (py.status === 0) keep(`numpy ${c.name}`, Number(py.stdout.trim()));
    const B = new Rng(1).fillNormal(new Float64Array(c.m * c.n)), A = new Float64Array(c.m * c.n);
    if (c.kind === "eigh") for (let i = 0; i < c.n; i++) for (let j = 0; j < c.n; j++) A[i * c.n + j] = 0.5 * (B[i * c.n + j] + B[j * c.n + i]);
    else A.set(B);
    const call = c.kind === "eigh" ? () => eigh({ rows: c.n, cols: c.n, data: A }) : () => svd({ rows: c.m, cols: c.n, data: A });
    for (const v of variants) {
      await init({ variant: v, threads: 1 });
      call();
      const t: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = cpu();
        call();
        t.push(cpu() - t0);
      }
      keep(`${v} ${c.name}`, median(t));
    }
  }
}
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
console.log(`| call | size | numpy | ${variants.map((v) => `WASM ${v}`).join(" | ")} | ${variants.map((v) => `${v === "simd" ? "simd" : "relaxed"} / numpy`).join(" | ")} |`);
console.log(`| --- | --- | ---: | ${variants.map(() => "---:").join(" | ")} | ${variants.map(() => "---:").join(" | ")} |`);
for (const c of cases) {
  const np = best[`numpy ${c.name}`];
  const w = variants.map((v) => best[`${v} ${c.name}`]);
  const label = c.kind === "eigh" ? "`eigh` vs syevd" : "`svd` (thin) vs gesdd";
  console.log(`| ${label} | ${c.m}×${c.n} | ${ms(np)} | ${w.map(ms).join(" | ")} | ${w.map((x) => `${(x / np).toFixed(2)}×`).join(" | ")} |`);
}
console.log(`load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);
