// BPMF's half-step with the scoring pass fused in (bpmfHalfStepScored): the
// twin's rows are bpmfHalfStep's, and each row's two sums are bpmfScore's over
// that row's positions, bit for bit (eight wide, the sample's error to
// rounding: a quadratic form in the row's plain sums); the kernel matches the twin (simd bit
// for bit, relaxed-simd to 1e-10), on the eight-wide rows (k = 7 with the
// bias: the scoring pass's k = 7 path) and the general ones, with empty rows.
import { describe, expect, it } from "vitest";
import { init, Rng } from "@lowrank/linalg";
import { bpmfHalfStep, bpmfSlotSize } from "../src/kernels/bpmf.js";
import { bpmfHalfStepScored } from "../src/kernels/bpmf-scored.js";
import { completionModule } from "../src/module.js";
import { relDiff, variants } from "./helpers.js";

/** n rows over m columns, row i with (i * 5) % 13 observations (some none); every input the half-step reads. */
function problem(n: number, m: number, k: number, fitBias: boolean, seed: number) {
  const rng = new Rng(seed), d = fitBias ? k + 1 : k, g = (len: number, s = 1) => Float64Array.from({ length: len }, () => s * rng.normal());
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) ptr[i + 1] = ptr[i] + ((i * 5) % 13);
  const nnz = ptr[n], idx = new Int32Array(nnz);
  for (let i = 0; i < n; i++) for (let q = ptr[i]; q < ptr[i + 1]; q++) idx[q] = (i + 3 * (q - ptr[i])) % m;
  const Lam = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c <= r; c++) Lam[r * d + c] = Lam[c * d + r] = r === c ? 2 + rng.uniform() : 0.2 * (rng.uniform() - 0.5);
  return { ptr, idx, vals: g(nnz), F: g(m * k, 0.7), otherBias: g(m, 0.3), Lam, h0: g(d), z: g(n * d), acc: g(nnz), nnz };
}

const cases: [string, number, number, number, boolean][] = [
  ["k = 7 with the bias (eight wide)", 37, 30, 7, true],
  ["k = 8 without the bias (eight wide)", 20, 30, 8, false],
  ["k = 5 with the bias (general path, odd k)", 19, 25, 5, true],
  ["k = 4 without the bias (general path)", 18, 25, 4, false],
];

describe("bpmfHalfStepScored's twin", () => {
  for (const [name, n, m, k, fitBias] of cases) {
    it(`${name}: bpmfHalfStep's rows, then bpmfScore's sums row by row`, () => {
      const p = problem(n, m, k, fitBias, 7 * n + k), mu = 0.2, div = 3, slot = bpmfSlotSize(k, fitBias), eight = (fitBias ? k + 1 : k) === 8;
      const X = new Float64Array(n * k), B = new Float64Array(n), M = new Float64Array(n * k), MB = new Float64Array(n), acc = p.acc.slice(), sums = new Float64Array(2 * n);
      const failed = bpmfHalfStepScored(n, k, p.ptr, p.idx, p.vals, p.F, p.otherBias, X, B, mu, 1.3, p.Lam, p.h0, fitBias, p.z, M, MB, new Float64Array(slot), acc, div, sums, null, null, null, null, null);
      const X2 = new Float64Array(n * k), B2 = new Float64Array(n), M2 = new Float64Array(n * k), MB2 = new Float64Array(n), acc2 = p.acc.slice();
      expect(bpmfHalfStep(n, k, p.ptr, p.idx, p.vals, p.F, p.otherBias, X2, B2, mu, 1.3, p.Lam, p.h0, fitBias, p.z, M2, MB2, new Float64Array(slot), null, null, null, null)).toBe(failed);
      expect([X, B, M, MB]).toEqual([X2, B2, M2, MB2]);
      // bpmfScore scores against the values as given: hand it vals - mu (the scored kernel subtracts mu itself).
      const y = p.vals.map((v) => v - mu), rowOf = new Int32Array(p.nnz), out = new Float64Array(1);
      for (let i = 0; i < n; i++) rowOf.fill(i, p.ptr[i], p.ptr[i + 1]);
      for (let i = 0; i < n; i++) {
        const [a, b] = [p.ptr[i], p.ptr[i + 1]];
        const s = bpmfScore(b - a, k, rowOf.subarray(a, b), p.idx.subarray(a, b), y.subarray(a, b), X2, p.F, M2, B2, p.otherBias, MB2, acc2.subarray(a, b), div, out);
        // Eight wide, the sample's error comes from the row's precision (a quadratic form in its plain sums): the same
        // value to rounding; otherwise the same bits.
        if (eight) expect(Math.abs(sums[2 * i] - s)).toBeLessThanOrEqual(1e-12 * Math.max(1, s));
        else expect(sums[2 * i]).toBe(s);
        expect(sums[2 * i + 1]).toBe(out[0]);
      }
      expect(acc).toEqual(acc2);
      expect(sums.some((s) => s > 0)).toBe(true);
    });
  }
});

for (const variant of variants) {
  describe(`bpmfHalfStepScored [${variant}] against its twin`, () => {
    for (const [name, n, m, k, fitBias] of cases) {
      it(`${name}: samples, means, sums and acc ${variant === "simd" ? "bit for bit" : "to 1e-10"}`, async () => {
        await init({ variant });
        const p = problem(n, m, k, fitBias, 11 * n + k), mu = -0.1, div = 2, slot = bpmfSlotSize(k, fitBias);
        const jX = new Float64Array(n * k), jB = new Float64Array(n), jM = new Float64Array(n * k), jMB = new Float64Array(n), jAcc = p.acc.slice(), jSums = new Float64Array(2 * n);
        const jFailed = bpmfHalfStepScored(n, k, p.ptr, p.idx, p.vals, p.F, p.otherBias, jX, jB, mu, 0.9, p.Lam, p.h0, fitBias, p.z, jM, jMB, new Float64Array(slot), jAcc, div, jSums, null, null, null, null, null);
        const ws = await completionModule.workspace("wasm", 8 * (3 * n * k + 5 * n + 2 * p.nnz + m * k + m + 2 * p.Lam.length + n * (k + 1) + slot) + 4 * (n + 1 + p.nnz) + 4096);
        const put = <T extends Float64Array | Int32Array>(a: T): T => {
          const v = (a instanceof Int32Array ? ws.i32(a.length) : ws.f64(a.length)) as T;
          v.set(a);
          return v;
        };
        const X = ws.f64(n * k).fill(9), B = ws.f64(n).fill(9), M = ws.f64(n * k).fill(9), MB = ws.f64(n).fill(9), acc = put(p.acc), sums = ws.f64(2 * n).fill(9);
        const failed = ws.kernels.bpmfHalfStepScored(
          n, k, put(p.ptr), put(p.idx), put(p.vals), put(p.F), put(p.otherBias), X, B, mu, 0.9, put(p.Lam), put(p.h0), fitBias, put(p.z), M, MB, ws.f64(slot), acc, div, sums, null, null, null, null, null,
        );
        expect(failed).toBe(jFailed);
        const tol = variant === "simd" ? 0 : 1e-10;
        expect(Math.max(relDiff(X, jX), relDiff(M, jM), relDiff(B, jB), relDiff(MB, jMB), relDiff(acc, jAcc), relDiff(sums, jSums))).toBeLessThanOrEqual(tol);
      });
    }
  });
}

/**
 * The scoring pass on its own, position by position (the reference of the fused kernel's sums): returns the sample's
 * Σ (rowBias[i] + colBias[j] + U_i · V_j - vals[q])², adds the conditional means' predictions to acc and writes the
 * average's Σ (acc[q] / div - vals[q])² to out[0]; each sum in q order, the dots in the kernels' two-lane order.
 */
function bpmfScore(
  nnz: number, k: number, rowIdx: Int32Array, colIdx: Int32Array, vals: Float64Array, U: Float64Array, V: Float64Array, M: Float64Array,
  rowBias: Float64Array, colBias: Float64Array, meanBias: Float64Array, acc: Float64Array, div: number, out: Float64Array,
): number {
  let s = 0, t = 0;
  const inv = 1 / div, even = k & ~1;
  for (let q = 0; q < nnz; q++) {
    const i = rowIdx[q], j = colIdx[q], v = j * k, r = i * k;
    // The kernel's two-lane dots: even columns, odd columns, their sum, then an odd k's last term.
    let u0 = 0, u1 = 0, m0 = 0, m1 = 0;
    for (let c = 0; c < even; c += 2) {
      u0 += U[r + c] * V[v + c];
      u1 += U[r + c + 1] * V[v + c + 1];
      m0 += M[r + c] * V[v + c];
      m1 += M[r + c + 1] * V[v + c + 1];
    }
    let du = u0 + u1, dm = m0 + m1;
    if (even < k) {
      du += U[r + even] * V[v + even];
      dm += M[r + even] * V[v + even];
    }
    const cb = colBias[j], y = vals[q];
    const p = rowBias[i] + cb + du;
    const pm = meanBias[i] + cb + dm;
    const sum = acc[q] + pm;
    acc[q] = sum;
    const e = p - y, f = sum * inv - y;
    s += e * e;
    t += f * f;
  }
  out[0] = t;
  return s;
}
