// The runner of the export fuzz: turns a recipe into a valid, invalid or odd
// argument list, makes one bounded call and classifies what happened.
import {
  abortedSignal, BAD_BACKENDS, BAD_CALLBACKS, BAD_CSR, BAD_INTS, BAD_MATRICES, BAD_NUMBERS, BAD_OPTION_OBJECTS, BAD_SIGNALS,
  BAD_TENSORS, BAD_VECTORS, CallbackError, EXTREMES, fresh, Gen, show, throwingProgress, UNKNOWN_KEYS,
} from "./fuzz-exports-values.js";
import type { Kind, Slot } from "./fuzz-exports-recipes.js";

export const CODES = ["SHAPE", "NON_FINITE", "RANK", "INDEX", "EMPTY", "TOO_LARGE", "NOT_CONVERGED", "ABORTED", "INVALID_ARGUMENT", "NOT_INITIALIZED", "INTERNAL"];

export type Mode = "valid" | "invalid" | "odd" | "generic";
export type Verdict = "ok" | "refused" | "callback" | "non-lowrank" | "internal" | "non-finite" | "accepted-invalid" | "hang" | "broken-after-throw";
export const DEFECTS: readonly Verdict[] = ["non-lowrank", "internal", "non-finite", "accepted-invalid", "hang", "broken-after-throw"];

/** A synchronous call longer than this, or an asynchronous one not settled by then, counts as a hang. */
export const SYNC_MS = Number(process.env.FUZZ_SYNC_MS ?? 4000);
export const ASYNC_MS = Number(process.env.FUZZ_ASYNC_MS ?? 8000);

export interface Call {
  args: unknown[];
  mode: Mode;
  /** What was changed from the valid list (for the failure message). */
  change: string;
  /** Every input number is finite (so the output must be). */
  finite: boolean;
  /** A throwing onProgress was passed: its own error may come back. */
  throwingCallback: boolean;
}

const POOLS: Record<Kind, readonly unknown[]> = {
  matrix: BAD_MATRICES, tensor: BAD_TENSORS, vector: BAD_VECTORS, csr: BAD_CSR,
  size: [...BAD_INTS, 1e9, 2 ** 32 + 1, 1e15], int: BAD_INTS.filter((v) => typeof v !== "number" || Number.isNaN(v)), num: BAD_NUMBERS,
  opts: BAD_OPTION_OBJECTS, value: [],
};
const ODD: Record<Kind, readonly unknown[]> = {
  matrix: [[], [[]], { rows: 0, cols: 3, data: new Float64Array(0) }, { rows: 3, cols: 0, data: [] }, { rows: 1, cols: 1, data: Int32Array.of(-0) }, { rows: 2, cols: 1, data: Uint8Array.of(1, 255) }],
  tensor: [{ shape: [], data: [1] }, { shape: [0, 2], data: [] }, { shape: [1, 1, 1], data: Float32Array.of(2) }],
  vector: [[], { length: 2, 0: 1, 1: 2 }, Int32Array.of(1, 2), Uint8Array.of(3)],
  csr: [{ rows: 2, cols: 2, indptr: [0, 0, 0], indices: [], data: [] }],
  size: [0, -0, 1], int: [0, -0], num: [-0, 0, 1e308, -1e308, 5e-324], opts: [null, undefined, {}], value: [null, undefined],
};

/** Bad values for an option, from the type of its valid value. */
function badOptionValues(key: string, v: unknown, ints: readonly string[]): unknown[] {
  if (key === "backend") return [...BAD_BACKENDS];
  if (key === "signal") return [...BAD_SIGNALS];
  if (key === "onProgress") return [...BAD_CALLBACKS];
  if (typeof v === "number") return ints.includes(key) ? [NaN, "1", {}, true, -1, 1.5, Infinity] : [NaN, "1", {}, true];
  if (typeof v === "string") return ["no-such-value", 1, {}];
  if (typeof v === "boolean") return ["yes", 1, {}];
  if (Array.isArray(v)) return ["x", 5, [NaN], [-1], [1.5]];
  return [Symbol("opt"), "x", 5];
}

function containsNonFinite(v: unknown, depth = 0): boolean {
  if (typeof v === "number") return !Number.isFinite(v);
  if (depth > 4 || v === null || typeof v !== "object") return false;
  if (ArrayBuffer.isView(v)) {
    if (v instanceof BigInt64Array || v instanceof BigUint64Array || v instanceof DataView) return false;
    return (v as unknown as number[]).some((x) => !Number.isFinite(x));
  }
  if (Array.isArray(v)) return v.some((x) => containsNonFinite(x, depth + 1));
  return Object.values(v).some((x) => containsNonFinite(x, depth + 1));
}

/** The argument list of one case: all valid, one slot made invalid, or one slot made odd. */
export function makeCall(g: Gen, slots: Slot[], mode: Exclude<Mode, "generic">): Call {
  const args = slots.map((s) => (s.kind === "opts" ? { ...(s.value as object) } : s.value));
  const call: Call = { args, mode, change: "", finite: true, throwingCallback: false };
  if (mode !== "valid" && slots.length > 0) {
    const i = g.int(0, slots.length - 1), s = slots[i];
    if (s.kind === "opts") mutateOptions(g, call, i, s, mode);
    else {
      const pool = mode === "invalid" ? [...POOLS[s.kind], ...(s.bad ?? [])] : ODD[s.kind];
      if (pool.length === 0) call.mode = "valid";
      else {
        args[i] = fresh(g.pick(pool));
        call.change = `arg ${i} = ${show(args[i])}`;
      }
    }
  }
  call.finite = call.mode !== "invalid" && !args.some((a) => containsNonFinite(a));
  return call;
}

function mutateOptions(g: Gen, call: Call, i: number, s: Slot, mode: "invalid" | "odd"): void {
  const o = call.args[i] as Record<string, unknown>;
  const keys = Object.keys(o);
  if (mode === "odd") {
    const r = g.int(0, 2);
    if (r === 0 && s.long) {
      o.onProgress = throwingProgress();
      call.throwingCallback = true;
      call.change = `opts.onProgress throws`;
    } else if (r === 1 && keys.length > 0) {
      const k = g.pick(keys);
      o[k] = typeof o[k] === "number" ? g.pick(EXTREMES.filter((x) => x >= 0 && x <= 1e308)) : undefined;
      call.change = `opts.${k} = ${show(o[k])}`;
    } else {
      call.args[i] = fresh(g.pick(ODD.opts));
      call.change = `opts = ${show(call.args[i])}`;
    }
    return;
  }
  const r = g.int(0, 9);
  if (r <= 1) {
    call.args[i] = fresh(g.pick(BAD_OPTION_OBJECTS));
    call.change = `opts = ${show(call.args[i])}`;
  } else if (r <= 3) {
    const k = g.pick(UNKNOWN_KEYS);
    o[k] = 2;
    call.change = `opts.${k} = 2 (unknown key)`;
  } else if (r <= 5 && s.long) {
    o.signal = abortedSignal();
    call.change = `opts.signal aborted`;
  } else if (r === 6 && s.long) {
    const k = g.pick(["signal", "onProgress"]);
    o[k] = g.pick(k === "signal" ? BAD_SIGNALS : BAD_CALLBACKS);
    call.change = `opts.${k} = ${show(o[k])}`;
  } else if (keys.length > 0) {
    const k = g.pick(keys);
    o[k] = fresh(g.pick(badOptionValues(k, o[k], s.ints ?? [])));
    call.change = `opts.${k} = ${show(o[k])}`;
  } else {
    call.args[i] = fresh(g.pick(BAD_OPTION_OBJECTS));
    call.change = `opts = ${show(call.args[i])}`;
  }
}

export interface Outcome {
  verdict: Verdict;
  detail: string;
  ms: number;
}

const isLowrank = (e: unknown): e is { code: string; message: string } =>
  e instanceof Error && e.name === "LowrankError" && CODES.includes((e as { code?: string }).code ?? "");

/** First non-finite number in a result (depth-limited; functions skipped). */
export function nonFinitePath(x: unknown, allow: (p: string) => boolean, path = "", depth = 0, seen = new Set<unknown>()): string | null {
  if (typeof x === "number") return Number.isFinite(x) || allow(path) ? null : `${path || "(result)"} = ${x}`;
  if (depth > 6 || x === null || typeof x !== "object" || seen.has(x)) return null;
  seen.add(x);
  if (ArrayBuffer.isView(x)) {
    if (x instanceof DataView || x instanceof BigInt64Array || x instanceof BigUint64Array) return null;
    const a = x as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]) && !allow(path)) return `${path}[${i}] = ${a[i]}`;
    return null;
  }
  if (x instanceof Map) return null;
  const entries = Array.isArray(x) ? x.map((v, i) => [String(i), v] as const) : Object.entries(x);
  for (const [k, v] of entries) {
    const r = nonFinitePath(v, allow, `${path}.${k}`, depth + 1, seen);
    if (r) return r;
  }
  return null;
}

/** Runs `fn` once, bounded, and classifies the outcome against the call's mode. */
export async function classify(
  fn: () => unknown, call: Pick<Call, "mode" | "finite" | "throwingCallback">, allow: (p: string) => boolean, syncBudget = SYNC_MS,
): Promise<Outcome> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = () => performance.now() - t0;
  try {
    let value = fn();
    const syncMs = elapsed();
    if (syncMs > syncBudget) return { verdict: "hang", detail: `a synchronous call ran ${syncMs.toFixed(0)} ms`, ms: syncMs };
    if (value && typeof (value as Promise<unknown>).then === "function") {
      value = await Promise.race([value, new Promise((_, reject) => {
        timer = setTimeout(() => reject(new HangError(`not settled after ${ASYNC_MS} ms`)), ASYNC_MS);
      })]);
    }
    const ms = elapsed();
    if (call.mode === "invalid") return { verdict: "accepted-invalid", detail: `returned ${show(value)}`, ms };
    if (call.mode !== "generic" && call.finite) {
      const bad = nonFinitePath(value, allow);
      if (bad) return { verdict: "non-finite", detail: bad, ms };
    }
    return { verdict: "ok", detail: "", ms };
  } catch (e) {
    const ms = elapsed();
    if (e instanceof HangError) return { verdict: "hang", detail: e.message, ms };
    if (ms > syncBudget + ASYNC_MS) return { verdict: "hang", detail: `threw after ${ms.toFixed(0)} ms`, ms };
    if (isLowrank(e)) {
      if (e.code === "INTERNAL") return { verdict: "internal", detail: e.message, ms };
      return { verdict: "refused", detail: e.code, ms };
    }
    if (e instanceof CallbackError && call.throwingCallback) return { verdict: "callback", detail: "", ms };
    const err = e as Error;
    return { verdict: "non-lowrank", detail: `${err?.name ?? typeof e}: ${String(err?.message ?? e).slice(0, 140)}`, ms };
  } finally {
    clearTimeout(timer);
  }
}

class HangError extends Error {}
