// Saving and loading an EvolvingSvd: everything an update reads (both sides'
// P, K, K⁻¹ and identity flag, s, the update method in force, the counters,
// the approximate methods' PRNG state, the kept matrix, auto's records and the
// options) as a versioned, JSON-safe object (typed arrays as base64 of their
// little-endian bytes, linalg's encodeTypedArrays), so that a loaded object
// continues bit for bit as the saved one would have. Loading checks every
// field before anything is allocated. See docs/ARCHITECTURE.md (svd-update).
import { asCsr, decodeTypedArrays, encodeTypedArrays, LowrankError, readSerialized, type CsrMatrix } from "@lowrank/linalg";
import type { AutoChoice, AutoDecision } from "./auto.js";
import { packBytes, unpackBytes } from "./bytes.js";
import { KeptMatrix } from "./kept.js";
import { METHOD_NAMES, METHODS, type UpdateMethod } from "./methods/index.js";
import { readEvolvingOptions, type EvolvingOpts, type EvolvingSvdOptions, type EvolvingSvdStats } from "./options.js";
import type { EvolvingState } from "./update.js";

/** The newest format version `save` writes and `load` reads. */
export const EVOLVING_FORMAT_VERSION = 1;

/** `EvolvingSvd.prototype.save()`'s output: JSON-safe plain data. */
export interface SavedEvolvingSvd {
  kind: "evolving-svd";
  version: number;
  /** The state, typed arrays as `{ $typed: "Float64Array", base64 }`. */
  data: Record<string, unknown>;
}

/** One side of the factorisation as saved. */
interface SideState {
  dim: number;
  identity: boolean;
  P: Float64Array;
  K: Float64Array;
  Kinv: Float64Array;
}

/** The whole state, typed arrays as they are (save encodes it, toBytes packs it). */
export interface EvolvingSnapshot {
  options: Record<string, unknown>;
  k: number;
  method: UpdateMethod;
  U: SideState;
  V: SideState;
  s: Float64Array;
  counts: EvolvingSvdStats;
  rng: { s: Uint32Array; hasSpare: number; spare: Float64Array };
  kept: ReturnType<KeptMatrix["save"]> | null;
  /** auto's records; `t` holds the estimates of deng, zha-simon, recompute and the measured ms (Infinity survives). */
  decisions: { op: AutoDecision["op"]; s: number; nnz: number; rows: number; cols: number; choice: AutoChoice; t: Float64Array }[];
}

/** The options worth keeping (no signal, callback or backend: load takes its own backend). */
export function storedOptions(op: EvolvingOpts): Record<string, unknown> {
  const { signal: _s, onProgress: _p, backend: _b, ...rest } = op as EvolvingOpts & Record<string, unknown>;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

/** The state of an object (copies). O((rows + cols) k + kept entries). */
export function takeSnapshot(es: EvolvingState, options: Record<string, unknown>): EvolvingSnapshot {
  const f = es.f, k = f.k, cx = f.cx;
  const side = (sd: typeof f.U): SideState => ({ dim: sd.dim, identity: sd.identity, P: sd.P.slice(0, sd.dim * k), K: sd.K.slice(), Kinv: sd.Kinv.slice() });
  return {
    options: { ...options }, k, method: cx.method.name, U: side(f.U), V: side(f.V), s: f.sv.slice(), counts: { ...cx.counts },
    rng: { s: cx.rng.s.slice(), hasSpare: cx.rng.hasSpare, spare: Float64Array.of(cx.rng.spare) },
    kept: es.kept ? es.kept.save() : null,
    decisions: es.decisions.map((d) => ({
      op: d.op, s: d.s, nnz: d.nnz, rows: d.rows, cols: d.cols, choice: d.choice,
      t: Float64Array.of(d.estimates.deng, d.estimates["zha-simon"], d.estimates.recompute, d.ms),
    })),
  };
}

/** The JSON-safe envelope of a snapshot. */
export function encodeSnapshot(s: EvolvingSnapshot): SavedEvolvingSvd {
  return { kind: "evolving-svd", version: EVOLVING_FORMAT_VERSION, data: encodeTypedArrays(s) as Record<string, unknown> };
}

/** Reads save()'s object (or its JSON text) back into a checked snapshot. Errors: see {@link checkSnapshot}. */
export function decodeSnapshot(saved: unknown): EvolvingSnapshot {
  const o = readSerialized(saved, EVOLVING_FORMAT_VERSION, "@lowrank/svd-update");
  if (o.kind !== "evolving-svd") throw bad(`kind is ${JSON.stringify(o.kind) ?? "missing"}, expected "evolving-svd"`);
  return checkSnapshot(decodeTypedArrays(o.data));
}

/** toBytes' form of a snapshot (bytes.ts). */
export function snapshotBytes(s: EvolvingSnapshot): Uint8Array {
  return packBytes({ kind: "evolving-svd", version: EVOLVING_FORMAT_VERSION, data: s });
}

/** The checked snapshot toBytes wrote. Errors: as {@link checkSnapshot}, and INVALID_ARGUMENT for damaged bytes or a newer version. */
export function snapshotFromBytes(bytes: unknown): EvolvingSnapshot {
  const t = unpackBytes(bytes) as { kind?: unknown; version?: unknown; data?: unknown } | null;
  if (t === null || typeof t !== "object" || t.kind !== "evolving-svd") throw bad("not an EvolvingSvd's bytes");
  const v = t.version;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw bad(`format version ${String(v)} is not a valid version`);
  if (v > EVOLVING_FORMAT_VERSION) throw bad(`format version ${v} is newer than this library reads (up to ${EVOLVING_FORMAT_VERSION}); upgrade @lowrank/svd-update`);
  return checkSnapshot(t.data);
}

function bad(what: string, code: "INVALID_ARGUMENT" | "SHAPE" | "NON_FINITE" | "INDEX" = "INVALID_ARGUMENT"): LowrankError {
  return new LowrankError(code, `EvolvingSvd.load: ${what}`);
}

function record(x: unknown, name: string): Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x) || ArrayBuffer.isView(x)) throw bad(`${name} must be an object`);
  return x as Record<string, unknown>;
}

function int(x: unknown, name: string, min: number): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < min || x > 2 ** 31 - 1) throw bad(`${name} must be an integer >= ${min}, got ${String(x)}`);
  return x;
}

function typed<T extends Float64Array | Int32Array | Uint32Array>(x: unknown, Ctor: { new (n: number): T; name: string }, length: number | null, name: string): T {
  if (!(x instanceof Ctor)) throw bad(`${name} must be a ${Ctor.name}`);
  if (length !== null && x.length !== length) throw bad(`${name} has ${x.length} entries, expected ${length}`, "SHAPE");
  if (x instanceof Float64Array) for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw bad(`${name}[${i}] is ${x[i]}`, "NON_FINITE");
  return x;
}

function side(x: unknown, name: string, k: number): SideState {
  const o = record(x, name);
  const dim = int(o.dim, `${name}.dim`, k);
  if (typeof o.identity !== "boolean") throw bad(`${name}.identity must be a boolean`);
  return {
    dim, identity: o.identity, P: typed(o.P, Float64Array, dim * k, `${name}.P`),
    K: typed(o.K, Float64Array, k * k, `${name}.K`), Kinv: typed(o.Kinv, Float64Array, k * k, `${name}.Kinv`),
  };
}

function keptOf(x: unknown, rows: number, cols: number): EvolvingSnapshot["kept"] {
  if (x === null) return null;
  const o = record(x, "kept");
  if (o.rows !== rows || o.cols !== cols) throw bad(`kept is ${String(o.rows)} x ${String(o.cols)}, the factors ${rows} x ${cols}`, "SHAPE");
  const b = record(o.base, "kept.base");
  const base: CsrMatrix = asCsr(b, "EvolvingSvd.load: kept.base");
  if (base.rows > rows || base.cols > cols) throw bad("kept.base is larger than the matrix", "SHAPE");
  const p = record(o.pending, "kept.pending");
  const r = typed(p.r, Int32Array, null, "kept.pending.r"), n = r.length;
  const c = typed(p.c, Int32Array, n, "kept.pending.c"), v = typed(p.v, Float64Array, n, "kept.pending.v");
  for (let q = 0; q < n; q++) {
    if (r[q] < 0 || r[q] >= rows || c[q] < 0 || c[q] >= cols) throw bad(`kept.pending entry ${q} (${r[q]}, ${c[q]}) is outside ${rows} x ${cols}`, "INDEX");
  }
  if (typeof o.bound !== "number" || !(o.bound >= 0 && o.bound <= Number.MAX_VALUE)) throw bad("kept.bound must be a finite number >= 0");
  return { base, pending: { r, c, v }, rows, cols, bound: o.bound };
}

const OPS = ["addRows", "addColumns", "updateWeights"] as const;
const CHOICES = ["deng", "zha-simon", "recompute"] as const;

/**
 * Checks a decoded state field by field. Errors: INVALID_ARGUMENT (a missing
 * or mistyped field, unknown method, bad options), SHAPE (an array of the
 * wrong length, a rank above the shape), NON_FINITE (a factor entry), INDEX
 * (a kept entry outside the matrix).
 */
export function checkSnapshot(x: unknown): EvolvingSnapshot {
  const o = record(x, "data");
  const options = record(o.options, "options");
  if ("backend" in options || "signal" in options || "onProgress" in options) throw bad("options may not hold backend, signal or onProgress");
  const op = readEvolvingOptions("EvolvingSvd.load", options);
  const k = int(o.k, "k", 1);
  if (op.rank !== undefined && op.rank !== k) throw bad(`k = ${k} differs from options.rank = ${op.rank}`);
  if (typeof o.method !== "string" || !(METHOD_NAMES as string[]).includes(o.method)) throw bad(`unknown method ${String(o.method)}`);
  const method = o.method as UpdateMethod;
  if (op.method !== "auto" && method !== (op.method ?? "deng")) throw bad(`method ${method} differs from options.method`);
  if (op.method === "auto" && method !== "deng" && method !== "zha-simon") throw bad(`auto cannot be in method ${method}`);
  const U = side(o.U, "U", k), V = side(o.V, "V", k);
  if (!METHODS[method].extended && !(U.identity && V.identity)) throw bad(`${method} keeps K = I`);
  const s = typed(o.s, Float64Array, k, "s");
  for (let i = 0; i < k; i++) if (s[i] < 0) throw bad(`s[${i}] is negative`);
  const c = record(o.counts, "counts");
  const counts = { updates: int(c.updates, "counts.updates", 0), resets: int(c.resets, "counts.resets", 0), dropped: int(c.dropped, "counts.dropped", 0), recomputes: int(c.recomputes, "counts.recomputes", 0) };
  const g = record(o.rng, "rng");
  const rs = typed(g.s, Uint32Array, 4, "rng.s");
  if ((rs[0] | rs[1] | rs[2] | rs[3]) === 0) throw bad("rng.s is all zero");
  if (g.hasSpare !== 0 && g.hasSpare !== 1) throw bad("rng.hasSpare must be 0 or 1");
  const rng = { s: rs, hasSpare: g.hasSpare, spare: typed(g.spare, Float64Array, 1, "rng.spare") };
  const kept = keptOf(o.kept, U.dim, V.dim);
  if (!Array.isArray(o.decisions)) throw bad("decisions must be an array");
  const decisions = o.decisions.map((d, i) => {
    const r = record(d, `decisions[${i}]`);
    if (!OPS.includes(r.op as never) || !CHOICES.includes(r.choice as never)) throw bad(`decisions[${i}] has an unknown op or choice`);
    const t = r.t;
    if (!(t instanceof Float64Array) || t.length !== 4) throw bad(`decisions[${i}].t must be a Float64Array of 4`);
    return {
      op: r.op as AutoDecision["op"], choice: r.choice as AutoChoice, t,
      s: int(r.s, `decisions[${i}].s`, 0), nnz: int(r.nnz, `decisions[${i}].nnz`, 0), rows: int(r.rows, `decisions[${i}].rows`, 0), cols: int(r.cols, `decisions[${i}].cols`, 0),
    };
  });
  return { options, k, method, U, V, s, counts, rng, kept, decisions };
}

/** The loaded object's options (the saved ones with the backend asked for). */
export function loadOptions(snap: EvolvingSnapshot, backend: EvolvingSvdOptions["backend"]): EvolvingOpts {
  return readEvolvingOptions("EvolvingSvd.load", backend === undefined ? snap.options : { ...snap.options, backend });
}

/** Writes a checked snapshot into a freshly allocated object of the same shape. O((rows + cols) k + kept entries). */
export function applySnapshot(es: EvolvingState, snap: EvolvingSnapshot): void {
  const f = es.f, cx = f.cx;
  for (const [sd, x] of [[f.U, snap.U], [f.V, snap.V]] as const) {
    sd.P.set(x.P);
    sd.K.set(x.K);
    sd.Kinv.set(x.Kinv);
    sd.identity = x.identity;
  }
  f.sv.set(snap.s);
  cx.method = METHODS[snap.method];
  cx.counts = { ...snap.counts };
  cx.rng.s.set(snap.rng.s);
  cx.rng.hasSpare = snap.rng.hasSpare;
  cx.rng.spare = snap.rng.spare[0];
  es.kept = snap.kept ? KeptMatrix.restore(snap.kept) : null;
  for (const d of snap.decisions) {
    es.decisions.push({
      op: d.op, s: d.s, nnz: d.nnz, rows: d.rows, cols: d.cols, choice: d.choice, ms: d.t[3],
      estimates: { deng: d.t[0], "zha-simon": d.t[1], recompute: d.t[2] },
    });
  }
}
