import { LowrankError, MAX_ENTRIES, checkSize, opt, type OptionCheck } from "@lowrank/linalg";

// Argument checks shared by every generator and loader, built on linalg's
// one option validator and size check (docs/ARCHITECTURE.md, "Inputs" and
// "Options"), so that bad input always surfaces as the same typed
// LowrankError as in every other package, never a RangeError or NaN.

export function checkPositiveInt(name: string, v: unknown): number {
  return opt.int({ min: 1 })(v, name);
}

export function checkNonNegativeInt(name: string, v: unknown): number {
  return opt.int({ min: 0 })(v, name);
}

export function checkNonNegative(name: string, v: unknown): number {
  return opt.number({ min: 0 })(v, name);
}

export function checkSeed(v: unknown): number {
  if (v === undefined) return 0;
  return opt.seed()(v, "seed");
}

/** A non-empty array of positive integer dimensions (SHAPE when not an array or empty). */
export function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new LowrankError("SHAPE", `${name} must be a non-empty array of positive integers`);
  }
  return shape.map((n, i) => checkPositiveInt(`${name}[${i}]`, n));
}

/** Product of the entries; throws TOO_LARGE past 2^29 entries (what one array may hold), before anything is allocated. */
export function checkedSize(name: string, dims: readonly number[]): number {
  let size = 1;
  for (const n of dims) size *= n;
  checkSize(size, name);
  return size;
}

/**
 * Most multiply-adds a generator may spend (2^33, some seconds of plain
 * JavaScript): sizes that fit in memory can still ask for hours of work, and
 * a call must never hang, so such requests are refused up front.
 */
export const MAX_WORK = 2 ** 33;

/** TOO_LARGE when `ops` multiply-adds exceed {@link MAX_WORK}. */
export function checkWork(ops: number, what: string): void {
  if (!(ops <= MAX_WORK)) {
    throw new LowrankError("TOO_LARGE", `${what} would take about ${ops.toExponential(2)} multiply-adds; at most ${MAX_WORK} (2^33) are allowed in one call`);
  }
}

/** NON_FINITE when a generated array holds NaN or Infinity (options so extreme that the result overflows). */
export function checkGenerated(data: ArrayLike<number>, what: string, hint: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) throw new LowrankError("NON_FINITE", `${what} overflows the double range at entry ${i} (${hint})`);
  }
}

/** A string option. */
export function stringCheck(): OptionCheck<string> {
  return (v, path) => {
    if (typeof v !== "string") throw new LowrankError("INVALID_ARGUMENT", `${path} must be a string, got ${typeof v}`);
    return v;
  };
}

/** A list of strings: an array, a Set or another iterable of strings (a Set is kept as it is). */
export function stringListCheck(): OptionCheck<Iterable<string>> {
  return (v, path) => {
    if (v === null || typeof v !== "object" || typeof (v as Iterable<unknown>)[Symbol.iterator] !== "function" || ArrayBuffer.isView(v)) {
      throw new LowrankError("INVALID_ARGUMENT", `${path} must be an array or Set of strings`);
    }
    const list = v instanceof Set ? v : Array.from(v as Iterable<unknown>);
    let i = 0;
    for (const w of list) {
      if (typeof w !== "string") throw new LowrankError("INVALID_ARGUMENT", `${path}[${i}] must be a string, got ${typeof w}`);
      if (++i > MAX_ENTRIES) throw new LowrankError("TOO_LARGE", `${path} has more than ${MAX_ENTRIES} entries`);
    }
    return list as Iterable<string>;
  };
}

/** The options shared by the tensor and matrix generators. */
export const GENERATOR_OPTIONS = { seed: opt.seed(), noise: opt.number({ min: 0 }) };
