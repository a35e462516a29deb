// Runs each package's main algorithm on the TypeScript backend and on each
// WebAssembly variant this browser supports, off the main thread, so the page
// stays responsive and can cancel by terminating the worker.
import { bestVariant, hasRelaxedSimd, init, type Backend, type WasmVariant } from "@lowrank/linalg";
import { benchCases } from "../bench/cases";
import type { BenchMessage, BenchRequest, Spread } from "./bench-protocol";
import { serve, yieldToPage } from "./serve";

type Key = "js" | WasmVariant;

/**
 * Makes `key` the backend the next runs use: "js", or "wasm" on that variant
 * (init switches every module to it). One thread, as the TypeScript twin
 * runs, so that the speed-up is the code's and not the core count's.
 */
async function use(key: Key): Promise<Backend> {
  if (key === "js") return "js";
  await init({ variant: key, threads: 1 });
  return "wasm";
}

/** The last three times agree within 20%. */
const settled = (t: number[]) => t.length >= 3 && Math.max(...t.slice(-3)) <= 1.2 * Math.min(...t.slice(-3));

const spreadOf = (times: number[]): Spread => {
  const t = [...times].sort((a, b) => a - b);
  return { min: t[0], median: t[t.length >> 1], max: t[t.length - 1] };
};

/**
 * Times one case on every backend. Warm-up first: each backend runs until its
 * last three times agree within 20% (at least 3 runs, at most 400 ms):
 * JavaScript reaches its optimised tier only after some calls, later still
 * when the machine is busy (the first call's output is kept for the
 * comparison). Then rounds, each running every backend once in turn, so that
 * a slow moment falls on all of them alike: at least `runs` rounds, and more
 * (up to 30) until 300 ms have passed.
 */
async function timeCase(run: (backend: Backend) => Promise<Float64Array>, keys: Key[], runs: number) {
  const out = new Map<Key, Float64Array>();
  const times = new Map<Key, number[]>(keys.map((k) => [k, []]));
  for (const key of keys) {
    const backend = await use(key);
    const t0 = performance.now();
    out.set(key, await run(backend));
    const warm: number[] = [];
    while (performance.now() - t0 < 400 && !settled(warm)) {
      const t = performance.now();
      await run(backend);
      warm.push(performance.now() - t);
    }
  }
  const start = performance.now();
  for (let round = 0; round < runs || (performance.now() - start < 300 && round < 30); round++) {
    for (const key of keys) {
      const backend = await use(key);
      const t = performance.now();
      await run(backend);
      times.get(key)!.push(performance.now() - t);
    }
  }
  const js = times.get("js")!;
  return {
    out,
    spread: (key: Key) => spreadOf(times.get(key)!),
    // Each round's TypeScript time over its WASM time: the two ran moments apart, under the same load.
    speedUp: (key: Key) => spreadOf(times.get(key)!.map((t, r) => js[r] / t)).median,
  };
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
  // Compile every module in every variant before timing anything, and give the engine's
  // background compilers a moment, so that they do not compete with the first case.
  for (const v of variants) await use(v);
  await new Promise((r) => setTimeout(r, 250));
  for (const [i, c] of cases.entries()) {
    post({ type: "progress", done: i, total: cases.length, label: `${c.pkg}: ${c.name}` });
    const { out, spread, speedUp } = await timeCase(c.run, ["js", ...variants], runs);
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
