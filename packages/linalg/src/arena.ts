import { internalError, LowrankError } from "./errors.js";

const PAGE = 65536;
/** wasm32 addresses 4 GiB at most. */
export const MAX_WASM_BYTES = 65536 * PAGE;

/** Rounds up to 16 bytes so every block can be read with v128 loads. */
export const align16 = (n: number) => Math.ceil(n / 16) * 16; // not (n + 15) & ~15: sizes may pass 2^31

/** Bytes of the guard written after every block in guard mode. */
const GUARD = 16;
const PATTERN = 0xa5a5a5a5;
/** What guard mode fills an uninitialised Int32Array with (the pattern read as i32: large and negative). */
export const POISON_I32 = PATTERN | 0;

/**
 * Guard mode, for tests (environment variable LOWRANK_GUARD=1): every block
 * is followed by 16 bytes of a fixed pattern, and every kernel call made
 * through a declared module checks afterwards that no guard was overwritten,
 * so a kernel handed a view shorter than it writes fails the test at once
 * instead of silently corrupting the next block.
 */
export const guardMode: boolean = (() => {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.LOWRANK_GUARD === "1";
  } catch {
    return false;
  }
})();

/**
 * A stack allocator over one WebAssembly.Memory.
 *
 * Blocks are handed out as typed-array views. Growing the memory detaches
 * every existing view, so the arena only grows inside `reserve`, which callers
 * make before taking any view, and refuses (as a bug) to grow under live
 * blocks. `mark`/`release` free everything allocated after a mark.
 */
export class Arena {
  private top: number;
  private floor: number;
  /** memory.buffer as last read: a getter call per view otherwise. Growing memory detaches it (byteLength 0). */
  private buf: ArrayBuffer;
  /** Byte offsets of the guards of live blocks (guard mode only), ascending. */
  private guards: number[] = [];
  /**
   * High-water mark: no block has ever reached past this byte, so the memory
   * above it is still as the engine made it (zero: fresh pages, and pages
   * added by growth, start zeroed). ``f64` and `i32` clear only what lies below it.
   */
  private dirty: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.floor = this.top = this.dirty = align16(base);
    this.buf = memory.buffer;
  }

  /** The memory's current buffer (refreshed once growth has detached the cached one). */
  private buffer(): ArrayBuffer {
    const b = this.buf;
    return b.byteLength !== 0 ? b : (this.buf = this.memory.buffer);
  }

  /** Bytes in use above the floor. */
  get used(): number {
    return this.top - this.floor;
  }

  /** Bytes in use above the floor, not counting guards (what a run's reservation is measured against). */
  get payload(): number {
    if (!guardMode) return this.top - this.floor;
    let n = 0;
    for (let i = this.guards.length - 1; i >= 0 && this.guards[i] >= this.floor; i--) n++;
    return this.top - this.floor - n * GUARD;
  }

  /** Throws INTERNAL when a guard was overwritten (guard mode; a no-op otherwise). O(live blocks). */
  checkGuards(what: string): void {
    if (this.guards.length === 0) return;
    const u = new Uint32Array(this.buffer());
    for (const g of this.guards) {
      const i = g >>> 2;
      if (u[i] !== PATTERN || u[i + 1] !== PATTERN || u[i + 2] !== PATTERN || u[i + 3] !== PATTERN) {
        throw internalError(`${what} wrote past the end of the block that ends at byte ${g}`);
      }
    }
  }

  /**
   * A block that lives as long as the instance (kernel scratch such as GEMM's
   * packing buffers), placed below everything `mark`/`release` can free.
   * Only while the arena is empty. Returns its byte offset.
   */
  permanent(bytes: number): number {
    if (this.used > 0) throw internalError("permanent block requested under live blocks");
    this.reserve(bytes);
    const p = this.take(bytes);
    this.floor = this.top;
    return p;
  }

  /** Makes room for `bytes` more bytes, growing memory if needed. Call before taking views. */
  reserve(bytes: number): void {
    // Guards take 16 bytes per block, which no caller counts: leave room for them.
    const need = this.top + (guardMode ? 2 * bytes + 65536 : bytes);
    if (!(need <= MAX_WASM_BYTES)) {
      throw new LowrankError(
        "TOO_LARGE",
        `needs ${need} bytes of WebAssembly memory; wasm32 addresses at most ${MAX_WASM_BYTES} (4 GiB). Use smaller inputs or backend: "js"`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (need <= have) return;
    if (this.used > 0) {
      throw internalError("WebAssembly memory would grow under live views; reserve the whole requirement before allocating");
    }
    // Grow by at least half again so that a run of slowly increasing calls does not grow every time.
    const target = Math.min(MAX_WASM_BYTES, Math.max(need, Math.floor(have * 1.5)));
    const pages = Math.ceil((target - have) / PAGE);
    try {
      this.memory.grow(pages);
      this.buf = this.memory.buffer; // a shared memory grows without detaching the old buffer
    } catch {
      throw new LowrankError("TOO_LARGE", `the engine refused to grow WebAssembly memory to ${target} bytes`);
    }
  }

  private take(bytes: number): number {
    const p = this.top;
    const size = align16(bytes);
    const end = p + size + (guardMode ? GUARD : 0);
    if (end > this.buffer().byteLength) {
      throw internalError("arena block outside reserved memory (reserve before allocating)");
    }
    this.top = end;
    if (end > this.dirty) this.dirty = end;
    if (guardMode) {
      new Uint32Array(this.buffer(), p + size, 4).fill(PATTERN);
      this.guards.push(p + size);
    }
    return p;
  }

  /**
   * A Float64Array of n zeros inside WASM memory. Only the part below the
   * high-water mark is cleared: memory no block has reached is still zero.
   */
  f64(n: number): Float64Array {
    const dirty = this.dirty;
    const p = this.take(n * 8);
    const a = new Float64Array(this.buffer(), p, n);
    if (p < dirty) a.fill(0, 0, Math.min(n, Math.ceil((dirty - p) / 8)));
    return a;
  }

  /** An Int32Array of n zeros inside WASM memory (cleared only below the high-water mark, as `f64`). */
  i32(n: number): Int32Array {
    const dirty = this.dirty;
    const p = this.take(n * 4);
    const a = new Int32Array(this.buffer(), p, n);
    if (p < dirty) a.fill(0, 0, Math.min(n, Math.ceil((dirty - p) / 4)));
    return a;
  }

  /**
   * A Float64Array of n entries inside WASM memory, its contents unspecified
   * (whatever the memory held): for a caller that writes every entry before
   * reading it. In guard mode every entry starts as NaN, so a read before a
   * write shows up in the tests.
   */
  scratch(n: number): Float64Array {
    const a = new Float64Array(this.buffer(), this.take(n * 8), n);
    if (guardMode) a.fill(NaN);
    return a;
  }

  /** An Int32Array of n entries, contents unspecified (guard mode: every entry is POISON_I32). */
  scratchI32(n: number): Int32Array {
    const a = new Int32Array(this.buffer(), this.take(n * 4), n);
    if (guardMode) a.fill(POISON_I32);
    return a;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
    const g = this.guards;
    while (g.length > 0 && g[g.length - 1] >= mark) g.pop();
  }
}

/** Bytes an arena needs for the given numbers of f64 and i32 entries in `blocks` separate blocks. */
export function arenaBytes(f64s: number, i32s = 0, blocks = 8): number {
  return f64s * 8 + i32s * 4 + blocks * 16;
}
