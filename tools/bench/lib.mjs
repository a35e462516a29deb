// Helpers for bench files (packages/*/bench/*.bench.{ts,mjs}); see README.md.
//
// A bench file measures with `time` / `measure` and reports with `row`,
// `note` and `skip`. Each report is one stdout line starting with MARKER and
// followed by JSON; tools/bench/run.mjs collects them. Run on its own
// (`node --import tsx packages/linalg/bench/blas.bench.ts`) a bench file just
// prints those lines.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** Prefix of every structured line a bench prints. */
export const MARKER = "@@lowrank-bench ";

/** True under `run.mjs --quick`: tiny sizes, one repetition, no warm-up (CI proves benches run). */
export const quick = process.env.LOWRANK_BENCH_QUICK === "1";

/** `full` normally, `small` under --quick. */
export function pick(full, small) {
  return quick ? small : full;
}

const FULL = { warmup: 3, runs: 7, minTimeMs: 250, minSampleMs: 5, maxRuns: 40 };
const QUICK = { warmup: 0, runs: 1, minTimeMs: 0, minSampleMs: 0, maxRuns: 1 };

// Results are stored here so no engine can drop a call whose value is unused.
let sink;

/**
 * Times `fn` and returns statistics in milliseconds per call.
 * Warm-up calls first (`warmup`), then samples until there are at least `runs`
 * of them and at least `minTimeMs` has passed (at most `maxRuns`). A sample
 * repeats `fn` enough times to last `minSampleMs` (timer resolution), and
 * its time is divided by the repeat count. Under --quick: one call, no warm-up.
 */
export function measure(fn, opts = {}) {
  const o = { ...(quick ? QUICK : FULL), ...(quick ? {} : opts) };
  globalThis.gc?.();
  for (let i = 0; i < o.warmup; i++) sink = fn();
  // Calibrate the repeat count from one timed call.
  let iters = 1;
  if (o.minSampleMs > 0) {
    const t0 = performance.now();
    sink = fn();
    const once = performance.now() - t0;
    if (once < o.minSampleMs) iters = Math.min(1e6, Math.ceil(o.minSampleMs / Math.max(once, 1e-4)));
  }
  const samples = [];
  const start = performance.now();
  while (samples.length < o.maxRuns && (samples.length < o.runs || performance.now() - start < o.minTimeMs)) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) sink = fn();
    samples.push((performance.now() - t0) / iters);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: samples.length, iters };
}

/** Median milliseconds per call of `fn` (see `measure` for the options). */
export function time(fn, opts = {}) {
  return measure(fn, opts).median;
}

function emit(kind, payload) {
  process.stdout.write(MARKER + JSON.stringify({ kind, ...payload }) + "\n");
}

/**
 * Reports one table row. Times are median ms per call, null where a column
 * does not apply (relaxed-simd not runnable, no anchor for this case).
 *
 * @param {{ case: string, size: string, ts?: number|null, simd?: number|null,
 *   relaxed?: number|null, anchor?: number|null, anchorName?: string,
 *   flops?: number, extra?: Record<string, string|number> }} r
 */
export function row(r) {
  emit("row", { row: r });
}

/** A line for the table's footer (method notes, peak estimates, caveats). */
export function note(text) {
  emit("note", { text });
}

/** Records that a case did not run, and why (printed in the footer). */
export function skip(caseName, reason) {
  emit("skip", { case: caseName, reason });
}

/** CPU model, nominal MHz and flags from /proc/cpuinfo (Linux), or nulls elsewhere. */
export function cpuInfo() {
  try {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    const field = (name) => text.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1] ?? null;
    const mhz = Number(field("cpu MHz"));
    const bogo = Number(field("bogomips"));
    return {
      model: field("model name"),
      mhz: mhz > 0 ? mhz : bogo > 0 ? bogo / 2 : null,
      flags: (field("flags") ?? "").split(/\s+/).filter(Boolean),
    };
  } catch {
    return { model: null, mhz: null, flags: [] };
  }
}
