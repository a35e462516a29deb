// BPMF's prior draw: sampleNormalWishart with its arithmetic in the bpmfPrior
// kernel (assembly/bpmf-prior.ts) against the draw as it was written before
// the move (copied below as the reference), on the js twin and on every WASM
// variant: the same random numbers taken from the Rng in the same order and
// the same bits of Lam and h0, for several d, with and without the bias, N
// from 1 to thousands.
import { describe, expect, it } from "vitest";
import { init, Rng } from "@lowrank/linalg";
import { sampleGamma, sampleNormalWishart, type ScatterKernel } from "../src/bpmf-hyper.js";
import { jsCompletionKernels, type CompletionKernels } from "../src/kernels/index.js";
import { completionModule } from "../src/module.js";
import { variants } from "./helpers.js";

/** The draw before the move (src/bpmf-hyper.ts at commit 6e78a93), verbatim but for the names: the reference. */
function referenceDraw(
  rng: Rng, X: Float64Array, bias: Float64Array | null, N: number, n: number, k: number, Lam: Float64Array, h0: Float64Array,
  K: ScatterKernel,
): boolean {
  const BETA0 = 2, d = bias ? k + 1 : k;
  const mean = new Float64Array(d), M = new Float64Array(d * d), A = new Float64Array(d * d), z = new Float64Array(d);
  if (N === 0) return false;
  const G = K.gram, sx = K.sums.subarray(0, k), xb = K.sums.subarray(k, 2 * k), ones = K.ones.subarray(0, n);
  K.gemm(true, false, k, k, n, 1, X, k, X, k, 0, G, d);
  K.gemv(true, n, k, 1, X, k, ones, 0, sx);
  for (let r = 0; r < k; r++) mean[r] = sx[r] / N;
  if (bias) {
    K.gemv(true, n, k, 1, X, k, bias, 0, xb);
    for (let r = 0; r < k; r++) G[k * d + r] = xb[r];
    G[k * d + k] = K.dot(n, bias, bias);
    mean[k] = K.dot(n, bias, ones) / N;
  }
  const shrink = (BETA0 * N) / (BETA0 + N) - N;
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) M[r * d + c] = G[r * d + c] + shrink * mean[r] * mean[c];
    M[r * d + r] += 1;
  }
  if (!cholLower(M, d)) return false;
  const nu = d + N;
  A.fill(0);
  for (let r = 0; r < d; r++) {
    A[r * d + r] = Math.sqrt(2 * sampleGamma(rng, (nu - r) / 2));
    for (let c = 0; c < r; c++) A[r * d + c] = rng.normal();
  }
  solveUpperT(M, d, A, d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += A[r * d + t] * A[c * d + t];
      Lam[r * d + c] = s;
      Lam[c * d + r] = s;
    }
  }
  const betaN = BETA0 + N;
  M.set(Lam);
  if (!cholLower(M, d)) return false;
  for (let r = 0; r < d; r++) z[r] = rng.normal() / Math.sqrt(betaN);
  solveUpperT(M, d, z, 1);
  for (let r = 0; r < d; r++) z[r] += (N * mean[r]) / betaN;
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += Lam[r * d + c] * z[c];
    h0[r] = s;
  }
  return true;
}

function cholLower(A: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let t = 0; t < j; t++) s -= A[j * d + t] * A[j * d + t];
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    A[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let r = A[i * d + j];
      for (let t = 0; t < j; t++) r -= A[i * d + t] * A[j * d + t];
      A[i * d + j] = r / l;
    }
    for (let c = j + 1; c < d; c++) A[j * d + c] = 0;
  }
  return true;
}

function solveUpperT(L: Float64Array, d: number, b: Float64Array, nrhs: number): void {
  for (let i = d - 1; i >= 0; i--) {
    for (let c = 0; c < nrhs; c++) {
      let s = b[i * nrhs + c];
      for (let t = i + 1; t < d; t++) s -= L[t * d + i] * b[t * nrhs + c];
      b[i * nrhs + c] = s / L[i * d + i];
    }
  }
}

/** Every entry the same double (Object.is: the sign of a zero and NaN's too). */
function expectSameBits(got: Float64Array, want: Float64Array, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what}[${i}]: ${got[i]} against ${want[i]}`);
}

/** n rows of rank k (and a bias column when `withBias`), roughly the sampler's scale; rows listed in `empty` zero. */
function rows(seed: number, n: number, k: number, withBias: boolean, empty: number) {
  const r = new Rng(seed), X = r.fillNormal(new Float64Array(n * k)), bias = withBias ? r.fillNormal(new Float64Array(n)) : null;
  for (let q = 0; q < X.length; q++) X[q] = 0.4 * X[q] + 0.1;
  let N = n;
  for (let i = 1; i < n && empty > 0; i += 3, empty--, N--) {
    X.fill(0, i * k, i * k + k);
    if (bias) bias[i] = 0;
  }
  return { X, bias, N };
}

const CASES: [n: number, k: number][] = [[1, 1], [2, 3], [9, 7], [40, 8], [300, 7], [3000, 12], [1500, 2]];

/** The scatter operands on a backend's kernel set, every buffer from `f64` (the workspace's views on wasm). */
function scatterOn(K: CompletionKernels, f64: (len: number) => Float64Array, n: number, d: number): ScatterKernel {
  return {
    gemm: (...a) => K.gemm(...a), gemv: (...a) => K.gemv(...a), dot: (...a) => K.dot(...a), prior: (...a) => K.bpmfPrior(...a),
    ones: f64(n).fill(1), gram: f64(d * d), sums: f64(2 * d),
  };
}

/** Runs the reference and the kernel's draw on the same inputs and generator seed, three draws in a row; compares all. */
function compare(K: CompletionKernels, f64: (len: number) => Float64Array, label: string): void {
  for (const [n, k] of CASES) {
    for (const withBias of [true, false]) {
      const d = withBias ? k + 1 : k, { X, bias, N } = rows(n * 31 + k, n, k, withBias, Math.floor(n / 4));
      const x = f64(n * k).fill(0), b = withBias ? f64(n) : null;
      x.set(X);
      if (b && bias) b.set(bias);
      const refRng = new Rng(n + 7 * k), newRng = new Rng(n + 7 * k);
      const refK = scatterOn(K, f64, n, d), newK = scatterOn(K, f64, n, d);
      const refLam = new Float64Array(d * d), refH = new Float64Array(d), Lam = f64(d * d), h0 = f64(d);
      for (let draw = 0; draw < 3; draw++) {
        const what = `${label} n ${n} k ${k} bias ${withBias} draw ${draw}`;
        expect(referenceDraw(refRng, x, b, N, n, k, refLam, refH, refK), what).toBe(true);
        expect(sampleNormalWishart(newRng, x, b, N, n, k, Lam, h0, newK), what).toBe(true);
        expectSameBits(Lam, refLam, `${what}: Lam`);
        expectSameBits(h0, refH, `${what}: h0`);
        // The generators took the same numbers: their next draws agree.
        expect(newRng.uniform(), what).toBe(refRng.uniform());
      }
    }
  }
}

describe("bpmfPrior (the prior draw's arithmetic in a kernel)", () => {
  it("[js] the twin's draw is the reference draw, bit for bit, and the generator advances alike", () => {
    compare(jsCompletionKernels, (len) => new Float64Array(len), "js");
  });

  for (const variant of variants) {
    it(`[${variant}] the kernel's draw is the reference draw on the same sums, bit for bit (no fused multiply-add)`, async () => {
      await init({ variant });
      const ws = await completionModule.workspace("wasm", 8 * 200_000);
      compare(ws.kernels, (len) => ws.f64(len), variant);
    });
  }

  it("fails as the reference does: no rows, or rows that are not finite (then the fit ends with NON_FINITE)", async () => {
    const K = jsCompletionKernels, k = 3, n = 5, d = k + 1;
    const f64 = (len: number) => new Float64Array(len);
    const X = new Rng(1).fillNormal(new Float64Array(n * k)), bias = new Float64Array(n);
    const draw = (x: Float64Array, N: number) => sampleNormalWishart(new Rng(2), x, bias, N, n, k, f64(d * d), f64(d), scatterOn(K, f64, n, d));
    expect(draw(X, 0)).toBe(false);
    expect(referenceDraw(new Rng(2), X, bias, 0, n, k, f64(d * d), f64(d), scatterOn(K, f64, n, d))).toBe(false);
    X[4] = NaN;
    expect(draw(X, n)).toBe(false);
    expect(referenceDraw(new Rng(2), X, bias, n, n, k, f64(d * d), f64(d), scatterOn(K, f64, n, d))).toBe(false);
    // The kernel names the factor that failed: the scale matrix (-1).
    const G = f64(d * d).fill(NaN), s = f64(2 * d);
    expect(K.bpmfPrior(d, n, G, s, f64(d * d), f64(d))).toBe(-1);
    await init({ variant: "simd" });
    const ws = await completionModule.workspace("wasm", 4096);
    expect(ws.kernels.bpmfPrior(d, n, ws.f64(d * d).fill(NaN), ws.f64(2 * d), ws.f64(d * d), ws.f64(d))).toBe(-1);
  });
});
