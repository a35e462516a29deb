// The machinery of the kernel conformance suite (kernel-conformance.test.ts):
// one case of a kernel is its raw argument list in the export's order
// (numbers, booleans, typed arrays sized exactly as the kernel may touch);
// `callWasm` lays the arrays out in an instance's memory between guard bytes,
// calls the export and checks that no guard changed, `callJs` runs the
// TypeScript twin on copies, and `compareRuns` holds the two to bit equality
// or a tolerance. See docs/ARCHITECTURE.md, "Twins" and "Guard mode".
import { Rng } from "../../../packages/linalg/src/rng.js";

export { Rng };

/** An argument of a raw kernel call: a pointer (a typed array, or null for 0), an integer, a float or a boolean. */
export type Arg = number | boolean | null | Float64Array | Int32Array | Uint8Array;
export type Buffer = Float64Array | Int32Array | Uint8Array;

/** One call of a kernel, with the same inputs for every backend. */
export interface Case {
  /** The export's arguments, in its order. */
  args: Arg[];
  /** Buffers the kernel reaches through a pointer held in another buffer (gemmTask's job): laid out and compared too. */
  extra?: Buffer[];
  /** Writes what the WASM side needs once every buffer has its address (a job block of pointers). */
  prepare?: (address: (b: Buffer) => number, memory: ArrayBuffer) => void;
  /** The TypeScript call on copies of `args` and `extra` (default: the kernel set's function of that name on `args`). */
  js?: (args: Arg[], extra: Buffer[]) => unknown;
}

const scratchOnly = new WeakSet<Buffer>();
const comparedPrefix = new WeakMap<Buffer, number>();

/** Marks a buffer as scratch: laid out and guarded, never compared. */
export function scratch<T extends Buffer>(b: T): T {
  scratchOnly.add(b);
  return b;
}

/** Compares only the first `n` entries of a buffer (the rest is scratch). */
export function prefix<T extends Buffer>(b: T, n: number): T {
  comparedPrefix.set(b, n);
  return b;
}

function isBuffer(a: unknown): a is Buffer {
  return a instanceof Float64Array || a instanceof Int32Array || a instanceof Uint8Array;
}

function copyOf<T extends Buffer>(b: T): T {
  const c = b.slice() as T;
  if (scratchOnly.has(b)) scratchOnly.add(c);
  if (comparedPrefix.has(b)) comparedPrefix.set(c, comparedPrefix.get(b)!);
  return c;
}

/** What a call left: its return value and every buffer it was given, in order (args then extra). */
export interface Run {
  result: unknown;
  buffers: Buffer[];
}

/** A compiled variant of a package's module on its own memory. */
export interface Instance {
  exports: Record<string, (...a: number[]) => number | undefined>;
  memory: WebAssembly.Memory;
  heap: number;
}

export function instantiate(bytes: Uint8Array): Instance {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
  const module = new WebAssembly.Module(bytes as BufferSource);
  const instance = new WebAssembly.Instance(module, { env: { memory, "Math.log": Math.log } });
  const exports = instance.exports as unknown as Instance["exports"];
  return { exports, memory, heap: exports.heapBase() as number };
}

const GUARD = 16;
const PATTERN = (i: number) => (0xa7 + 13 * i) & 0xff;

/**
 * Calls export `name` (parameter kinds `params`, as in SIGNATURES) on the
 * case's buffers, each placed between guards of GUARD bytes; throws when a
 * guard changed (the kernel wrote outside a buffer of the stated length).
 */
export function callWasm(inst: Instance, name: string, params: string, c: Case): Run {
  const buffers = [...c.args.filter(isBuffer), ...(c.extra ?? [])];
  const address = new Map<Buffer, number>();
  const guards: number[] = [];
  let at = (inst.heap + 15) & ~15;
  for (const b of buffers) {
    guards.push(at);
    at += GUARD;
    address.set(b, at);
    at = (at + b.byteLength + 15) & ~15;
    if (at - (address.get(b)! + b.byteLength) < GUARD) at += GUARD;
  }
  guards.push(at);
  at += GUARD;
  const need = Math.ceil(at / 65536) - inst.memory.buffer.byteLength / 65536;
  if (need > 0) inst.memory.grow(need);
  const mem = new Uint8Array(inst.memory.buffer);
  mem.fill(0, inst.heap, at);
  // Each guard covers the bytes from its start up to the next buffer (or GUARD bytes at the end).
  const ends = buffers.map((b) => address.get(b)! + b.byteLength);
  const spans: [number, number][] = [];
  for (let i = 0; i <= buffers.length; i++) {
    const from = i === 0 ? guards[0] : ends[i - 1];
    const to = i < buffers.length ? address.get(buffers[i])! : guards[i] + GUARD;
    spans.push([from, to]);
    for (let q = from; q < to; q++) mem[q] = PATTERN(q);
  }
  for (const b of buffers) mem.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), address.get(b)!);
  c.prepare?.((b) => address.get(b)!, inst.memory.buffer);
  const raw = c.args.map((a, i) => {
    const kind = params[i];
    if (kind === "p") return a === null ? 0 : address.get(a as Buffer)!;
    if (typeof a === "boolean") return a ? 1 : 0;
    return a as number;
  });
  const result = inst.exports[name](...raw);
  const after = new Uint8Array(inst.memory.buffer);
  spans.forEach(([from, to], i) => {
    for (let q = from; q < to; q++) {
      if (after[q] !== PATTERN(q)) {
        const what = i === 0 ? "before the first buffer" : `past buffer ${i - 1} (${buffers[i - 1].length} entries)`;
        throw new Error(`${name}: wrote ${what}, at byte ${q - (i === 0 ? to : ends[i - 1])} of the guard`);
      }
    }
  });
  const out = buffers.map((b) => {
    const copy = copyOf(b);
    new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength).set(after.subarray(address.get(b)!, address.get(b)! + b.byteLength));
    return copy;
  });
  return { result, buffers: out };
}

/** Runs the TypeScript twin on copies of the case's buffers. */
export function callJs(kernels: Record<string, unknown>, name: string, c: Case): Run {
  const args = c.args.map((a) => (isBuffer(a) ? copyOf(a) : a));
  const extra = (c.extra ?? []).map(copyOf);
  let result: unknown;
  if (c.js) result = c.js(args, extra);
  else {
    const f = kernels[name];
    if (typeof f !== "function") throw new Error(`${name}: no TypeScript twin of that name in the kernel set (give the case a js call)`);
    result = (f as (...a: Arg[]) => unknown)(...args);
  }
  return { result, buffers: [...args.filter(isBuffer), ...extra] };
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
    if (Number.isNaN(b[i])) continue;
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return s === 0 ? e : e / s;
}

/**
 * The first disagreement of `got` (WASM) with `want` (js), or null: every
 * compared buffer and the return value, bit for bit when `tol` is 0, else
 * doubles to a norm-wise relative `tol` per buffer (integers always exactly;
 * +0 and -0 count as equal).
 */
export function compareRuns(got: Run, want: Run, tol: number): string | null {
  // Bit for bit, except that the sign of a zero is not compared (padding may come out -0 on one side).
  const same = (x: number, y: number) => x === y || (Number.isNaN(x) && Number.isNaN(y));
  if (typeof want.result === "number") {
    const g = got.result as number, w = want.result;
    const ok = tol === 0 || Number.isInteger(w) ? same(g, w) : Math.abs(g - w) <= tol * Math.max(1, Math.abs(w));
    if (!ok) return `returned ${g}, the twin ${w}`;
  }
  for (let i = 0; i < want.buffers.length; i++) {
    const w = want.buffers[i], g = got.buffers[i];
    if (scratchOnly.has(w)) continue;
    const n = comparedPrefix.get(w) ?? w.length;
    const ws = w.subarray(0, n), gs = g.subarray(0, n);
    if (w instanceof Float64Array && tol > 0) {
      const d = relDiff(gs, ws);
      if (!(d <= tol)) return `buffer ${i}: relative difference ${d} > ${tol}`;
      continue;
    }
    for (let q = 0; q < n; q++) {
      if (!same(gs[q], ws[q])) return `buffer ${i} (${w.constructor.name}, ${n} entries): entry ${q} is ${gs[q]}, the twin's ${ws[q]}`;
    }
  }
  return null;
}

/** Helpers for building cases. */
export const gen = {
  normal(rng: Rng, n: number): Float64Array {
    return rng.fillNormal(new Float64Array(n));
  },
  uniform(rng: Rng, n: number): Float64Array {
    return rng.fillUniform(new Float64Array(n));
  },
  /** Entries of a rows x cols block with leading dimension ld, exactly as long as the block reaches. */
  block(rng: Rng, rows: number, cols: number, ld: number): Float64Array {
    return rng.fillNormal(new Float64Array(rows === 0 ? 0 : (rows - 1) * ld + cols));
  },
  /** A symmetric positive definite n x n (both triangles), leading dimension ld. */
  spd(rng: Rng, n: number, ld: number): Float64Array {
    const G = rng.fillNormal(new Float64Array(n * n));
    const A = new Float64Array((n - 1) * ld + n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let p = 0; p < n; p++) s += G[i * n + p] * G[j * n + p];
        A[i * ld + j] = s;
      }
    return A;
  },
  /** A random CSR rows x cols with about `density` of its entries (sorted indices; an empty row now and then). */
  csr(rng: Rng, rows: number, cols: number, density: number): { indptr: Int32Array; indices: Int32Array; data: Float64Array } {
    const indptr = new Int32Array(rows + 1), indices: number[] = [], data: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) if (rng.uniform() < density) {
        indices.push(j);
        data.push(rng.normal());
      }
      indptr[i + 1] = indices.length;
    }
    return { indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
  },
  /** The 32-byte generator state block of a fresh Rng(seed), after `skip` normals (odd: with a spare normal held). */
  rngState(seed: number, skip: number): Uint8Array {
    const r = new Rng(seed);
    for (let i = 0; i < skip; i++) r.normal();
    const st = new Uint8Array(32);
    r.saveState(new DataView(st.buffer));
    return st;
  },
  /** Runs `f` with the Rng whose state is in `st` (a state block) and stores its state back there. */
  withRng(st: Uint8Array, f: (rng: Rng) => void): void {
    const view = new DataView(st.buffer, st.byteOffset, 32);
    const r = new Rng(1);
    r.loadState(view);
    f(r);
    r.saveState(view);
  },
};
