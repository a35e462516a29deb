// The one set of option validators: every public entry point of every
// package declares its options as a schema of these checks and reads them
// through `readOptions`, so a wrong type, an out-of-range value or an unknown
// key gets the same INVALID_ARGUMENT everywhere (docs/ARCHITECTURE.md).
import { LowrankError } from "./errors.js";

/** A check of one option value: returns the value (possibly normalised) or throws INVALID_ARGUMENT naming `path`. */
export type OptionCheck<T = unknown> = (value: unknown, path: string) => T;

/** A schema: option name to its check. */
export type OptionSchema = Record<string, OptionCheck>;

/** The options object a schema describes (every key optional). */
export type OptionsOf<S extends OptionSchema> = { [K in keyof S]?: S[K] extends OptionCheck<infer T> ? T : never };

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.slice(0, 40));
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return `[${v.slice(0, 8).map(show).join(", ")}${v.length > 8 ? ", …" : ""}]`;
  if (v !== null && typeof v === "object") return `an object`;
  return String(v);
}

function bad(path: string, want: string, v: unknown): LowrankError {
  return new LowrankError("INVALID_ARGUMENT", `${typeof path === "string" ? path : "option"} must be ${want}, got ${show(v)}`);
}

/** Bounds of a numeric option; `min`/`max` inclusive, `above`/`below` exclusive. */
export interface NumberBounds {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

function bounds(b: NumberBounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`>= ${b.min}`);
  if (b.above !== undefined) parts.push(`> ${b.above}`);
  if (b.max !== undefined) parts.push(`<= ${b.max}`);
  if (b.below !== undefined) parts.push(`< ${b.below}`);
  return parts.length ? ` ${parts.join(" and ")}` : "";
}

function inBounds(v: number, b: NumberBounds): boolean {
  return (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max)
    && (b.above === undefined || v > b.above) && (b.below === undefined || v < b.below);
}

/** Largest integer an integer option may take unless it says otherwise (sizes past this cannot be allocated anyway). */
const MAX_INT = 2 ** 31 - 1;

/**
 * The option checks. Each returns a function usable in a schema and on its own:
 * `opt.int({ min: 1 })(v, "maxIter")`.
 */
export const opt = {
  /** A finite number within the bounds. */
  number(b: NumberBounds = {}): OptionCheck<number> {
    return (v, path) => {
      if (typeof v !== "number" || !Number.isFinite(v) || !inBounds(v, b)) throw bad(path, `a finite number${bounds(b)}`, v);
      return v;
    };
  },
  /** An integer within the bounds (default at most 2^31 - 1). */
  int(b: NumberBounds = {}): OptionCheck<number> {
    const bb = { max: MAX_INT, ...b };
    return (v, path) => {
      if (typeof v !== "number" || !Number.isInteger(v) || !inBounds(v, bb)) throw bad(path, `an integer${bounds(bb)}`, v);
      return v;
    };
  },
  /** true or false. */
  boolean(): OptionCheck<boolean> {
    return (v, path) => {
      if (typeof v !== "boolean") throw bad(path, "true or false", v);
      return v;
    };
  },
  /** One of the listed strings (or numbers). */
  oneOf<T extends string | number>(values: readonly T[]): OptionCheck<T> {
    return (v, path) => {
      if (!values.includes(v as T)) throw bad(path, `one of ${values.map((x) => JSON.stringify(x)).join(", ")}`, v);
      return v as T;
    };
  },
  /** A function (callbacks such as onProgress). */
  func<F extends (...args: never[]) => unknown>(): OptionCheck<F> {
    return (v, path) => {
      if (typeof v !== "function") throw bad(path, "a function", v);
      return v as F;
    };
  },
  /** An AbortSignal (anything with a boolean `aborted` and addEventListener). */
  signal(): OptionCheck<AbortSignal> {
    return (v, path) => {
      if (v === null || typeof v !== "object" || typeof (v as AbortSignal).aborted !== "boolean") throw bad(path, "an AbortSignal", v);
      return v as AbortSignal;
    };
  },
  /** A seed: a finite number (used as a 32-bit or 53-bit integer by the generators). */
  seed(): OptionCheck<number> {
    return opt.number();
  },
  /** An array (or typed array) whose every entry passes `each`, optionally of a fixed length. */
  array<T>(each: OptionCheck<T>, length?: number): OptionCheck<T[]> {
    return (v, path) => {
      if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) throw bad(path, "an array", v);
      const a = v as ArrayLike<unknown>;
      if (length !== undefined && a.length !== length) throw bad(path, `an array of length ${length}`, v);
      return Array.from(a, (x, i) => each(x, `${path}[${i}]`));
    };
  },
  /** Either check: the first that accepts the value wins; the message lists both. */
  either<A, B>(first: OptionCheck<A>, second: OptionCheck<B>, want: string): OptionCheck<A | B> {
    return (v, path) => {
      try {
        return first(v, path);
      } catch {
        try {
          return second(v, path);
        } catch {
          throw bad(path, want, v);
        }
      }
    };
  },
  /** A nested options object with its own schema. */
  object<S extends OptionSchema>(schema: S): OptionCheck<OptionsOf<S>> {
    return (v, path) => readOptions(path, v, schema);
  },
  /** A value checked by the caller (a matrix, a model): only its presence is known here. */
  any<T = unknown>(): OptionCheck<T> {
    return (v) => v as T;
  },
};

/**
 * Option names users bring from other libraries (scikit-learn, Spark, TensorLy,
 * LIBMF) or from an older lowrank, and the lowrank names they may mean. An
 * unknown key listed here gets a "did you mean" naming whichever of these the
 * function has.
 */
const ALIASES: Record<string, string[]> = {
  rank: ["maxRank", "k", "ranks"],
  ranks: ["rank", "maxRank"],
  maxRank: ["rank"],
  k: ["rank", "maxRank"],
  n_components: ["rank", "k", "maxRank", "ranks"],
  nComponents: ["rank", "k", "maxRank", "ranks"],
  components: ["rank", "k"],
  regParam: ["lambda"],
  reg: ["lambda"],
  regularization: ["lambda"],
  alpha: ["lambda"],
  l2: ["lambda"],
  max_iter: ["maxIter"],
  maxIterations: ["maxIter"],
  n_iter: ["maxIter", "powerIters"],
  nIter: ["maxIter", "powerIters"],
  iterations: ["maxIter"],
  numIterations: ["maxIter"],
  tolerance: ["tol"],
  random_state: ["seed"],
  randomState: ["seed"],
  init: ["method"],
  algorithm: ["method"],
  solver: ["method"],
  oversampling: ["oversample"],
  n_oversamples: ["oversample"],
  power_iteration_normalizer: ["powerIters"],
  implicitPrefs: ["weighted"],
  verbose: ["onProgress"],
  callback: ["onProgress"],
  abortSignal: ["signal"],
};

function closest(key: string, valid: string[]): string | undefined {
  const aliases = Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key] : [];
  for (const alias of aliases) if (valid.includes(alias)) return alias;
  const lower = key.toLowerCase().replace(/[_-]/g, "");
  return valid.find((v) => v.toLowerCase() === lower);
}

/**
 * Reads an options argument against its schema: undefined is `{}`; anything
 * but a plain object is INVALID_ARGUMENT; every key must be in the schema
 * (an unknown key is INVALID_ARGUMENT listing the valid keys and, for names
 * from other libraries, the one meant); every present value (not undefined)
 * must pass its check. Returns a fresh object of the checked values.
 *
 * @example
 * const o = readOptions("svd", opts, { k: opt.int({ min: 1 }), backend: BACKEND });
 */
export function readOptions<S extends OptionSchema>(fn: string, options: unknown, schema: S): OptionsOf<S> {
  if (typeof fn !== "string") fn = "options";
  if (schema === null || typeof schema !== "object") throw new LowrankError("INVALID_ARGUMENT", `${fn}: the schema must be an object of option checks`);
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw new LowrankError("INVALID_ARGUMENT", `${fn}: options must be an object, got ${show(options)}`);
  }
  const out: Record<string, unknown> = {};
  const valid = Object.keys(schema);
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) {
      const meant = closest(key, valid);
      throw new LowrankError(
        "INVALID_ARGUMENT",
        `${fn}: unknown option "${key}"${meant ? ` (did you mean "${meant}"?)` : ""}; valid options: ${valid.join(", ")}`,
      );
    }
    const v = (options as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const check = schema[key];
    if (typeof check !== "function") throw new LowrankError("INVALID_ARGUMENT", `${fn}: the schema's entry for "${key}" is not an option check`);
    out[key] = check(v, `${fn}: ${key}`);
  }
  return out as OptionsOf<S>;
}

/** `backend`: "wasm" (default) or "js". */
export const BACKEND = opt.oneOf(["wasm", "js"] as const);
