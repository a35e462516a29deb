// The one long-run contract: every iterative entry point of every package
// takes `maxIter`, `tol`, `onProgress` and `signal` with these checks, reports
// progress records that start with `iteration`, honours an already-aborted
// signal before any work, and yields to the event loop so that a run never
// holds it for long (docs/ARCHITECTURE.md, "Long runs").
import { LowrankError } from "./errors.js";
import { opt, type OptionCheck } from "./options.js";

/** Every progress record has the 1-based iteration (sweep, evaluation or step) it reports. */
export interface ProgressRecord {
  iteration: number;
}

/** The options every iterative entry point takes. */
export interface LongRunOptions<P extends ProgressRecord = ProgressRecord> {
  /** Most iterations to run (a positive integer). */
  maxIter?: number;
  /** Stopping tolerance (a finite number >= 0; each method says what it compares). */
  tol?: number;
  /** Called after every iteration with a record starting with `iteration`. */
  onProgress?: (record: P) => void;
  /** Stops the run with an ABORTED error; a signal that has already fired stops it before any work. */
  signal?: AbortSignal;
}

/** Schema entries of the long-run options, to spread into an entry point's schema. */
export const LONG_RUN = {
  maxIter: opt.int({ min: 1 }),
  tol: opt.number({ min: 0 }),
  onProgress: opt.func() as OptionCheck<(record: never) => void>,
  signal: opt.signal(),
};

/** Schema entry of `signal` alone, for calls that are long but not iterative. */
export const SIGNAL = { signal: opt.signal() };

/** Longest stretch, in ms, a run works before it lets the event loop run. */
export const YIELD_MS = 25;

/** Throws ABORTED when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, fn: string): void {
  if (signal?.aborted) throw new LowrankError("ABORTED", `${fn}: aborted by the caller's AbortSignal`);
}

type Scheduler = (cb: () => void) => void;

const schedule: Scheduler = (() => {
  const g = globalThis as { setImmediate?: (cb: () => void) => void; MessageChannel?: typeof MessageChannel };
  // setImmediate (Node) and a MessageChannel post (browsers) run after pending events without setTimeout's clamping.
  if (typeof g.setImmediate === "function") return (cb) => g.setImmediate!(cb);
  if (typeof g.MessageChannel === "function") {
    const channel = new g.MessageChannel();
    const queue: Array<() => void> = [];
    channel.port1.onmessage = () => queue.shift()?.();
    return (cb) => {
      queue.push(cb);
      channel.port2.postMessage(0);
    };
  }
  return (cb) => setTimeout(cb, 0);
})();

/** Lets the event loop run (timers, abort events, rendering) once. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * While `init()`'s warm rounds run (warm-rounds.ts), every run's `due` is also true at every `warmYields`-th
 * boundary (0: never). The warm calls are small and never hold the event loop for YIELD_MS, so without this the
 * yield's branch would never have run when V8 optimises a loop that inlines `pause`, and a user's first long
 * call would throw that optimised code away at its first yield (a deoptimisation, then 30-80 ms of recompiling).
 */
let warmYields = 0;

/** Sets how often (every n-th boundary; 0 for never) runs yield regardless of time, for the warm rounds. */
export function setWarmYields(n: number): void {
  warmYields = n;
}

/**
 * One run's clock: `step(record)` reports progress, yields when at least
 * {@link YIELD_MS} have passed since the last yield, and throws ABORTED once
 * the signal fires; `check()` is the synchronous abort check for inner loops.
 * Constructing it throws ABORTED when the signal has already fired.
 *
 * @example
 * const run = new LongRun("tucker", opts);
 * for (let it = 1; it <= maxIter; it++) { ...; await run.step({ iteration: it, error }); }
 */
export class LongRun<P extends ProgressRecord = ProgressRecord> {
  private last = now();
  /** Boundaries passed (for the warm rounds' yields). */
  private boundaries = 0;
  readonly fn: string;
  private readonly opts: { onProgress?: (record: P) => void; signal?: AbortSignal };
  constructor(fn: string, opts: { onProgress?: (record: P) => void; signal?: AbortSignal } = {}) {
    // The class is exported: what a caller hands it directly is checked here (entry points pass options already read).
    this.fn = typeof fn === "string" ? fn : "run";
    const o = (opts ?? {}) as { onProgress?: unknown; signal?: unknown };
    if (typeof o !== "object") throw new LowrankError("INVALID_ARGUMENT", `${this.fn}: options must be an object`);
    if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new LowrankError("INVALID_ARGUMENT", `${this.fn}: onProgress must be a function`);
    if (o.signal !== undefined && (o.signal === null || typeof o.signal !== "object" || typeof (o.signal as AbortSignal).aborted !== "boolean")) {
      throw new LowrankError("INVALID_ARGUMENT", `${this.fn}: signal must be an AbortSignal`);
    }
    this.opts = o as { onProgress?: (record: P) => void; signal?: AbortSignal };
    throwIfAborted(this.opts.signal, this.fn);
  }

  /** Throws ABORTED when the signal has fired. */
  check(): void {
    throwIfAborted(this.opts.signal, this.fn);
  }

  /** Whether a yield is due (the run has held the event loop for YIELD_MS). */
  get due(): boolean {
    if (warmYields > 0 && ++this.boundaries % warmYields === 0) return true;
    return now() - this.last >= YIELD_MS;
  }

  /** Yields now if one is due, then checks the signal. */
  async pause(): Promise<void> {
    if (this.due) {
      await yieldToEventLoop();
      this.last = now();
    }
    this.check();
  }

  /** Reports `record` to onProgress, then {@link pause}. */
  async step(record: P): Promise<void> {
    this.opts.onProgress?.(record);
    await this.pause();
  }

  /** Reports `record` and checks the signal without yielding (for synchronous runs). */
  stepSync(record: P): void {
    this.opts.onProgress?.(record);
    this.check();
  }
}
