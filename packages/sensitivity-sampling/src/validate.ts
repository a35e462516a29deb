import { checkDense, LowrankError, type DenseMatrix } from "@lowrank/linalg";

/** INVALID_ARGUMENT unless p is a finite number > 0. */
export function checkP(p: unknown, fn: string): number {
  if (typeof p !== "number" || !Number.isFinite(p) || p <= 0) {
    throw new LowrankError("INVALID_ARGUMENT", `${fn}: p must be a finite number > 0, got ${String(p)}`);
  }
  return p;
}

/** INVALID_ARGUMENT unless v is an integer >= min (undefined gives the default). */
export function intOption(v: unknown, def: number, min: number, name: string): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

/** INVALID_ARGUMENT unless v is a finite number >= 0 (undefined gives the default). */
export function numOption(v: unknown, def: number, name: string): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a finite number >= 0, got ${String(v)}`);
  }
  return v;
}

/** Seed option: a finite number (default 0). */
export function seedOption(v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new LowrankError("INVALID_ARGUMENT", `seed must be a finite number, got ${String(v)}`);
  return v;
}

/** Throws ABORTED when the signal has fired. */
export function checkAborted(signal: AbortSignal | undefined, fn: string): void {
  if (signal?.aborted) throw new LowrankError("ABORTED", `${fn}: aborted by the caller's AbortSignal`);
}

/**
 * A yield point for long runs: lets the event loop run (timers, abort events,
 * rendering) when at least `ms` have passed since the last yield. Yielding on
 * every iteration would cost a timer tick (about 1 ms) each, more than a
 * small iteration itself.
 */
export function ticker(ms = 10): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < ms) return;
    await new Promise((r) => setTimeout(r, 0));
    last = Date.now();
  };
}

/**
 * checkDense without the O(nd) finiteness scan, for the leverage scores, whose
 * first pass over A already propagates any NaN or ±Infinity into a small
 * result (the R of a QR of A, or the sketch SA: every entry of A enters a sum
 * there) that {@link checkFiniteResult} then checks in O(d²) or O(md). The
 * scan alone cost 200-280 ms at 1e6 x 50, more than the sketched scores'
 * arithmetic. Shape errors as checkDense (SHAPE, EMPTY, TOO_LARGE); arrays
 * that are not Float64Array go through checkDense itself.
 */
export function checkDenseShape(A: DenseMatrix, name: string): DenseMatrix {
  if (A == null || typeof A !== "object" || !(A.data instanceof Float64Array)) return checkDense(A, name);
  const dim = (x: unknown) => typeof x === "number" && Number.isInteger(x) && x >= 0;
  if (!dim(A.rows) || !dim(A.cols)) {
    throw new LowrankError("SHAPE", `${name}.rows and ${name}.cols must be non-negative integers, got ${A.rows} x ${A.cols}`);
  }
  if (A.rows === 0 || A.cols === 0) throw new LowrankError("EMPTY", `${name} is empty (${A.rows} x ${A.cols})`);
  if (A.rows * A.cols > 2 ** 29) {
    throw new LowrankError("TOO_LARGE", `${name} has ${A.rows * A.cols} entries; wasm32 memory holds at most ${2 ** 29} doubles`);
  }
  if (A.data.length !== A.rows * A.cols) {
    throw new LowrankError("SHAPE", `${name}.data has ${A.data.length} entries, expected rows * cols = ${A.rows * A.cols}`);
  }
  return A;
}

/** NON_FINITE unless every entry of x (a result every entry of A was summed into) is finite. O(x.length). */
export function checkFiniteResult(x: Float64Array, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new LowrankError("NON_FINITE", `${name} has a non-finite entry (NaN or ±Infinity), or its entries overflow double precision`);
    }
  }
}
