import { describe, expect, it } from "vitest";
import { bestVariant, dot, gemm, hasRelaxedSimd, init } from "../src/index.js";
import { Arena, createWorkspace, linalgWasm, withLinalg } from "../src/internal.js";
import { naiveProduct, randn, relDiff } from "./helpers.js";

describe("WASM runtime", () => {
  it("in Node a synchronous call before init() compiles the bundled simd variant on first use; js needs nothing", () => {
    expect(linalgWasm.variant).toBeNull();
    expect(dot([1, 2], [3, 4])).toBe(11);
    expect(linalgWasm.variant).toBe("simd");
    expect(dot([1, 2], [3, 4], { backend: "js" })).toBe(11);
  });

  it("init() picks relaxed-simd exactly when the engine validates it, and reports the variant", async () => {
    const { variant } = await init();
    expect(variant).toBe(hasRelaxedSimd() ? "relaxed-simd" : "simd");
    expect(variant).toBe(bestVariant());
    expect(linalgWasm.variant).toBe(variant);
    expect(dot([1, 2], [3, 4])).toBe(11);
  });

  it("init({ variant: 'simd' }) forces the portable variant", async () => {
    expect((await init({ variant: "simd" })).variant).toBe("simd");
    expect(linalgWasm.shared().variant).toBe("simd");
  });

  it("a workspace with its own instance runs kernels on its own memory", async () => {
    const ws = await createWorkspace("wasm", 3 * 64 * 64 * 8 + 64);
    const A = randn(64, 64, 1), B = randn(64, 64, 2);
    const a = ws.input(A.data), b = ws.input(B.data), c = ws.f64(64 * 64);
    ws.kernels.gemm(false, false, 64, 64, 64, 1, a, 64, b, 64, 0, c, 64);
    expect(relDiff(ws.output(c), naiveProduct(A, B).data)).toBeLessThan(1e-13);
    expect(a.buffer).not.toBe(linalgWasm.shared().memory.buffer);
  });

  it("refuses to grow memory under live views instead of silently detaching them", async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 });
    const arena = new Arena(memory, 1024);
    arena.reserve(1000);
    const v = arena.f64(100);
    expect(() => arena.reserve(10 * 65536)).toThrow(expect.objectContaining({ code: "INTERNAL" }));
    expect(v.length).toBe(100);
    expect(() => arena.f64(100000)).toThrow(expect.objectContaining({ code: "INTERNAL" }));
  });

  it("rejects a request beyond 4 GiB with TOO_LARGE before allocating", async () => {
    await init();
    const big = { rows: 30000, cols: 20000, data: new Float64Array(0) };
    expect(() => gemm(big, { rows: 20000, cols: 30000, data: new Float64Array(0) })).toThrow(expect.objectContaining({ code: "TOO_LARGE" }));
    await expect(createWorkspace("wasm", 5 * 2 ** 30)).rejects.toMatchObject({ code: "TOO_LARGE" });
  });

  it("frees the arena after each call, also when the call throws", async () => {
    await init();
    const inst = linalgWasm.shared();
    gemm(randn(10, 10, 1), randn(10, 10, 2));
    expect(inst.arena.used).toBe(0);
    expect(() => gemm(randn(10, 10, 1), randn(11, 10, 2))).toThrow();
    expect(inst.arena.used).toBe(0);
  });
});

describe("guard mode (LOWRANK_GUARD=1, on in the test suite)", () => {
  it.runIf(process.env.LOWRANK_GUARD === "1")("a kernel that writes past a short view fails with INTERNAL instead of corrupting the next block", () => {
    expect(() =>
      withLinalg("wasm", 1024, (ws) => {
        const x = ws.f64(3), y = ws.f64(8);
        y.fill(1);
        ws.kernels.axpy(8, 1, y, x); // x has 3 entries: the kernel writes 5 past its end
      }),
    ).toThrow(expect.objectContaining({ code: "INTERNAL" }));
    // The instance is released and the next call works.
    expect(dot([1, 2], [3, 4])).toBe(11);
  });
});

describe("options and arena edge cases", () => {
  it("an unknown option named like an Object.prototype member is refused, not a TypeError", async () => {
    const { readOptions, opt } = await import("../src/index.js");
    for (const key of ["toString", "constructor", "hasOwnProperty", "__proto__x"]) {
      expect(() => readOptions("f", { [key]: 1 }, { k: opt.int() })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
  });

  it("align16 rounds sizes past 2^31 correctly", async () => {
    const { align16 } = await import("../src/internal.js");
    expect(align16(2 ** 31 + 1)).toBe(2 ** 31 + 16);
    expect(align16(3 * 2 ** 30)).toBe(3 * 2 ** 30);
    expect(align16(17)).toBe(32);
  });
});
