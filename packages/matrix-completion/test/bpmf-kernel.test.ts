// BPMF's half-step kernel against its TypeScript twin, called directly: the
// eight-wide rows' four-at-a-time path (k = 7 with the bias, k = 8 without;
// every count of rows past the last group of four) and the general path, with
// empty rows and rows whose precision is not positive definite (a negative
// noise precision).
import { describe, expect, it } from "vitest";
import { init, Rng } from "@lowrank/linalg";
import { bpmfHalfStep, bpmfSlotSize } from "../src/kernels/bpmf.js";
import { completionModule } from "../src/module.js";
import { relDiff, variants } from "./helpers.js";

interface Problem {
  n: number; m: number; k: number; fitBias: boolean; alpha: number;
  ptr: Int32Array; idx: Int32Array; vals: Float64Array; F: Float64Array; otherBias: Float64Array; Lam: Float64Array; h0: Float64Array; z: Float64Array;
}

/** n rows over m columns; row i has (i * 7) % 23 observations (some none), a few rows many more. */
function problem(n: number, m: number, k: number, fitBias: boolean, alpha: number, seed: number): Problem {
  const rng = new Rng(seed), d = fitBias ? k + 1 : k;
  const counts = Array.from({ length: n }, (_, i) => (i % 11 === 5 ? m - 3 : (i * 7) % 23));
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) ptr[i + 1] = ptr[i] + counts[i];
  const nnz = ptr[n], idx = new Int32Array(nnz), vals = new Float64Array(nnz);
  for (let i = 0; i < n; i++) {
    const start = Math.floor(rng.uniform() * m);
    for (let q = ptr[i]; q < ptr[i + 1]; q++) idx[q] = (start + 2 * (q - ptr[i])) % m;
  }
  for (let q = 0; q < nnz; q++) vals[q] = rng.normal();
  const F = Float64Array.from({ length: m * k }, () => 0.7 * rng.normal()), otherBias = Float64Array.from({ length: m }, () => 0.3 * rng.normal());
  // A symmetric positive definite prior precision with off-diagonal terms, and its mean term.
  const Lam = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c <= r; c++) Lam[r * d + c] = Lam[c * d + r] = r === c ? 2 + rng.uniform() : 0.2 * (rng.uniform() - 0.5);
  const h0 = Float64Array.from({ length: d }, () => rng.normal()), z = Float64Array.from({ length: n * d }, () => rng.normal());
  return { n, m, k, fitBias, alpha, ptr, idx, vals, F, otherBias, Lam, h0, z };
}

const cases: [string, number, number, number, boolean, number][] = [
  ["k = 7 with the bias (eight wide), even rows", 40, 60, 7, true, 1.3],
  ["k = 7 with the bias, odd rows", 41, 60, 7, true, 0.8],
  ["k = 7 with the bias, two rows past a group of four", 42, 60, 7, true, 0.9],
  ["k = 7 with the bias, three rows past a group of four", 43, 60, 7, true, 1.4],
  ["k = 8 without the bias (eight wide), odd rows", 37, 50, 8, false, 1.1],
  ["k = 7 with the bias, some precisions not positive definite", 45, 60, 7, true, -0.04],
  ["k = 8 without the bias, some precisions not positive definite", 44, 50, 8, false, -0.05],
  ["k = 6 with the bias (general path)", 33, 40, 6, true, 1.2],
  ["k = 3 without the bias (general path)", 30, 40, 3, false, 0.9],
];

for (const variant of variants) {
  describe(`bpmfHalfStep [${variant}] against its twin`, () => {
    for (const [name, n, m, k, fitBias, alpha] of cases) {
      it(`${name}: samples, means, biases and failures ${variant === "simd" ? "bit for bit" : "to 1e-10"}`, async () => {
        await init({ variant });
        const p = problem(n, m, k, fitBias, alpha, n * 31 + k);
        const slot = bpmfSlotSize(k, fitBias), nnz = p.ptr[n];
        // The twin.
        const jX = new Float64Array(n * k), jB = new Float64Array(n), jM = new Float64Array(n * k), jMB = new Float64Array(n);
        const jFailed = bpmfHalfStep(n, k, p.ptr, p.idx, p.vals, p.F, p.otherBias, jX, jB, 0.1, alpha, p.Lam, p.h0, fitBias, p.z, jM, jMB, new Float64Array(slot), null, null, null, null);
        // The kernel, its outputs first filled with garbage (every row must be written).
        const ws = await completionModule.workspace("wasm", 8 * (4 * n * k + 4 * n + nnz + m * k + m + 2 * p.Lam.length + n * (k + 1) + slot) + 4 * (n + 1 + nnz) + 4096);
        const put = <T extends Float64Array | Int32Array>(a: T): T => {
          const v = (a instanceof Int32Array ? ws.i32(a.length) : ws.f64(a.length)) as T;
          v.set(a);
          return v;
        };
        const X = ws.f64(n * k).fill(9), B = ws.f64(n).fill(9), M = ws.f64(n * k).fill(9), MB = ws.f64(n).fill(9);
        const failed = ws.kernels.bpmfHalfStep(
          n, k, put(p.ptr), put(p.idx), put(p.vals), put(p.F), put(p.otherBias), X, B, 0.1, alpha, put(p.Lam), put(p.h0), fitBias, put(p.z), M, MB, ws.f64(slot), null, null, null, null,
        );
        expect(failed).toBe(jFailed);
        if (alpha < 0) expect(failed).toBeGreaterThan(0);
        const tol = variant === "simd" ? 0 : 1e-10;
        expect(Math.max(relDiff(X, jX), relDiff(M, jM), relDiff(B, jB), relDiff(MB, jMB))).toBeLessThanOrEqual(tol);
        // Rows without observations and failed rows are zeros; the others not.
        for (let i = 0; i < n; i++) if (p.ptr[i + 1] === p.ptr[i]) expect(Array.from(X.subarray(i * k, i * k + k))).toEqual(new Array(k).fill(0));
      });
    }
  });
}
