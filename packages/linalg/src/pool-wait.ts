// How the pool's calling thread waits for its workers (docs/ARCHITECTURE.md,
// "Threads"): blocking in Atomics.wait (pool.ts), spinning where it may not
// block and must not return (a synchronous kernel call on a browser's main
// thread), or awaiting without blocking (asynchronous jobs); and the error a
// job that stopped early throws.
import { LowrankError } from "./errors.js";
import { QUICK_JOB_MS, SPIN_MS } from "./pool-worker.js";

/** A job that ended early: why ("stuck": a spinning caller gave its workers up). */
export type Stop = null | "failed" | "died" | "aborted" | "stuck";

/** The error a job that stopped early throws (`limit`: how long a spinning caller waited, for "stuck"). */
export function stopError(stop: Stop, name: string, limit = 0): LowrankError {
  if (stop === "aborted") return new LowrankError("ABORTED", `${name}: aborted`);
  if (stop === "stuck") {
    return new LowrankError(
      "INTERNAL",
      `${name}: a worker thread of the pool finished no task for ${Math.round(limit)} ms while this thread (which cannot wait) spun for it; it was terminated and is being replaced, and the next call runs normally`,
    );
  }
  if (stop === "died") {
    return new LowrankError("INTERNAL", `${name}: a worker thread of the pool died during the call; it is being replaced, and the next call runs normally`);
  }
  return new LowrankError("INTERNAL", `${name}: a WebAssembly kernel aborted in a worker thread (a lowrank bug: please report it)`);
}

/** Spins (never blocks) until c[i] differs from v, or `ms` have passed. */
export function spin(c: Int32Array, i: number, v: number, ms: number): void {
  const end = performance.now() + ms;
  while (Atomics.load(c, i) === v && performance.now() < end);
}

/**
 * Waits until c[i] differs from v, or `ms` have passed: for a job published at
 * `since` less than QUICK_JOB_MS ago it first watches the word for SPIN_MS
 * (short jobs end soon, and a futex sleep and wake-up costs tens of
 * microseconds); otherwise it blocks in Atomics.wait at once (a spinning thread
 * would take from the others' work where cores share units).
 */
export function spinThenWait(c: Int32Array, i: number, v: number, ms: number, since: number): void {
  const now = performance.now();
  const until = now - since < QUICK_JOB_MS ? now + SPIN_MS : 0;
  while (Atomics.load(c, i) === v && performance.now() < until);
  Atomics.wait(c, i, v, ms);
}

/** Waits (without blocking the thread) until c[i] may differ from v, or 20 ms. */
export function pause(c: Int32Array, i: number, v: number): Promise<unknown> {
  const waitAsync = (Atomics as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: unknown } }).waitAsync;
  if (waitAsync) {
    const r = waitAsync(c, i, v, 20);
    if (r.async) return r.value as Promise<unknown>;
    return Promise.resolve();
  }
  return new Promise((r) => setTimeout(r, 1));
}
