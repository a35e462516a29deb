// The O(size) checks of a CompletionModel's arrays, each loop a small
// function of its own (a model's first large check compiles only them), and
// the way bpmf's fit skips them for the model it builds, which is finite and
// well indexed by construction (docs/ARCHITECTURE.md, "@lowrank/matrix-completion").
import { LowrankError } from "@lowrank/linalg";

/** True while a fit builds its model (see trusting). */
let trusted = false;

/** fn() with the scans of every entry skipped (the kinds and shapes are still checked). */
export function trusting<T>(fn: () => T): T {
  trusted = true;
  try {
    return fn();
  } finally {
    trusted = false;
  }
}

/** INVALID_ARGUMENT unless a Float64Array, SHAPE unless `length` entries, NON_FINITE at the first entry that is not finite. */
export function checkFactor(a: unknown, length: number, what: string): void {
  if (!(a instanceof Float64Array)) throw new LowrankError("INVALID_ARGUMENT", `CompletionModel: ${what} must be a Float64Array`);
  if (a.length !== length) throw new LowrankError("SHAPE", `CompletionModel: ${what} has ${a.length} entries, expected ${length}`);
  const q = trusted ? -1 : firstNonFinite(a);
  if (q >= 0) throw new LowrankError("NON_FINITE", `CompletionModel: ${what}[${q}] = ${a[q]}`);
}

/** The observed index's pointers never decrease (INVALID_ARGUMENT) and its columns lie in [0, cols) (INDEX). */
export function checkObserved(ptr: Int32Array, oc: Int32Array, rows: number, cols: number): void {
  if (trusted) return;
  const i = firstDecrease(ptr, rows);
  if (i >= 0) throw new LowrankError("INVALID_ARGUMENT", `CompletionModel: observed.ptr decreases at row ${i}`);
  const q = firstOutside(oc, cols);
  if (q >= 0) throw new LowrankError("INDEX", `CompletionModel: observed.cols[${q}] = ${oc[q]} is outside [0, ${cols})`);
}

/** The first q with a[q] not finite, or -1. */
function firstNonFinite(a: Float64Array): number {
  for (let q = 0; q < a.length; q++) if (a[q] - a[q] !== 0) return q;
  return -1;
}

/** The first i < n with ptr[i + 1] < ptr[i], or -1. */
function firstDecrease(ptr: Int32Array, n: number): number {
  for (let i = 0; i < n; i++) if (ptr[i + 1] < ptr[i]) return i;
  return -1;
}

/** The first q with cols[q] outside [0, n), or -1. */
function firstOutside(cols: Int32Array, n: number): number {
  for (let q = 0; q < cols.length; q++) if (!(cols[q] >= 0 && cols[q] < n)) return q;
  return -1;
}
