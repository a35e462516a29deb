// The median-of-runs timer of this package's benches: the decompositions are
// async, and tools/bench/lib.mjs's `time` is synchronous.
import { quick } from "../../../tools/bench/lib.mjs";

/** Median ms of `runs` awaited calls after `warmup` untimed ones (one call, no warm-up under --quick). */
export async function timeAsync(fn: () => Promise<unknown>, runs: number, warmup = 1): Promise<number> {
  const r = quick ? 1 : runs, w = quick ? 0 : warmup;
  for (let i = 0; i < w; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < r; i++) {
    globalThis.gc?.();
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}
