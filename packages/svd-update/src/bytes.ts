// A compact binary form of save()'s state (EvolvingSvd.toBytes / fromBytes):
// an 8-byte magic and length, a JSON header in which every typed array is
// replaced by { $bin: kind, at: byte offset, n: length }, then the arrays'
// little-endian bytes, each at an 8-byte boundary. About 3/4 the size of the
// base64 JSON form and no text encoding of the arrays.
import { LowrankError } from "@lowrank/linalg";

const MAGIC = [0x4c, 0x52, 0x45, 0x53]; // "LRES"
const KINDS = { Float64Array, Int32Array, Uint32Array } as const;
type Kind = keyof typeof KINDS;
type Arr = Float64Array | Int32Array | Uint32Array;

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bad(what: string): LowrankError {
  return new LowrankError("INVALID_ARGUMENT", `EvolvingSvd.fromBytes: ${what}`);
}

function kindOf(x: unknown): Kind | undefined {
  return (Object.keys(KINDS) as Kind[]).find((n) => x instanceof KINDS[n]);
}

/** Packs a tree of plain values and Float64 / Int32 / Uint32 arrays. O(size). */
export function packBytes(tree: unknown): Uint8Array {
  const arrays: Arr[] = [];
  let at = 0;
  const header = JSON.stringify(tree, (_key, v: unknown) => {
    const kind = kindOf(v);
    if (kind === undefined) return typeof v === "number" && !Number.isFinite(v) ? { $num: String(v) } : v;
    const a = v as Arr, ref = { $bin: kind, at, n: a.length };
    arrays.push(a);
    at += Math.ceil(a.byteLength / 8) * 8;
    return ref;
  });
  const head = new TextEncoder().encode(header);
  const start = 8 + Math.ceil(head.length / 8) * 8;
  const out = new Uint8Array(start + at);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, head.length, true);
  out.set(head, 8);
  let q = start;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    out.set(bytes, q);
    if (!LE) for (let i = q; i < q + a.byteLength; i += a.BYTES_PER_ELEMENT) out.subarray(i, i + a.BYTES_PER_ELEMENT).reverse();
    q += Math.ceil(a.byteLength / 8) * 8;
  }
  return out;
}

/** The inverse of {@link packBytes}; arrays are copies. Errors: INVALID_ARGUMENT for anything damaged or truncated. O(size). */
export function unpackBytes(bytes: unknown): unknown {
  if (!(bytes instanceof Uint8Array)) throw bad("pass the Uint8Array toBytes() returned");
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad("not an EvolvingSvd's bytes (bad magic)");
  const hl = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const start = 8 + Math.ceil(hl / 8) * 8;
  if (start > bytes.length) throw bad("truncated header");
  let tree: unknown;
  try {
    tree = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + hl)));
  } catch {
    throw bad("the header is not valid JSON");
  }
  const body = bytes.length - start;
  const walk = (x: unknown, depth: number): unknown => {
    if (depth > 32) throw bad("nested too deeply");
    if (Array.isArray(x)) return x.map((v) => walk(v, depth + 1));
    if (x === null || typeof x !== "object") return x;
    const o = x as Record<string, unknown>;
    if (typeof o.$num === "string") {
      if (!["Infinity", "-Infinity", "NaN"].includes(o.$num)) throw bad(`bad number ${o.$num}`);
      return Number(o.$num);
    }
    if (typeof o.$bin === "string") {
      const Ctor = Object.prototype.hasOwnProperty.call(KINDS, o.$bin) ? KINDS[o.$bin as Kind] : undefined;
      const at = o.at, n = o.n;
      if (Ctor === undefined || typeof at !== "number" || typeof n !== "number" || !Number.isInteger(at) || !Number.isInteger(n) || at < 0 || n < 0 || at % 8 !== 0) throw bad("bad array entry");
      const w = Ctor.BYTES_PER_ELEMENT;
      if (at + n * w > body) throw bad("truncated (an array runs past the end)");
      const copy = bytes.slice(start + at, start + at + n * w);
      if (!LE) for (let i = 0; i < copy.length; i += w) copy.subarray(i, i + w).reverse();
      return new Ctor(copy.buffer);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, walk(v, depth + 1)]));
  };
  return walk(tree, 0);
}
