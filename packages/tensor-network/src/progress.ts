import type { IterativeOptions } from "./types.js";
import { checkAbort, checkNonNegative, checkPositiveInt } from "./validate.js";

/** Longest stretch of work between two yields to the event loop, in ms. */
const SLICE_MS = 10;

/** Validated maxIter / tol with the method's defaults. */
export function iterationLimits(opts: IterativeOptions, maxIter: number, tol: number): { maxIter: number; tol: number } {
  return {
    maxIter: opts.maxIter === undefined ? maxIter : checkPositiveInt(opts.maxIter, "maxIter"),
    tol: opts.tol === undefined ? tol : checkNonNegative(opts.tol, "tol"),
  };
}

/**
 * The end-of-sweep hook of an iterative run: reports progress, yields to the
 * event loop once at least 10 ms of work have passed since the last yield (so
 * timers and abort events run, while small problems do not pay setTimeout's
 * ~1 ms per sweep), and throws ABORTED when the signal has fired.
 */
export function sweepReporter(opts: IterativeOptions, what: string): (iteration: number, error: number) => Promise<void> {
  let last = performance.now();
  return async (iteration, error) => {
    opts.onProgress?.({ iteration, error });
    if (performance.now() - last >= SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      last = performance.now();
    }
    checkAbort(opts.signal, what);
  };
}
