// Runs each package's main algorithm on the TypeScript backend, on each
// WebAssembly variant this browser supports on one thread, and on the default
// variant with the thread pool, off the main thread, so the page stays
// responsive and can cancel by terminating the worker.
import { hasRelaxedSimd, init, type Backend, type WasmVariant } from "@lowrank/linalg";
import { relDiff } from "@lowrank/test-utils";
import { benchCases } from "../bench/cases";
import type { BenchMessage, BenchRequest, Spread } from "./bench-protocol";
import { serve, yieldToPage } from "./serve";

type Run = (backend: Backend) => Promise<Float64Array>;

/** The last three times agree within 20%. */
const settled = (t: number[]) => t.length >= 3 && Math.max(...t.slice(-3)) <= 1.2 * Math.min(...t.slice(-3));

const spreadOf = (times: number[]): Spread => {
  const t = [...times].sort((a, b) => a - b);
  return { min: t[0], median: t[t.length >> 1], max: t[t.length - 1] };
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `backend` until its last three times agree within 20% (at most 400 ms); returns the first run's output. */
async function warmUp(run: Run, backend: Backend): Promise<Float64Array> {
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

/** One run on `backend`, its time pushed to `into`. */
async function timed(run: Run, backend: Backend, into: number[]): Promise<number> {
  const t = performance.now();
  await run(backend);
  into.push(performance.now() - t);
  return into[into.length - 1];
}

/**
 * WASM as the runtime is set now (variant and threads), against TypeScript:
 * warm-up, then rounds of one TypeScript run and one WASM run, so that a slow
 * moment falls on both alike: at least `runs` rounds, and more (up to 30)
 * until 300 ms have passed. The speed-up is the median over rounds of the
 * round's TypeScript time over its WASM time.
 */
async function againstTs(run: Run, runs: number, jsTimes: number[]) {
  const out = await warmUp(run, "wasm");
  const times: number[] = [], ratios: number[] = [];
  const start = performance.now();
  for (let round = 0; round < runs || (performance.now() - start < 300 && round < 30); round++) {
    const js = await timed(run, "js", jsTimes);
    ratios.push(js / (await timed(run, "wasm", times)));
  }
  return { out, spread: spreadOf(times), speedUp: spreadOf(ratios).median };
}

/** Whether two results are the same bits. */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

serve<BenchRequest, BenchMessage>(async ({ preset, runs }, post, runtime) => {
  const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
  // serve() started the runtime with its defaults: the best variant, and every thread this page may use.
  const { variant: best, threads: n } = runtime;
  post({ type: "variants", best, available: variants, threads: n, ...(runtime.threadsNote ? { note: runtime.threadsNote } : {}) });
  const cases = benchCases(preset);
  // Compile every module in every variant before timing anything, one thread first (as the
  // TypeScript twin runs, so that the speed-up is the code's and not the core count's),
  // and give the engine's background compilers a moment to finish.
  for (const v of variants) await init({ variant: v, threads: 1 });
  await pause(250);
  const total = cases.length * (n > 1 ? 2 : 1);
  // Per case: the TypeScript result, and the best variant's one-thread result and median time.
  const kept: Array<{ js: Float64Array; one: Float64Array; median: number }> = [];
  for (const [i, c] of cases.entries()) {
    post({ type: "progress", done: i, total, label: `${c.pkg}: ${c.name}` });
    // JavaScript reaches its optimised tier only after some calls, later still when the machine is busy.
    const js = await warmUp(c.run, "js");
    const jsTimes: number[] = [];
    const one = new Map<WasmVariant, Awaited<ReturnType<typeof againstTs>>>();
    // One variant at a time: switching variants makes new instances, which must not fall inside a timed run.
    for (const v of variants) {
      await init({ variant: v, threads: 1 });
      one.set(v, await againstTs(c.run, runs, jsTimes));
    }
    const relaxed = one.get("relaxed-simd");
    kept.push({ js, one: one.get(best)!.out, median: one.get(best)!.spread.median });
    post({
      type: "row",
      row: {
        pkg: c.pkg, case: c.name, size: c.size, js: spreadOf(jsTimes), simd: one.get("simd")!.spread, relaxed: relaxed?.spread ?? null,
        speedUp: { simd: one.get("simd")!.speedUp, relaxed: relaxed?.speedUp ?? null },
        maxRelDiff: Math.max(...variants.map((v) => relDiff(one.get(v)!.out, js))),
        threads: null,
      },
    });
    await yieldToPage();
  }
  if (n === 1) return;
  // The pool: started once for every case (starting it instantiates every module in each worker).
  await init({ variant: best, threads: n });
  await pause(250);
  for (const [i, c] of cases.entries()) {
    post({ type: "progress", done: cases.length + i, total, label: `${c.pkg}: ${c.name}, ${n} threads` });
    const r = await againstTs(c.run, runs, []);
    post({
      type: "threads",
      index: i,
      threads: {
        n, variant: best, time: r.spread, speedUp: r.speedUp, gain: kept[i].median / r.spread.median,
        sameBits: sameBits(r.out, kept[i].one), maxRelDiff: relDiff(r.out, kept[i].js),
      },
    });
    await yieldToPage();
  }
});
