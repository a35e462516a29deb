// The contract every public entry point is held to by the property-based
// suites: a call returns a correct result or throws a LowrankError with a
// sensible code; it never throws anything else, never returns NaN/Infinity
// from finite input and never hangs. These helpers let each package's suite
// say that in one line per entry point.
import fc from "fast-check";
import { expect } from "vitest";

/** Every code a LowrankError may carry. */
export const CODES = [
  "SHAPE", "NON_FINITE", "RANK", "INDEX", "EMPTY", "TOO_LARGE", "NOT_CONVERGED", "ABORTED", "INVALID_ARGUMENT", "NOT_INITIALIZED", "INTERNAL",
] as const;
export type Code = (typeof CODES)[number];

/** What a call ended with: its value or the LowrankError code it threw. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: Code; message: string };

function isLowrankError(e: unknown): e is { code: Code; message: string; name: string } {
  return e instanceof Error && e.name === "LowrankError" && CODES.includes((e as { code?: Code }).code as Code);
}

/**
 * Runs `fn` (sync or async) with a time bound and classifies the result. Any
 * exception other than a LowrankError fails the test with the input that
 * caused it; so does an INTERNAL error (a library bug) and a run past `ms`.
 */
export async function outcome<T>(fn: () => T | Promise<T>, what: string, ms = 10_000): Promise<Outcome<Awaited<T>>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const value = await Promise.race([
      Promise.resolve().then(fn),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`HANG: ${what} ran past ${ms} ms`)), ms);
      }),
    ]);
    return { ok: true, value: value as Awaited<T> };
  } catch (e) {
    if (isLowrankError(e)) {
      if (e.code === "INTERNAL") throw new Error(`${what}: INTERNAL error (a bug): ${e.message}`);
      return { ok: false, code: e.code, message: e.message };
    }
    throw new Error(`${what}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} instead of a LowrankError`);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts the call threw a LowrankError with one of `codes`. */
export async function expectRefused(fn: () => unknown, codes: readonly Code[], what: string): Promise<void> {
  const o = await outcome(fn, what);
  if (o.ok) throw new Error(`${what}: accepted an invalid input (expected ${codes.join(" or ")})`);
  expect(codes, `${what}: ${o.message}`).toContain(o.code);
}

/** Every number inside a result (typed arrays, arrays, nested objects; functions and class internals skipped). */
export function* numbersIn(x: unknown, depth = 0, seen = new Set<unknown>()): Generator<[string, number]> {
  if (depth > 6 || x === null || x === undefined) return;
  if (typeof x === "number") {
    yield ["", x];
    return;
  }
  if (typeof x !== "object" || seen.has(x)) return;
  seen.add(x);
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    if (x instanceof BigInt64Array || x instanceof BigUint64Array) return;
    const a = x as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) yield [`[${i}]`, a[i]];
    return;
  }
  if (x instanceof WebAssembly.Memory || x instanceof WebAssembly.Instance) return;
  const entries = Array.isArray(x) ? x.map((v, i) => [String(i), v] as const) : Object.entries(x as object);
  for (const [k, v] of entries) for (const [p, n] of numbersIn(v, depth + 1, seen)) yield [`.${k}${p}`, n];
}

/** Asserts every number in `result` is finite (Infinity is allowed only where `allow` says so). */
export function expectFinite(result: unknown, what: string, allow: (path: string) => boolean = () => false): void {
  for (const [path, v] of numbersIn(result)) {
    if (!Number.isFinite(v) && !allow(path)) throw new Error(`${what}: non-finite output ${v} at ${path || "(result)"}`);
  }
}

/** Asserts the call either returns finite output (then `check` may verify it) or throws a LowrankError. */
export async function expectContract<T>(
  fn: () => T | Promise<T>,
  what: string,
  check?: (value: Awaited<T>) => void,
): Promise<Outcome<Awaited<T>>> {
  const o = await outcome(fn, what);
  if (o.ok) {
    expectFinite(o.value, what);
    check?.(o.value);
  }
  return o;
}

/** Values of the wrong type for any argument slot. */
export const WRONG_TYPES: readonly unknown[] = [
  null, undefined, 0, -1, 1.5, NaN, Infinity, "x", true, Symbol("s"), () => 1, {}, [], [[]], [NaN], [[1, "2"]],
  new BigInt64Array(4), new BigUint64Array(2), { length: 1e12 }, { length: 3, 0: 1, 1: 2, 2: 3 },
  new Map(), new Date(0), new ArrayBuffer(16), new DataView(new ArrayBuffer(8)), Object.create(null),
];

/** Bad numeric option values. */
export const BAD_NUMBERS: readonly unknown[] = [NaN, Infinity, -Infinity, -1, 0.5, 1.5, -0.5, 1e300, -1e300, "1", null, true, {}, [1]];

/** An already-aborted signal. */
export function abortedSignal(): AbortSignal {
  const c = new AbortController();
  c.abort();
  return c.signal;
}

/** Dense matrices with NaN / Infinity / huge / tiny entries and wrong shapes, as plain shapes. */
export function badMatrices(rows = 4, cols = 3): unknown[] {
  const ok = () => Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i + 1));
  const withValue = (v: number) => {
    const d = ok();
    d[rows * cols - 1] = v;
    return { rows, cols, data: d };
  };
  return [
    withValue(NaN), withValue(Infinity), withValue(-Infinity),
    { rows, cols, data: ok().subarray(1) },
    { rows: rows + 1, cols, data: ok() },
    { rows: -rows, cols, data: ok() },
    { rows: 1.5, cols, data: ok() },
    { rows: 0, cols, data: new Float64Array(0) },
    { rows: 1e9, cols: 1e9, data: ok() },
    { rows, cols, data: new BigInt64Array(rows * cols) },
    { rows, cols, data: { length: rows * cols } },
    { rows, cols },
    [[1, 2], [3]],
    [[1, NaN]],
    ...WRONG_TYPES,
  ];
}

/** Seeded fast-check settings shared by the suites (deterministic, bounded). */
export function fcParams(numRuns: number, seed = 20261206): fc.Parameters<unknown> {
  return { numRuns, seed, endOnFailure: true };
}

/** A small finite matrix arbitrary with entries spanning many magnitudes (including 0, ±1e±300). */
export function arbMatrix(maxRows = 8, maxCols = 8): fc.Arbitrary<{ rows: number; cols: number; data: Float64Array }> {
  const entry = fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1e300, -1e300, 1e-300, 5e-324, 1.7976931348623157e308) },
  );
  return fc.record({ rows: fc.integer({ min: 1, max: maxRows }), cols: fc.integer({ min: 1, max: maxCols }) }).chain(({ rows, cols }) =>
    fc.array(entry, { minLength: rows * cols, maxLength: rows * cols }).map((a) => ({ rows, cols, data: Float64Array.from(a) })));
}

export { fc };
