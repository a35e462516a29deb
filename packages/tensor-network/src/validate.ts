// Checks shared by the public entry points: tensors through linalg's input
// layer (`asTensor`), options through `readOptions` with this package's
// schemas, and the helpers that keep results finite. docs/ARCHITECTURE.md
// describes the contract these implement.
import {
  asTensor, BACKEND, checkSize, LONG_RUN, LongRun, LowrankError, opt, readOptions, type OptionCheck, type OptionSchema, type OptionsOf, type Tensor,
} from "@lowrank/linalg";
import { DTYPE } from "@lowrank/linalg";

/** Largest entry count one array may have (wasm32 memory holds 2^29 doubles; the js backend keeps the same limit). */
export const MAX_F64 = 2 ** 29;

/**
 * A tensor argument in any accepted form ({ shape, data }, a strided
 * ndarray, nested arrays, a matrix) as a C-order { shape, data } with a
 * fresh shape array. Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE, TOO_LARGE. O(size).
 */
export function readTensor(X: unknown, name = "X"): Tensor {
  return asTensor(X, name);
}

/**
 * A mask of observed entries (nonzero / true = observed), one per tensor
 * entry, as 0/1 bytes. Accepts number[], boolean[] and numeric typed arrays.
 * Errors: INVALID_ARGUMENT (another kind of value, NaN or a non-number
 * entry), SHAPE (wrong length). O(size).
 */
export function readMask(mask: unknown, size: number, name = "mask"): Uint8Array {
  const typed = ArrayBuffer.isView(mask) && !(mask instanceof DataView) && !(mask instanceof BigInt64Array) && !(mask instanceof BigUint64Array);
  if (!Array.isArray(mask) && !typed) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be an array or numeric typed array with one entry per tensor entry`);
  }
  const m = mask as ArrayLike<unknown>;
  if (m.length !== size) throw new LowrankError("SHAPE", `${name} must have one entry per tensor entry (${size}), got ${m.length}`);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const v = m[i];
    if (typeof v === "boolean") out[i] = v ? 1 : 0;
    else if (typeof v === "number" && v === v) out[i] = v !== 0 ? 1 : 0;
    else throw new LowrankError("INVALID_ARGUMENT", `${name}[${i}] must be a number or a boolean, got ${String(v)}`);
  }
  return out;
}

/**
 * A tensor with a mask of observed entries: the tensor as {@link readTensor}
 * but with anything (NaN included) allowed where unobserved; observed
 * entries must be finite (NON_FINITE) and at least one must be observed
 * (EMPTY). Returns the tensor (Float64Array data) and the mask as 0/1 bytes. O(size).
 */
export function readMaskedTensor(X: unknown, mask: unknown, name: string): { X: Tensor; mask: Uint8Array } {
  const T = asTensor(X, name, { finite: false });
  const m = readMask(mask, T.data.length);
  let observed = 0;
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    observed++;
    const v = T.data[i];
    if (v - v !== 0) throw new LowrankError("NON_FINITE", `${name} has ${v} at observed flat index ${i}`);
  }
  if (observed === 0) throw new LowrankError("EMPTY", "mask observes no entry");
  return { X: T, mask: m };
}

/**
 * Option names from other libraries (TensorLy's `rank`, scikit-learn's
 * `n_components`) and the names this package's functions use for them,
 * beyond the table linalg's readOptions already has.
 */
const ALIASES: Record<string, string[]> = {
  rank: ["maxRank", "ranks"],
  ranks: ["rank", "maxRank"],
  maxRank: ["ranks", "rank"],
  max_rank: ["maxRank", "ranks", "rank"],
  n_components: ["maxRank", "ranks", "rank"],
  nComponents: ["maxRank", "ranks", "rank"],
  initialRanks: ["initialRank"],
  tolerance: ["tol", "eps"],
  epsilon: ["eps"],
};

/**
 * readOptions with this package's "did you mean" table: an unknown key
 * listed above gets INVALID_ARGUMENT naming the option meant (e.g.
 * tensorTrain's `rank` → `maxRank`), every other check is linalg's.
 */
export function readOpts<S extends OptionSchema>(fn: string, options: unknown, schema: S): OptionsOf<S> {
  if (options !== null && typeof options === "object" && !Array.isArray(options)) {
    const valid = Object.keys(schema);
    for (const key of Object.keys(options)) {
      if (Object.prototype.hasOwnProperty.call(schema, key)) continue;
      const meant = (ALIASES[key] ?? []).find((a) => valid.includes(a));
      if (meant) {
        throw new LowrankError("INVALID_ARGUMENT", `${fn}: unknown option "${key}" (did you mean "${meant}"?); valid options: ${valid.join(", ")}`);
      }
    }
  }
  return readOptions(fn, options, schema);
}

/** A seed: an integer (the generators use its low 53 bits). */
export const SEED: OptionCheck<number> = opt.int({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** A positive integer rank (at most 2^29: no array could hold more). */
export const RANK: OptionCheck<number> = opt.int({ min: 1, max: MAX_F64 });

/** A rank per mode or bond, or one for all: a positive integer or an array of them. */
export const RANKS: OptionCheck<number | number[]> = opt.either(RANK, opt.array(RANK), "a positive integer or an array of positive integers");

/** The unfolding SVD route. */
export const UNFOLDING_SVD = opt.oneOf(["gram", "jacobi"] as const);

/** The mask option: checked against the tensor by {@link readMaskedTensor}. */
export const MASK = opt.any<ArrayLike<number | boolean>>();

/** The `threads` option: threads a call may use, the calling thread included (default: the pool's; 1: the calling thread only). */
export const THREADS: OptionCheck<number> = opt.int({ min: 1, max: 64 });

/** A sweep's progress record (tucker, cp). */
export type SweepProgress = { iteration: number; error: number };

/** The options `tucker` and `cp` share after their own: a mask, threads, the long-run options, the backend. */
export const SWEEP_OPTIONS = {
  mask: MASK,
  threads: THREADS,
  ...LONG_RUN,
  onProgress: LONG_RUN.onProgress as OptionCheck<(info: SweepProgress) => void>,
  dtype: DTYPE,
  backend: BACKEND,
};

/**
 * The start `tucker` and `cp` share: the long run (an aborted signal throws
 * before any work), the required `rank` (returned), and the tensor with its mask, if
 * given (`mask` null otherwise). Errors: those of readTensor and
 * readMaskedTensor, INVALID_ARGUMENT, ABORTED.
 */
export function readSweepInput<R>(
  fn: string, input: unknown,
  o: { rank?: R; mask?: unknown; onProgress?: (info: SweepProgress) => void; signal?: AbortSignal },
): { run: LongRun<SweepProgress>; rank: R; X: Tensor; mask: Uint8Array | null } {
  const run = new LongRun<SweepProgress>(fn, { onProgress: o.onProgress, signal: o.signal });
  const rank = o.rank;
  if (rank === undefined) throw new LowrankError("INVALID_ARGUMENT", `${fn}: opts.rank is required`);
  if (o.mask === undefined) return { run, rank, X: readTensor(input, "X"), mask: null };
  return { run, rank, ...readMaskedTensor(input, o.mask, "X") };
}

/** INVALID_ARGUMENT unless `mode` is an integer in [0, order). */
export function checkMode(mode: unknown, order: number): number {
  if (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode >= order) {
    throw new LowrankError("INVALID_ARGUMENT", `mode must be an integer in [0, ${order}), got ${typeof mode === "number" ? mode : typeof mode}`);
  }
  return mode;
}

/**
 * A tensor shape argument: a non-empty array of positive integers whose
 * product fits one array. Returns a copy and the product. Errors:
 * INVALID_ARGUMENT (not an array), SHAPE, EMPTY, TOO_LARGE. O(N).
 */
export function checkShape(shape: unknown, name: string): { shape: number[]; size: number } {
  if (!Array.isArray(shape)) throw new LowrankError("INVALID_ARGUMENT", `${name} must be an array of dimensions`);
  if (shape.length === 0) throw new LowrankError("SHAPE", `${name} must have at least one dimension`);
  let size = 1;
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k];
    if (!(typeof n === "number" && Number.isInteger(n) && n >= 0)) {
      throw new LowrankError("SHAPE", `${name}[${k}] must be a non-negative integer, got ${String(n)}`);
    }
    if (n === 0) throw new LowrankError("EMPTY", `${name} has a zero dimension ([${shape.join(", ")}])`);
    size *= n;
  }
  checkSize(size, name);
  return { shape: shape.slice(), size };
}

/**
 * One rank per mode from a number or an array; RANK when a rank exceeds its
 * dimension, SHAPE on a length mismatch (the values are checked by the
 * option schema).
 */
export function checkRanks(rank: number | number[], shape: number[], name = "rank"): number[] {
  const r = typeof rank === "number" ? shape.map(() => rank) : rank;
  if (r.length !== shape.length) {
    throw new LowrankError("SHAPE", `${name} must be a number or have one entry per mode (${shape.length}), got ${r.length}`);
  }
  return r.map((v, k) => {
    if (v > shape[k]) throw new LowrankError("RANK", `${name}[${k}] = ${v} exceeds dimension ${shape[k]} of mode ${k}`);
    return v;
  });
}

/** Product of the entries. */
export function prod(a: ArrayLike<number>, from = 0, to = a.length): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= a[i];
  return p;
}

/** The sum of `sizes`, each and in total checked to fit (TOO_LARGE), before anything is allocated. */
export function checkSizes(name: string, ...sizes: number[]): void {
  let total = 0;
  for (const s of sizes) {
    checkSize(s, name);
    total += s;
  }
  checkSize(total, name, 2 ** 30);
}

/**
 * Whether an iterative method should stop because its relative error is at
 * rounding level (16 N eps) while the caller's tolerance is below what
 * rounding can resolve (tol 0 included): no sweep can improve it further, so
 * without this such a run would sweep until maxIter. With an ordinary tol
 * (above 16 N eps) it never triggers, so those runs stop where they did.
 */
export function atRoundingLevel(err: number, tol: number, N: number): boolean {
  const floor = 16 * N * 2.220446049250313e-16;
  return tol < floor && err <= floor;
}
