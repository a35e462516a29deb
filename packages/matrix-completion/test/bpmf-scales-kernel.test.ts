// BPMF's noise-scale draws (assembly/bpmf-scales.ts: the Gamma draws, then
// each divided by its rate) against their twins, bit for bit, and both against
// the Gamma law they draw from: the mean and variance over many rows.
import { describe, expect, it } from "vitest";
import { init } from "@lowrank/linalg";
import { bpmfGammas, bpmfScaleRows } from "../src/kernels/bpmf-scales.js";
import { completionModule } from "../src/module.js";
import { variants } from "./helpers.js";

const seed = () => Int32Array.from([0x510e527f, 0x1f83d9ab, 0x5be0cd19, 0x6a09e667]);

/** Rows with 0 to 299 observations each (ptr), and errors err[2i] of about 0.8 per observation. */
function rows(n: number) {
  const ptr = new Int32Array(n + 1), err = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = (i * 37) % 300;
    ptr[i + 1] = ptr[i] + c;
    err[2 * i] = 0.8 * c + (i % 7) * 0.01;
    err[2 * i + 1] = -1; // never read
  }
  return { ptr, err };
}

describe("bpmfGammas and bpmfScaleRows", () => {
  for (const variant of variants) {
    it(`[${variant}] equals its twin bit for bit over several calls and leaves the same state`, async () => {
      await init({ variant });
      const ws = await completionModule.workspace("wasm", 8 * 40_000 + 4096);
      const state = ws.i32(4);
      state.set(seed());
      const js = seed();
      for (const [n, alpha, a] of [[1, 1.3, 20], [7, 0.2, 1], [5000, 2.5, 20], [999, 1, 3.5]] as const) {
        const { ptr, err } = rows(n);
        const p = ws.i32(n + 1), e = ws.f64(2 * n), g = ws.f64(n), tau = ws.f64(n), root = ws.f64(n);
        const gRef = new Float64Array(n), tauRef = new Float64Array(n), rootRef = new Float64Array(n);
        p.set(ptr);
        e.set(err);
        ws.kernels.bpmfGammas(n, p, a, g, state);
        ws.kernels.bpmfScaleRows(n, g, e, alpha, a, tau, root);
        bpmfGammas(n, ptr, a, gRef, js);
        bpmfScaleRows(n, gRef, err, alpha, a, tauRef, rootRef);
        expect(Array.from(g)).toEqual(Array.from(gRef));
        expect(Array.from(tau)).toEqual(Array.from(tauRef));
        expect(Array.from(root)).toEqual(Array.from(rootRef));
        expect(Array.from(state)).toEqual(Array.from(js));
      }
    });
  }

  it("draws Gamma(a + c/2) / (a + alpha err/2): mean and variance over many rows of one kind", () => {
    for (const [a, c, e, alpha] of [[20, 0, 0, 1], [20, 100, 30, 1.5], [1, 3, 2, 0.7]] as const) {
      const n = 200_000, ptr = Int32Array.from({ length: n + 1 }, (_, i) => i * c), err = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) err[2 * i] = e;
      const g = new Float64Array(n), tau = new Float64Array(n), root = new Float64Array(n);
      bpmfGammas(n, ptr, a, g, seed());
      bpmfScaleRows(n, g, err, alpha, a, tau, root);
      expect(root.every((r, i) => r === Math.sqrt(tau[i]))).toBe(true);
      const shape = a + c / 2, rate = a + (alpha * e) / 2;
      let m = 0;
      for (const t of tau) m += t / n;
      let v = 0;
      for (const t of tau) v += (t - m) ** 2 / (n - 1);
      // Mean shape / rate and variance shape / rate², each to about 5 of its standard errors.
      expect(Math.abs(m - shape / rate)).toBeLessThan(5 * Math.sqrt(shape) / rate / Math.sqrt(n));
      expect(Math.abs(v / (shape / rate ** 2) - 1)).toBeLessThan(5 * Math.sqrt((2 + 6 / shape) / n));
      expect(tau.every((t) => t > 0)).toBe(true);
    }
  });
});
