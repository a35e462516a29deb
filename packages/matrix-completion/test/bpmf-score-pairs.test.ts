// The scoring pass of eight-wide rows (the default k = 7 with the bias, and
// k = 8 without) takes a row's observations four, then two, to a step, and a
// lone last one on its own (assembly/bpmf-scored.ts, averageRows). Rows of 0-7, 17 and 33 observations
// reach every mix of those steps, at even and odd start positions in acc. The
// running sums acc and each row's average error sums[2i + 1] must be the twin's
// bit for bit on both variants: the twin's scoreRows is given the kernel's own
// conditional means (on relaxed-simd the means themselves differ from the
// twin's by rounding; the scoring pass has no fused operations).
import { describe, expect, it } from "vitest";
import { init, Rng } from "@lowrank/linalg";
import { bpmfSlotSize } from "../src/kernels/bpmf.js";
import { scoreRows } from "../src/kernels/bpmf-scored.js";
import { completionModule } from "../src/module.js";
import { variants } from "./helpers.js";

const COUNTS = [0, 1, 2, 3, 17, 4, 5, 0, 6, 7, 33, 1, 2, 3];

/** Rows with COUNTS observations over m columns; column 0 has an all-zero factor row and bias (signed-zero products). */
function problem(K: number, fitBias: boolean, m: number, seed: number) {
  const rng = new Rng(seed), n = COUNTS.length, d = fitBias ? K + 1 : K;
  const g = (len: number, s = 1) => Float64Array.from({ length: len }, () => s * rng.normal());
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) ptr[i + 1] = ptr[i] + COUNTS[i];
  const nnz = ptr[n], idx = new Int32Array(nnz);
  for (let i = 0; i < n; i++) for (let q = ptr[i]; q < ptr[i + 1]; q++) idx[q] = (5 * i + 7 * (q - ptr[i])) % m;
  const F = g(m * K, 0.7), otherBias = g(m, 0.3);
  F.fill(0, 0, K);
  otherBias[0] = 0;
  const Lam = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c <= r; c++) Lam[r * d + c] = Lam[c * d + r] = r === c ? 2 + rng.uniform() : 0.2 * (rng.uniform() - 0.5);
  return { n, nnz, ptr, idx, vals: g(nnz), F, otherBias, Lam, h0: g(d), z: g(n * d), acc: g(nnz) };
}

/** Equal bit for bit (the sign of a zero included). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

const shapes: [number, boolean][] = [
  [7, true],
  [8, false],
];

for (const variant of variants) {
  describe(`bpmfHalfStepScored [${variant}]: the eight-wide scoring pass in pairs`, () => {
    for (const [K, fitBias] of shapes) {
      it(`k = ${K} ${fitBias ? "with" : "without"} the bias, rows of 0, 1, 2, 3, 17 ... observations: acc and the average's error equal the twin's bit for bit`, async () => {
        await init({ variant });
        const p = problem(K, fitBias, 40, 23 + K), { n, nnz } = p, mu = 0.15, div = 3, slot = bpmfSlotSize(K, fitBias);
        const ws = await completionModule.workspace("wasm", 8 * (2 * n * K + 6 * n + 2 * nnz + 40 * (K + 1) + 2 * p.Lam.length + n * (K + 1) + slot) + 4 * (n + 1 + nnz) + 4096);
        const put = <T extends Float64Array | Int32Array>(a: T): T => {
          const v = (a instanceof Int32Array ? ws.i32(a.length) : ws.f64(a.length)) as T;
          v.set(a);
          return v;
        };
        const X = ws.f64(n * K), B = ws.f64(n), M = ws.f64(n * K), MB = ws.f64(n), acc = put(p.acc), sums = ws.f64(2 * n).fill(9);
        const ptr = put(p.ptr), idx = put(p.idx), vals = put(p.vals), F = put(p.F), ob = put(p.otherBias), Lam = put(p.Lam), h0 = put(p.h0), z = put(p.z), work = ws.f64(slot);
        // Two sweeps' worth: the second adds to the first's running sums.
        for (let sweep = 1; sweep <= 2; sweep++) {
          ws.kernels.bpmfHalfStepScored(n, K, ptr, idx, vals, F, ob, X, B, mu, 0.9, Lam, h0, fitBias, z, M, MB, work, acc, sweep * div, sums, null, null, null, null, null);
        }
        // The twin, scoring twice with the kernel's own means (the same in both sweeps: the same inputs).
        const jAcc = p.acc.slice(), jSums = new Float64Array(2 * n), Mj = M.slice(), MBj = MB.slice(), Xj = X.slice(), Bj = B.slice();
        for (let sweep = 1; sweep <= 2; sweep++) scoreRows(0, n, K, p.ptr, p.idx, p.vals, p.F, p.otherBias, Xj, Bj, mu, Mj, MBj, jAcc, sweep * div, jSums, fitBias, null, null, null);
        expect(sameBits(acc.slice(), jAcc)).toBe(true);
        const average = (s: Float64Array) => Float64Array.from({ length: n }, (_, i) => s[2 * i + 1]);
        expect(sameBits(average(sums), average(jSums))).toBe(true);
        // Every row with observations scored something; empty rows score exactly 0.
        for (let i = 0; i < n; i++) expect(sums[2 * i + 1] > 0).toBe(COUNTS[i] > 0);
        expect(COUNTS.some((c, i) => c > 0 && p.idx.subarray(p.ptr[i], p.ptr[i + 1]).includes(0))).toBe(true);
      });
    }
  });
}
