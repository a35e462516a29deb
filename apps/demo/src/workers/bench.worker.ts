// Runs each package's main algorithm on the TypeScript backend and on each
// WebAssembly variant this browser supports, off the main thread, so the page
// stays responsive and can cancel by terminating the worker.
import { bestVariant, hasRelaxedSimd, init, type Backend, type WasmVariant } from "@lowrank/linalg";
import { benchCases } from "../bench/cases";
import type { BenchMessage, BenchRequest, Spread } from "./bench-protocol";
import { serve, yieldToPage } from "./serve";

/** One warm-up run (its output is returned), then timed ones: at least `runs`, and more (up to 30) until 100 ms have passed, so fast cases get a steadier median. */
async function timeRuns(run: (backend: Backend) => Promise<Float64Array>, backend: Backend, runs: number): Promise<{ spread: Spread; out: Float64Array }> {
  const out = await run(backend);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < runs || (performance.now() - start < 100 && times.length < 30)) {
    const t = performance.now();
    await run(backend);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { spread: { min: times[0], median: times[times.length >> 1], max: times[times.length - 1] }, out };
}

function relDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Infinity;
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return s === 0 ? e : e / s;
}

serve<BenchRequest, BenchMessage>(async ({ preset, runs }, post) => {
  const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
  post({ type: "variants", best: bestVariant() ?? "none", available: variants });
  const cases = benchCases(preset);
  for (const [i, c] of cases.entries()) {
    post({ type: "progress", done: i, total: cases.length, label: `${c.pkg}: ${c.name}` });
    const js = await timeRuns(c.run, "js", runs);
    const wasm: Partial<Record<WasmVariant, Spread>> = {};
    let maxRelDiff = 0;
    for (const variant of variants) {
      await init({ variant });
      const r = await timeRuns(c.run, "wasm", runs);
      wasm[variant] = r.spread;
      maxRelDiff = Math.max(maxRelDiff, relDiff(r.out, js.out));
    }
    post({ type: "row", row: { pkg: c.pkg, case: c.name, size: c.size, js: js.spread, simd: wasm.simd!, relaxed: wasm["relaxed-simd"] ?? null, maxRelDiff } });
    await yieldToPage();
  }
});
