// Runs each package's main algorithm on the TypeScript backend and on each
// WebAssembly variant this browser supports, off the main thread, so the page
// stays responsive and can cancel by terminating the worker.
import { bestVariant, hasRelaxedSimd, init, type Backend, type WasmVariant } from "@lowrank/linalg";
import { benchCases } from "../bench/cases";
import type { BenchMessage, BenchRequest, Spread } from "./bench-protocol";
import { serve, yieldToPage } from "./serve";

type Key = "js" | WasmVariant;

/** The last three times agree within 20%. */
const settled = (t: number[]) => t.length >= 3 && Math.max(...t.slice(-3)) <= 1.2 * Math.min(...t.slice(-3));

const spreadOf = (times: number[]): Spread => {
  const t = [...times].sort((a, b) => a - b);
  return { min: t[0], median: t[t.length >> 1], max: t[t.length - 1] };
};

/** Runs `backend` until its last three times agree within 20% (at most 400 ms); returns the first run's output. */
async function warmUp(run: (backend: Backend) => Promise<Float64Array>, backend: Backend): Promise<Float64Array> {
  const t0 = performance.now();
  const out = await run(backend);
  const times: number[] = [];
  while (performance.now() - t0 < 400 && !settled(times)) {
    const t = performance.now();
    await run(backend);
    times.push(performance.now() - t);
  }
  return out;
}

/**
 * Times one case on TypeScript and on each WASM variant. Warm-up first:
 * JavaScript reaches its optimised tier only after some calls, later still
 * when the machine is busy. Then, one variant at a time (switching variants
 * makes new instances, which must not fall inside a timed run), rounds of one
 * TypeScript run and one WASM run, so that a slow moment falls on both alike:
 * at least `runs` rounds, and more (up to 30) until 300 ms have passed. The
 * speed-up is the median over rounds of the round's TypeScript time over its
 * WASM time.
 */
async function timeCase(run: (backend: Backend) => Promise<Float64Array>, variants: WasmVariant[], runs: number) {
  const out = new Map<Key, Float64Array>([["js", await warmUp(run, "js")]]);
  const times = new Map<Key, number[]>([["js", []]]);
  const ratios = new Map<WasmVariant, number[]>();
  const timed = async (backend: Backend, into: number[]) => {
    const t = performance.now();
    await run(backend);
    into.push(performance.now() - t);
    return into[into.length - 1];
  };
  for (const v of variants) {
    await init({ variant: v, threads: 1 });
    out.set(v, await warmUp(run, "wasm"));
    times.set(v, []);
    ratios.set(v, []);
    const start = performance.now();
    for (let round = 0; round < runs || (performance.now() - start < 300 && round < 30); round++) {
      const js = await timed("js", times.get("js")!);
      ratios.get(v)!.push(js / (await timed("wasm", times.get(v)!)));
    }
  }
  return { out, spread: (key: Key) => spreadOf(times.get(key)!), speedUp: (v: WasmVariant) => spreadOf(ratios.get(v)!).median };
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
  // Compile every module in every variant before timing anything (one thread, as the
  // TypeScript twin runs, so that the speed-up is the code's and not the core count's),
  // and give the engine's background compilers a moment to finish.
  for (const v of variants) await init({ variant: v, threads: 1 });
  await new Promise((r) => setTimeout(r, 250));
  for (const [i, c] of cases.entries()) {
    post({ type: "progress", done: i, total: cases.length, label: `${c.pkg}: ${c.name}` });
    const { out, spread, speedUp } = await timeCase(c.run, variants, runs);
    const relaxed = variants.includes("relaxed-simd");
    const maxRelDiff = Math.max(...variants.map((v) => relDiff(out.get(v)!, out.get("js")!)));
    post({
      type: "row",
      row: {
        pkg: c.pkg, case: c.name, size: c.size, js: spread("js"), simd: spread("simd"), relaxed: relaxed ? spread("relaxed-simd") : null,
        speedUp: { simd: speedUp("simd"), relaxed: relaxed ? speedUp("relaxed-simd") : null }, maxRelDiff,
      },
    });
    await yieldToPage();
  }
});
