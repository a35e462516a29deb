import { LowrankError } from "@lowrank/linalg";

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
