import { describe, expect, it } from "vitest";
import { Rng } from "../src/index.js";
import { linalgWasm, WasmWorkspace } from "../src/internal.js";
import { bindLinalg } from "../src/kernels/index.js";
import { variants } from "./helpers.js";

describe("Rng", () => {
  it("draws the same uniform and normal stream in TypeScript and in every WASM variant", async () => {
    for (const variant of variants) {
      const instance = await (await linalgWasm.load(variant)).instantiate(1 << 16);
      const kernels = bindLinalg(instance);
      instance.arena.reserve(1 << 16);
      const ws = new WasmWorkspace(instance, kernels);
      for (const seed of [0, 1, 42, 2 ** 40 + 3, -7]) {
        const ts = new Rng(seed), wa = new Rng(seed);
        const u1 = ts.fillUniform(new Float64Array(1001));
        const u2 = ws.f64(1001);
        ws.kernels.rngFill(wa, u2, false);
        expect(Array.from(u2)).toEqual(Array.from(u1));
        const n1 = ts.fillNormal(new Float64Array(777));
        const n2 = ws.f64(777);
        ws.kernels.rngFill(wa, n2, true);
        expect(Array.from(n2)).toEqual(Array.from(n1));
        // The states stay in step after a WASM fill, including the cached spare normal.
        expect(wa.normal()).toBe(ts.normal());
        expect(wa.uniform()).toBe(ts.uniform());
      }
    }
  });

  it("is deterministic by seed and differs between seeds", () => {
    const a = new Rng(7).fillUniform(new Float64Array(10));
    const b = new Rng(7).fillUniform(new Float64Array(10));
    const c = new Rng(8).fillUniform(new Float64Array(10));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("produces uniforms in [0, 1) and normals with mean 0 and variance 1", () => {
    const r = new Rng(123);
    const n = 200000;
    let mu = 0, m2 = 0, lo = 1, hi = 0, um = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      um += u / n;
      const z = r.normal();
      mu += z / n;
      m2 += (z * z) / n;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(um - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(mu)).toBeLessThan(0.01);
    expect(Math.abs(m2 - 1)).toBeLessThan(0.02);
  });

  it("int(n) is unbiased across n buckets and shuffle is a permutation", () => {
    const r = new Rng(9);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    const p = r.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("rejects a non-finite seed", () => {
    expect(() => new Rng(NaN)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
