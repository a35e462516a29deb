import { LowrankError } from "./errors.js";
/**
 * Seeded pseudo-random numbers, drawing exactly the same stream in TypeScript
 * and in AssemblyScript (`assembly/xoshiro.ts`), so that both backends of every
 * randomized algorithm make the same choices.
 *
 * Generator: xoshiro128** (Blackman and Vigna), 32-bit words so that the
 * TypeScript side needs only `Math.imul` and shifts. State seeded with
 * splitmix32 from the seed's low and high 32-bit halves. Uniform doubles take
 * 53 bits from two outputs. Normals use Marsaglia's polar method; the WASM side
 * calls the host's `Math.log` so that both sides round identically.
 */

/** Size in bytes of the state block shared with WASM: s0..s3 (u32), spare flag (u32), pad, spare (f64). */
export const RNG_STATE_BYTES = 32;

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded generator.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform(); // in [0, 1)
 * rng.normal();  // standard normal
 */
export class Rng {
  /** xoshiro128** state words. */
  readonly s = new Uint32Array(4);
  /** Whether `spare` holds the second normal of the last polar pair. */
  hasSpare = 0;
  spare = 0;

  constructor(seed = 0) {
    if (typeof seed !== "number" || !Number.isFinite(seed)) throw new LowrankError("INVALID_ARGUMENT", `Rng: seed must be a finite number, got ${String(seed)}`);
    const lo = seed >>> 0;
    const hi = Math.floor(Math.abs(seed) / 4294967296) >>> 0;
    let x = lo ^ Math.imul(hi, 0x27d4eb2d);
    for (let i = 0; i < 4; i++) {
      x = splitmix32(x + i);
      this.s[i] = x;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next 32-bit unsigned integer. O(1). */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. O(1). */
  uniform(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in [0, n) (n <= 2^32), by rejection so that it is unbiased. O(1) expected. */
  int(n: number): number {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new LowrankError("INVALID_ARGUMENT", `Rng.int: n must be an integer in [1, 2^32], got ${String(n)}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal by the polar method. O(1) expected. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = 0;
      return this.spare;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * Math.log(q)) / q);
        this.spare = v * f;
        this.hasSpare = 1;
        return u * f;
      }
    }
  }

  /** Fills `out` with uniforms in [0, 1). O(n). */
  fillUniform(out: Float64Array): Float64Array {
    checkOut(out, "Rng.fillUniform");
    for (let i = 0; i < out.length; i++) out[i] = this.uniform();
    return out;
  }

  /** Fills `out` with standard normals. O(n). */
  fillNormal(out: Float64Array): Float64Array {
    checkOut(out, "Rng.fillNormal");
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** In-place Fisher-Yates shuffle. O(n). */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    if (!(Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView)))) {
      throw new LowrankError("INVALID_ARGUMENT", "Rng.shuffle: pass an array or a typed array");
    }
    if (Object.isFrozen(a) && a.length > 1) throw new LowrankError("INVALID_ARGUMENT", "Rng.shuffle: the array is frozen");
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Writes the state into a 32-byte block (for handing to a WASM kernel). Errors: INVALID_ARGUMENT (not a DataView), INDEX (block outside it). */
  saveState(view: DataView, offset = 0): void {
    checkBlock(view, offset, "Rng.saveState");
    for (let i = 0; i < 4; i++) view.setUint32(offset + 4 * i, this.s[i], true);
    view.setUint32(offset + 16, this.hasSpare, true);
    view.setFloat64(offset + 24, this.spare, true);
  }

  /**
   * Reads the state back from a 32-byte block written by `saveState` or a WASM
   * kernel. A block that no generator can have written (all-zero words, which
   * would draw zeros forever; a spare flag other than 0 or 1; a non-finite
   * spare) is refused with INVALID_ARGUMENT and the state is left unchanged.
   */
  loadState(view: DataView, offset = 0): void {
    checkBlock(view, offset, "Rng.loadState");
    const s = [0, 1, 2, 3].map((i) => view.getUint32(offset + 4 * i, true));
    const hasSpare = view.getUint32(offset + 16, true);
    const spare = view.getFloat64(offset + 24, true);
    if ((s[0] | s[1] | s[2] | s[3]) === 0) throw new LowrankError("INVALID_ARGUMENT", "Rng.loadState: the state words are all zero (not a generator state)");
    if (hasSpare !== 0 && hasSpare !== 1) throw new LowrankError("INVALID_ARGUMENT", `Rng.loadState: spare flag must be 0 or 1, got ${hasSpare}`);
    if (!Number.isFinite(spare)) throw new LowrankError("INVALID_ARGUMENT", `Rng.loadState: spare normal is ${spare}`);
    for (let i = 0; i < 4; i++) this.s[i] = s[i];
    this.hasSpare = hasSpare;
    this.spare = spare;
  }
}

function checkBlock(view: unknown, offset: unknown, fn: string): void {
  if (!(view instanceof DataView)) throw new LowrankError("INVALID_ARGUMENT", `${fn}: view must be a DataView`);
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
    throw new LowrankError("INVALID_ARGUMENT", `${fn}: offset must be a non-negative integer, got ${String(offset)}`);
  }
  let bytes: number;
  try {
    bytes = view.byteLength;
  } catch {
    throw new LowrankError("INVALID_ARGUMENT", `${fn}: the view's buffer is detached`);
  }
  if (offset + RNG_STATE_BYTES > bytes) {
    throw new LowrankError("INDEX", `${fn}: the ${RNG_STATE_BYTES}-byte state block at offset ${offset} runs past the view (${bytes} bytes)`);
  }
}

function checkOut(out: unknown, fn: string): void {
  if (!(out instanceof Float64Array)) throw new LowrankError("INVALID_ARGUMENT", `${fn}: out must be a Float64Array`);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
