import { describe, expect, it } from "vitest";
import { Arena, withLinalg } from "../src/internal.js";

const guard = process.env.LOWRANK_GUARD === "1";

describe("arena: zeroed views and scratch", () => {
  it("f64 and i32 give zeros on memory an earlier block wrote, and on fresh or grown memory", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 });
    const arena = new Arena(memory, 1024);
    arena.reserve(8 * 1000);
    const mark = arena.mark();
    arena.scratch(1000).fill(7);
    arena.scratchI32(16).fill(-3);
    arena.release(mark);
    // The same bytes again: dirty, so cleared.
    const z = arena.f64(500), zi = arena.i32(600);
    expect(z.every((x) => x === 0)).toBe(true);
    expect(zi.every((x) => x === 0)).toBe(true);
    // Partly below the high-water mark, partly above it: every entry zero.
    const straddle = arena.f64(1000);
    expect(straddle.every((x) => x === 0)).toBe(true);
    arena.release(mark);
    // Grown memory (above every block so far) is zero without being cleared.
    arena.reserve(8 * 200000);
    arena.scratch(1000).fill(5);
    const fresh = arena.f64(150000);
    expect(fresh.every((x) => x === 0)).toBe(true);
  });

  it.runIf(guard)("guard mode: scratch views start poisoned on both backends, f64 and i32 at zero", () => {
    for (const backend of ["js", "wasm"] as const) {
      withLinalg(backend, 4096, (ws) => {
        expect(ws.scratch(4).every((x) => Number.isNaN(x))).toBe(true);
        expect(ws.scratchI32(4).every((x) => x < -1e9)).toBe(true);
        expect(ws.f64(4).every((x) => x === 0)).toBe(true);
        expect(ws.i32(4).every((x) => x === 0)).toBe(true);
      });
    }
  });

  it("a run that reuses the shared instance's memory still gets zeros where it asks for them", () => {
    withLinalg("wasm", 8 * 4096, (ws) => void ws.scratch(4000).fill(9));
    withLinalg("wasm", 8 * 4096, (ws) => {
      expect(ws.f64(4000).every((x) => x === 0)).toBe(true);
    });
  });
});
