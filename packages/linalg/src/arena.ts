import { internalError, LowrankError } from "./errors.js";

const PAGE = 65536;
/** wasm32 addresses 4 GiB at most. */
export const MAX_WASM_BYTES = 65536 * PAGE;

/** Rounds up to 16 bytes so every block can be read with v128 loads. */
export const align16 = (n: number) => (n + 15) & ~15;

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

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.floor = this.top = align16(base);
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
    const need = this.top + bytes;
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
    } catch {
      throw new LowrankError("TOO_LARGE", `the engine refused to grow WebAssembly memory to ${target} bytes`);
    }
  }

  private take(bytes: number): number {
    const p = this.top;
    const end = p + align16(bytes);
    if (end > this.buffer().byteLength) {
      throw internalError("arena block outside reserved memory (reserve before allocating)");
    }
    this.top = end;
    return p;
  }

  /** A zeroed Float64Array of n entries inside WASM memory. */
  f64(n: number): Float64Array {
    const p = this.take(n * 8);
    const a = new Float64Array(this.buffer(), p, n);
    a.fill(0);
    return a;
  }

  /** A zeroed Int32Array of n entries inside WASM memory. */
  i32(n: number): Int32Array {
    const p = this.take(n * 4);
    const a = new Int32Array(this.buffer(), p, n);
    a.fill(0);
    return a;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }
}

/** Bytes an arena needs for the given numbers of f64 and i32 entries in `blocks` separate blocks. */
export function arenaBytes(f64s: number, i32s = 0, blocks = 8): number {
  return f64s * 8 + i32s * 4 + blocks * 16;
}
