// BPMF's normal generator (assembly/bpmf-normals.ts) against its twin, bit for
// bit, and both against the normal law: its moments and central mass, and its
// logarithm against Math.log.
import { describe, expect, it } from "vitest";
import { init } from "@lowrank/linalg";
import { bpmfNormals, logPositive } from "../src/kernels/bpmf-normals.js";
import { completionModule } from "../src/module.js";
import { variants } from "./helpers.js";

const seed = () => Int32Array.from([0x2545f491, 0x4f6cdd1d, 0x6a09e667, 0x3c6ef372]);

describe("bpmfNormals", () => {
  for (const variant of variants) {
    it(`[${variant}] equals its twin bit for bit over several calls, odd and even counts, and leaves the same state`, async () => {
      await init({ variant });
      const ws = await completionModule.workspace("wasm", 8 * 30_000 + 4096);
      const state = ws.i32(4);
      state.set(seed());
      const js = seed();
      for (const n of [1, 2, 7, 1000, 9999]) {
        const out = ws.f64(n), ref = new Float64Array(n);
        ws.kernels.bpmfNormals(n, out, state);
        bpmfNormals(n, ref, js);
        expect(Array.from(out)).toEqual(Array.from(ref));
        expect(Array.from(state)).toEqual(Array.from(js));
      }
      // The all-zero state is replaced, not left to give zeros forever.
      state.fill(0);
      js.fill(0);
      const out = ws.f64(5), ref = new Float64Array(5);
      ws.kernels.bpmfNormals(5, out, state);
      bpmfNormals(5, ref, js);
      expect(Array.from(out)).toEqual(Array.from(ref));
      expect(new Set(out).size).toBe(5);
    });
  }

  it("draws standard normals: mean, variance, kurtosis and the mass within 1 and 2 of zero", () => {
    const n = 400_000, z = new Float64Array(n);
    bpmfNormals(n, z, seed());
    let m = 0, v = 0, k4 = 0, in1 = 0, in2 = 0;
    for (const x of z) m += x;
    m /= n;
    for (const x of z) {
      const d = x - m;
      v += d * d;
      k4 += d ** 4;
      if (Math.abs(x) < 1) in1++;
      if (Math.abs(x) < 2) in2++;
    }
    v /= n;
    k4 /= n * v * v;
    // Five standard errors: 1/sqrt(n) for the mean, sqrt(2/n) the variance, sqrt(24/n) the kurtosis.
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(k4 - 3)).toBeLessThan(5 * Math.sqrt(24 / n));
    expect(Math.abs(in1 / n - 0.6826894921370859)).toBeLessThan(5 * Math.sqrt(0.22 / n));
    expect(Math.abs(in2 / n - 0.9544997361036416)).toBeLessThan(5 * Math.sqrt(0.044 / n));
  });

  it("computes ln q to about 1e-15 relative over (0, 1) and near 1", () => {
    let worst = 0;
    for (let i = 1; i <= 20_000; i++) {
      const x = i % 2 ? Math.pow(2, -62 * (i / 20_000)) : 1 - i * 1e-9;
      const ref = Math.log(x);
      worst = Math.max(worst, Math.abs(logPositive(x) - ref) / Math.abs(ref));
    }
    expect(worst).toBeLessThan(4e-15);
  });
});
