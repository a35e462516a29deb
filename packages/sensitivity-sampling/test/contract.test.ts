// The contract of every public entry point, on both backends, by seeded
// property-based tests: generated valid inputs give results that match their
// definitions (leverage scores are the diagonal of the hat matrix and sum to
// the rank, Lewis weights satisfy their fixed point, sampling probabilities
// come from one distribution), generated invalid inputs of every kind are
// refused with a LowrankError of a sensible code, an aborted signal stops a
// run before any work, a refused call leaves the next one working, and memory
// stays flat over many calls (docs/ARCHITECTURE.md, "Tests").
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  abortedSignal, arbMatrix, BAD_NUMBERS, badMatrices, expectContract, expectFinite, expectRefused, fc, fcParams, outcome, WRONG_TYPES, type Code,
} from "@lowrank/test-utils/contract";
import { svd, type DenseMatrix } from "@lowrank/linalg";
import {
  coreset, init, leverageScores, leverageScoresAsync, lewisWeights, lpObjective, lpRegression, lpSensitivities, onlineLewisWeight,
  OnlineLeverageSampler, OnlineLewisSampler, projectionBounds, rootLeverageScores, sample, srhtSize,
} from "../src/index.js";
import { sensitivityModule } from "../src/module.js";
import { quadForms, randn } from "./helpers.js";

const BACKENDS = ["js", "wasm"] as const;
type Backend = (typeof BACKENDS)[number];

/** Every case run (property runs and enumerated invalid inputs), reported at the end. */
let cases = 0;
const started = Date.now();

beforeAll(async () => {
  await init();
});

afterAll(() => {
  console.log(`sensitivity-sampling contract: ${cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** Property runs per backend: fast enough for the whole suite to stay well under 40 s. */
const RUNS = Number(process.env.CONTRACT_RUNS ?? 200);
/** The suite's seed (fixed; another can be tried with CONTRACT_SEED). */
const SEED = Number(process.env.CONTRACT_SEED ?? 20261206);

const arbBackend = fc.constantFrom<Backend>(...BACKENDS);

/** Tall matrices of moderate entries (full column rank with probability 1) for the checks against definitions. */
const arbTall = fc.record({ d: fc.integer({ min: 1, max: 5 }), extra: fc.integer({ min: 0, max: 10 }), seed: fc.integer({ min: 1, max: 1e6 }) })
  .map(({ d, extra, seed }) => randn(d + 1 + extra, d, seed));

/** The same matrix in another accepted form: number[][], { data: number[] } or a column-major ndarray-like view. */
function asForm(A: DenseMatrix, form: number): unknown {
  const { rows, cols, data } = A;
  if (form === 1) return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
  if (form === 2) return { rows, cols, data: Array.from(data) };
  if (form === 3) {
    const t = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = data[i * cols + j];
    return { shape: [rows, cols], stride: [1, rows], offset: 0, data: t };
  }
  return A;
}

const sumOf = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0);

/**
 * σ_1 / σ_rank of A as leverageScores works on it: A itself when every column's largest |entry| is within
 * [2^-400, 2^400], else A with each column scaled by a power of two to a largest |entry| in [1, 2)
 * (Infinity when rank is 0).
 */
function scaledCondition(A: DenseMatrix, rank: number): number {
  if (rank === 0) return Infinity;
  const { rows, cols } = A;
  const data = Float64Array.from(A.data);
  const big = Array.from({ length: cols }, (_, j) => Math.max(...Array.from({ length: rows }, (_, i) => Math.abs(data[i * cols + j]))));
  const inRange = big.every((m) => m === 0 || (m >= 2 ** -400 && m <= 2 ** 400));
  for (let j = 0; j < cols && !inRange; j++) {
    if (big[j] === 0) continue;
    const e = Math.floor(Math.log2(big[j]));
    // 2^-e in two factors: it is out of double range for |e| > 1023.
    const f1 = 2 ** -Math.trunc(e / 2), f2 = 2 ** -(e - Math.trunc(e / 2));
    for (let i = 0; i < rows; i++) data[i * cols + j] = data[i * cols + j] * f1 * f2;
  }
  const s = svd({ rows, cols, data }, { backend: "js" }).s;
  return s[0] / s[rank - 1];
}

/** Codes a refused matrix argument may carry. */
const MATRIX_CODES: readonly Code[] = ["SHAPE", "EMPTY", "NON_FINITE", "TOO_LARGE", "INVALID_ARGUMENT"];

async function refused(fn: () => unknown, codes: readonly Code[], what: string): Promise<void> {
  cases++;
  await expectRefused(fn, codes, what);
}

async function contract<T>(fn: () => T | Promise<T>, what: string, check?: (v: Awaited<T>) => void) {
  cases++;
  return expectContract(fn, what, check);
}

/** A property over generated inputs, counted. */
async function property<T>(arb: fc.Arbitrary<T>, run: (x: T) => Promise<void>, runs = RUNS): Promise<void> {
  await fc.assert(fc.asyncProperty(arb, async (x) => {
    cases++;
    await run(x);
  }), fcParams(runs, SEED));
}

describe("leverage scores", () => {
  it("equal the diagonal of the dense hat matrix and sum to the rank, in every input form, on both backends", async () => {
    await property(fc.tuple(arbTall, arbBackend, fc.integer({ min: 0, max: 3 })), async ([A, backend, form]) => {
      const res = leverageScores(asForm(A, form) as DenseMatrix, { backend });
      expectFinite(res, "leverageScores");
      expect(res.rank).toBe(A.cols);
      const hat = quadForms(A, new Float64Array(A.rows).fill(1));
      for (let i = 0; i < A.rows; i++) expect(Math.abs(res.scores[i] - hat[i])).toBeLessThan(1e-8);
      expect(Math.abs(sumOf(res.scores) - res.rank)).toBeLessThan(1e-9 * A.rows);
      if (form !== 0) expect(Array.from(res.scores)).toEqual(Array.from(leverageScores(A, { backend }).scores));
    });
  });

  it("give finite scores in [0, 1] summing to the rank on matrices spanning double range (within cond(A) eps)", async () => {
    await property(fc.tuple(arbMatrix(10, 5), arbBackend), async ([A, backend]) => {
      const o = await contract(() => leverageScores(A, { backend }), "leverageScores(extreme)", (res) => {
        // Every method's error grows as cond(A) eps (of A as the method sees it: with its columns scaled when
        // one is out of range, which changes no score).
        const tol = 1e-10 + 1e3 * 2.2e-16 * scaledCondition(A, res.rank);
        for (const s of res.scores) expect(s).toBeGreaterThanOrEqual(0);
        for (const s of res.scores) expect(s).toBeLessThanOrEqual(1 + tol);
        expect(Math.abs(sumOf(res.scores) - res.rank)).toBeLessThanOrEqual(tol * Math.max(1, res.rank));
      });
      // Finite input is never refused for its magnitude: the scores are scale free.
      expect(o.ok, o.ok ? "" : o.message).toBe(true);
    });
  });

  it("sketched (CountSketch, SRHT, projections) and async forms keep the contract; the async form equals the sync one bit for bit", async () => {
    const arb = fc.tuple(
      arbMatrix(40, 6), arbBackend, fc.constantFrom("countsketch", "srht") as fc.Arbitrary<"countsketch" | "srht">,
      fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }), fc.integer({ min: 0, max: 1000 }),
    );
    await property(arb, async ([A, backend, sketch, projections, seed]) => {
      const opts = { backend, method: "sketch" as const, sketch, projections, seed };
      const o = await contract(() => leverageScores(A, opts), `leverageScores(${sketch})`, (res) => {
        expect(res.rank).toBeLessThanOrEqual(A.cols);
        for (const s of res.scores) expect(s).toBeGreaterThanOrEqual(0);
      });
      const a = await contract(() => leverageScoresAsync(A, opts), "leverageScoresAsync");
      expect(a.ok).toBe(o.ok);
      if (o.ok && a.ok) expect(Array.from(a.value.scores)).toEqual(Array.from(o.value.scores));
      const r = await contract(() => rootLeverageScores(A, 1.5, opts), "rootLeverageScores");
      if (o.ok && r.ok) for (let i = 0; i < A.rows; i++) expect(r.value.scores[i]).toBe(Math.pow(o.value.scores[i], 0.75));
    }, RUNS / 2);
  });

  it("projectionBounds and srhtSize: finite for every valid argument, refused otherwise", async () => {
    await property(fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 1000 }), fc.double({ min: 1e-300, max: 0.999, noNaN: true })), async ([n, k, delta]) => {
      const [lo, hi] = projectionBounds(n, k, delta);
      expect(Number.isFinite(lo) && Number.isFinite(hi)).toBe(true);
      expect(lo).toBeLessThanOrEqual(1);
      expect(hi).toBeGreaterThanOrEqual(1);
      const m = srhtSize(Math.min(n, 2 ** 31 - 1), Math.max(1, k));
      expect(Number.isInteger(m) && m >= 1).toBe(true);
    });
    for (const bad of [Infinity, -Infinity, NaN, 0, -1, 1.5, "10", null, undefined, 2 ** 60]) {
      await refused(() => projectionBounds(bad as number, 3), ["INVALID_ARGUMENT"], `projectionBounds(${String(bad)})`);
      await refused(() => projectionBounds(100, bad === 0 ? -1 : (bad as number)), ["INVALID_ARGUMENT"], `projectionBounds(100, ${String(bad)})`);
      if (bad !== 2 ** 60) await refused(() => srhtSize(100, bad as number), ["INVALID_ARGUMENT"], `srhtSize(100, ${String(bad)})`);
      await refused(() => srhtSize(bad as number, 3), ["INVALID_ARGUMENT"], `srhtSize(${String(bad)}, 3)`);
    }
    for (const delta of [0, 1, -0.5, 2, NaN, Infinity, "0.1"]) {
      await refused(() => projectionBounds(100, 3, delta as number), ["INVALID_ARGUMENT"], `projectionBounds delta ${String(delta)}`);
    }
  });
});

describe("Lewis weights and sensitivities", () => {
  it("Lewis weights satisfy w_i = (a_iᵀ (Aᵀ W^(1-2/p) A)⁻¹ a_i)^(p/2) and sum to the rank, on both backends", async () => {
    const arb = fc.tuple(arbTall, arbBackend, fc.constantFrom(0.5, 1, 1.5, 2, 3, 5), fc.constantFrom("exact", "sketch") as fc.Arbitrary<"exact" | "sketch">);
    await property(arb, async ([A, backend, p, method]) => {
      if (method === "sketch" && p >= 4) return;
      const o = await contract(() => lewisWeights(A, p, { backend, method, seed: 1, tol: 1e-12, maxIter: 500 }), "lewisWeights");
      if (!o.ok) {
        // The sketch of a short A can be rank-deficient (rows colliding in its buckets): documented as RANK.
        expect(method === "sketch" && o.code === "RANK", o.message).toBe(true);
        return;
      }
      const res = o.value;
      expect(res.rank).toBe(A.cols);
      if (method === "sketch") return; // the sketched map's fixed point is approximate by design
      expect(res.converged).toBe(true);
      expect(Math.abs(sumOf(res.weights) - res.rank)).toBeLessThan(1e-6 * res.rank);
      const q = quadForms(A, Array.from(res.weights, (w) => Math.pow(w, 1 - 2 / p)));
      for (let i = 0; i < A.rows; i++) expect(Math.abs(Math.pow(q[i], p / 2) - res.weights[i])).toBeLessThan(1e-6);
      const sens = await lpSensitivities(A, p, { backend, tol: 1e-12, maxIter: 500 });
      expect(sens.factor).toBe(Math.max(1, Math.pow(sens.rank, p / 2 - 1)));
      for (let i = 0; i < A.rows; i++) expect(Math.abs(sens.sensitivities[i] - sens.factor * res.weights[i])).toBeLessThan(1e-6 * sens.factor);
    }, RUNS / 2);
  });

  it("keep the contract on matrices spanning double range (Lewis exact/sketch, both sensitivity methods)", async () => {
    const arb = fc.tuple(arbMatrix(8, 3), arbBackend, fc.constantFrom(1, 1.5, 3, 6), fc.integer({ min: 0, max: 3 }));
    await property(arb, async ([A, backend, p, which]) => {
      if (which === 0) await contract(() => lewisWeights(A, p, { backend }), "lewisWeights", (r) => expect(r.weights.every((w) => w >= 0)).toBe(true));
      if (which === 1 && p < 4) await contract(() => lewisWeights(A, p, { backend, method: "sketch" }), "lewisWeights(sketch)");
      if (which === 2) await contract(() => lpSensitivities(A, p, { backend }), "lpSensitivities");
      if (which === 3) await contract(() => lpSensitivities(A, p, { backend, method: "exact" }), "lpSensitivities(exact)", (r) => {
        for (const s of r.sensitivities) expect(s).toBeLessThanOrEqual(1 + 1e-6);
      });
    }, RUNS / 2);
  });
});

describe("exponents across double range", () => {
  it("every entry point taking p gives a finite result or a LowrankError for any finite p > 0", async () => {
    const arbP = fc.oneof(fc.constantFrom(1e-300, 1e-9, 0.01, 0.3, 1, 2, 4, 7.5, 64, 1000, 1e6, 1e300), fc.double({ min: 1e-3, max: 20, noNaN: true }));
    const arb = fc.tuple(fc.oneof(arbTall, arbMatrix(8, 3)), arbBackend, arbP, fc.integer({ min: 0, max: 7 }));
    await property(arb, async ([A, backend, p, which]) => {
      const b = Float64Array.from({ length: A.rows }, (_, i) => Math.cos(i + 1));
      const x = Float64Array.from({ length: A.cols }, (_, j) => j - 1);
      const calls: (() => unknown)[] = [
        () => lewisWeights(A, p, { backend, maxIter: 50 }),
        () => lewisWeights(A, Math.min(p, 3.9), { backend, method: "sketch", maxIter: 50 }),
        () => lpSensitivities(A, p, { backend, maxIter: 50 }),
        () => lpRegression(A, b, p, { backend, maxIter: 30 }),
        () => coreset(A, b, { backend, p, m: 2, scores: (["lewis", "root-leverage", "mixed"] as const)[A.rows % 3] }),
        async () => (await OnlineLewisSampler.create(A.cols, { backend, p, seed: 1 })).push(A),
        () => lpObjective(A, b, x, p),
        () => rootLeverageScores(A, p, { backend }),
      ];
      const o = await contract(calls[which], `p = ${p}, call ${which}`);
      if (!o.ok) expect(["NON_FINITE", "NOT_CONVERGED", "RANK", "SHAPE"], o.message).toContain(o.code);
    });
  });
});

describe("sampling and coresets", () => {
  it("sample: probabilities come from one distribution summing to 1 (with replacement) or to m (without)", async () => {
    const arbScores = fc.array(fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(0, 1e-300, 1e300, 1.7e308)), { minLength: 1, maxLength: 50 });
    await property(fc.tuple(arbScores, fc.integer({ min: 1, max: 60 }), fc.boolean(), fc.integer({ min: 0, max: 99 })), async ([s, m, replacement, seed]) => {
      const o = await contract(() => sample(s, m, { seed, replacement }), "sample");
      if (!o.ok) {
        expect(s.every((v) => v === 0) && o.code === "INVALID_ARGUMENT").toBe(true);
        return;
      }
      const { indices, weights, probabilities } = o.value;
      for (let k = 1; k < indices.length; k++) expect(indices[k]).toBeGreaterThan(indices[k - 1]);
      const big = Math.max(...s), scaled = s.map((v) => v / big);
      const S = sumOf(scaled);
      if (replacement) {
        // q_i = s_i / Σ s: the kept rows' probabilities are those of one distribution over all rows, which sums to 1.
        for (let k = 0; k < indices.length; k++) expect(Math.abs(probabilities[k] - scaled[indices[k]] / S)).toBeLessThan(1e-12);
        expect(Math.abs(sumOf(scaled.map((v) => v / S)) - 1)).toBeLessThan(1e-12);
        for (let k = 0; k < indices.length; k++) expect(weights[k] * m * probabilities[k]).toBeGreaterThanOrEqual(1 - 1e-9);
      } else {
        for (let k = 0; k < indices.length; k++) expect(weights[k]).toBeCloseTo(1 / probabilities[k], 9);
        const capped = probabilities.findIndex((q) => q < 1);
        if (capped >= 0) {
          // p_i = min(1, c s_i) with one c, and Σ_i p_i = min(m, #positive).
          const c = probabilities[capped] / scaled[indices[capped]];
          const total = sumOf(scaled.map((v) => Math.min(1, c * v)));
          expect(Math.abs(total - Math.min(m, s.filter((v) => v > 0).length))).toBeLessThan(1e-6 * m);
        }
      }
    });
  });

  it("coreset: the kept rows of [A | b] with weights 1/p, on every scheme and both backends", async () => {
    const schemes = ["lewis", "leverage", "root-leverage", "mixed", "uniform", "sensitivity"] as const;
    const arb = fc.tuple(arbTall, arbBackend, fc.constantFrom(...schemes), fc.constantFrom(1, 2, 3), fc.integer({ min: 1, max: 8 }), fc.boolean());
    await property(arb, async ([A, backend, scores, p, m, replacement]) => {
      const b = Float64Array.from({ length: A.rows }, (_, i) => Math.cos(i));
      await contract(() => coreset(A, b, { backend, scores, p, m, seed: 2, replacement }), "coreset", (cs) => {
        expect(cs.A.rows).toBe(cs.indices.length);
        cs.indices.forEach((i, k) => {
          expect(Array.from(cs.A.data.subarray(k * A.cols, (k + 1) * A.cols))).toEqual(Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));
          expect(cs.b[k]).toBe(b[i]);
        });
      });
    }, RUNS / 2);
  });
});

describe("regression", () => {
  it("lpRegression's objective is lpObjective at its x and no worse than least squares", async () => {
    const arb = fc.tuple(arbTall, arbBackend, fc.constantFrom(1, 1.5, 2, 3), fc.integer({ min: 1, max: 1e6 }));
    await property(arb, async ([A, backend, p, seed]) => {
      const b = randn(A.rows, 1, seed).data;
      const res = await lpRegression(A, b, p, { backend });
      expectFinite(res, "lpRegression");
      const f = lpObjective(A, b, res.x, p);
      const floor = 1e-12 * b.reduce((acc, v) => acc + Math.abs(v) ** p, 0);
      expect(Math.abs(f - res.objective)).toBeLessThanOrEqual(1e-9 * Math.max(res.objective, floor));
      const ls = await lpRegression(A, b, 2, { backend });
      expect(res.objective).toBeLessThanOrEqual(Math.max(lpObjective(A, b, ls.x, p) * (1 + 1e-9), floor));
    });
  });

  it("lpRegression keeps the contract on matrices spanning double range", async () => {
    const arb = fc.tuple(arbMatrix(12, 3), arbBackend, fc.constantFrom(1, 1.5, 2, 3), fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(1, 1e-300, 1e300));
    await property(arb, async ([A, backend, p, seed, scale]) => {
      const b = randn(A.rows, 1, seed).data.map((v) => v * scale);
      const o = await contract(() => lpRegression(A, b, p, { backend }), `lpRegression p=${p}`);
      if (!o.ok) expect(["SHAPE", "RANK", "NON_FINITE"], o.message).toContain(o.code);
    });
  });

  it("lpObjective is Σ w_i |a_iᵀx - b_i|^p, finite or refused for any finite input", async () => {
    const arb = fc.tuple(arbMatrix(6, 3), fc.constantFrom(0.5, 1, 2, 7, 300), fc.constantFrom(1, 1e-300, 1e300));
    await property(arb, async ([A, p, scale]) => {
      const x = Array.from({ length: A.cols }, (_, j) => scale * (j + 1));
      const b = Array.from({ length: A.rows }, (_, i) => scale * Math.sin(i));
      const w = Array.from({ length: A.rows }, (_, i) => i % 3);
      await contract(() => lpObjective(A, b, x, p, w), "lpObjective", (f) => {
        expect(f).toBeGreaterThanOrEqual(0);
        let direct = 0;
        for (let i = 0; i < A.rows; i++) {
          let r = b[i];
          for (let j = 0; j < A.cols; j++) r -= A.data[i * A.cols + j] * x[j];
          direct += w[i] * Math.abs(r) ** p;
        }
        if (Number.isFinite(direct)) expect(f).toBe(direct);
      });
    });
  });
});

describe("online samplers", () => {
  it("score every row finitely, keep rows with weights >= 1, and refuse a push they cannot represent without changing state", async () => {
    const arb = fc.tuple(fc.array(arbMatrix(6, 3), { minLength: 1, maxLength: 4 }), arbBackend, fc.constantFrom(0, 1, 2), fc.integer({ min: 1, max: 5 }));
    await property(arb, async ([batches, backend, kind, batchSize]) => {
      const d = batches[0].cols;
      const make = () => (kind === 0
        ? OnlineLeverageSampler.create(d, { backend, seed: 1, batchSize })
        : OnlineLewisSampler.create(d, { backend, seed: 1, batchSize, p: kind === 1 ? 1 : 3 }));
      const s = await make(), twin = await make();
      for (const B of batches) {
        const X = B.cols === d ? B : { rows: B.rows, cols: d, data: new Float64Array(B.rows * d).fill(B.data[0]) };
        const seen = s.seen;
        const o = await contract(() => s.push(X), "push", (r) => {
          for (const q of r.scores) expect(q).toBeGreaterThanOrEqual(-1e-6);
          for (const w of r.weights) expect(w).toBeGreaterThanOrEqual(1);
          for (const i of r.indices) expect(i >= seen && i < seen + X.rows).toBe(true);
        });
        if (!o.ok) {
          expect(o.code).toBe("NON_FINITE");
          expect(s.seen).toBe(seen);
        } else {
          // The twin sees only the accepted pushes and must decide exactly the same.
          const t = twin.push(X);
          expect(Array.from(t.indices)).toEqual(Array.from(o.value.indices));
          expect(Array.from(t.scores)).toEqual(Array.from(o.value.scores));
        }
      }
    });
  });

  it("onlineLewisWeight solves its equation for every finite s >= 0 and p > 0", async () => {
    const arb = fc.tuple(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, 5e-324, 1e-300, 1e300, 1.7e308)), fc.constantFrom(0.5, 1, 1.5, 2, 3, 8));
    await property(arb, async ([s, p]) => {
      const w = onlineLewisWeight(s, p);
      expect(Number.isFinite(w) && w >= 0 && w <= 1).toBe(true);
      // Checked where w is a normal number (below, w = s^(p/2) underflows and 0 is the closest double).
      if (s > 1e-100 && s < 1e100 && w > 1e-300) {
        const lhs = Math.pow(w, 2 / p), rhs = s / (1 + s * Math.pow(w, 1 - 2 / p));
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * Math.max(lhs, rhs) + 1e-300);
      }
    });
    for (const bad of [NaN, -1, Infinity, "1", null]) {
      await refused(() => onlineLewisWeight(bad as number, 1), ["INVALID_ARGUMENT"], `onlineLewisWeight(${String(bad)})`);
      await refused(() => onlineLewisWeight(0.5, bad as number), ["INVALID_ARGUMENT"], `onlineLewisWeight(0.5, ${String(bad)})`);
    }
  });
});

/** Every entry point that takes a matrix, called with `A` (and valid other arguments). */
function matrixCalls(backend: Backend): [string, (A: unknown) => unknown][] {
  const b = [1, 2, 3, 4];
  return [
    ["leverageScores", (A) => leverageScores(A as DenseMatrix, { backend })],
    ["leverageScores(sketch)", (A) => leverageScores(A as DenseMatrix, { backend, method: "sketch" })],
    ["leverageScoresAsync", (A) => leverageScoresAsync(A as DenseMatrix, { backend })],
    ["rootLeverageScores", (A) => rootLeverageScores(A as DenseMatrix, 1, { backend })],
    ["lewisWeights", (A) => lewisWeights(A as DenseMatrix, 1, { backend })],
    ["lewisWeights(sketch)", (A) => lewisWeights(A as DenseMatrix, 1, { backend, method: "sketch" })],
    ["lpSensitivities", (A) => lpSensitivities(A as DenseMatrix, 1, { backend })],
    ["lpSensitivities(exact)", (A) => lpSensitivities(A as DenseMatrix, 1, { backend, method: "exact" })],
    ["coreset", (A) => coreset(A as DenseMatrix, b, { backend, m: 2 })],
    ["lpRegression", (A) => lpRegression(A as DenseMatrix, b, 1, { backend })],
    ["lpObjective", (A) => lpObjective(A as DenseMatrix, b, [1, 2, 3], 1)],
    ["OnlineLeverageSampler.push", async (A) => (await OnlineLeverageSampler.create(3, { backend })).push(A as DenseMatrix)],
    ["OnlineLewisSampler.push", async (A) => (await OnlineLewisSampler.create(3, { backend })).push(A as DenseMatrix)],
  ];
}

describe("invalid input is refused with a sensible code", () => {
  it.each(BACKENDS)("bad matrices, on %s", async (backend) => {
    for (const [name, call] of matrixCalls(backend)) {
      for (const [k, bad] of badMatrices(4, 3).entries()) {
        // An empty batch is a valid push (it keeps nothing).
        if (name.endsWith(".push") && k === 7) continue;
        await refused(() => call(bad), MATRIX_CODES, `${name}(bad matrix #${k})`);
      }
    }
  });

  it.each(BACKENDS)("bad vectors (b, x, weights, scores) and bad p, on %s", async (backend) => {
    const A = randn(4, 3, 1);
    const VECTOR_CODES: readonly Code[] = ["SHAPE", "EMPTY", "NON_FINITE", "TOO_LARGE", "INVALID_ARGUMENT"];
    const badVectors = [...WRONG_TYPES, [1, 2, 3], [1, 2, 3, 4, 5], [1, 2, NaN, 4], [1, Infinity, 3, 4], new BigInt64Array(4)];
    for (const v of badVectors) {
      await refused(() => lpRegression(A, v as number[], 1, { backend }), VECTOR_CODES, "lpRegression(b)");
      // undefined weights are absent weights (all 1).
      if (v !== undefined) await refused(() => lpRegression(A, [1, 2, 3, 4], 1, { backend, weights: v as number[] }), VECTOR_CODES, "lpRegression(weights)");
      await refused(() => coreset(A, v as number[], { backend, m: 2 }), VECTOR_CODES, "coreset(b)");
      await refused(() => lpObjective(A, v as number[], [1, 2, 3], 1), VECTOR_CODES, "lpObjective(b)");
      if (!(Array.isArray(v) && v.length === 3 && v.every(Number.isFinite))) {
        await refused(() => lpObjective(A, [1, 2, 3, 4], v as number[], 1), VECTOR_CODES, "lpObjective(x)");
      }
      if (v !== undefined) await refused(() => lpObjective(A, [1, 2, 3, 4], [1, 2, 3], 1, v as number[]), VECTOR_CODES, "lpObjective(weights)");
      if (!(Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number" && Number.isFinite(x)))) {
        await refused(() => sample(v as number[], 2), VECTOR_CODES, "sample(scores)");
      }
    }
    await refused(() => lpRegression(A, [1, 2, 3, 4], 1, { backend, weights: [1, -1, 1, 1] }), ["INVALID_ARGUMENT"], "negative weight");
    await refused(() => lpObjective(A, [1, 2, 3, 4], [1, 2, 3], 1, [1, -1, 1, 1]), ["INVALID_ARGUMENT"], "negative weight");
    await refused(() => sample([1, -1, 2], 2), ["INVALID_ARGUMENT"], "negative score");
    await refused(() => sample([0, 0], 1), ["INVALID_ARGUMENT"], "zero scores");
    for (const p of [0, -1, NaN, Infinity, -Infinity, "1", null, undefined, {}, [1], true]) {
      const q = p as number;
      await refused(() => rootLeverageScores(A, q, { backend }), ["INVALID_ARGUMENT"], `rootLeverageScores p=${String(p)}`);
      await refused(() => lewisWeights(A, q, { backend }), ["INVALID_ARGUMENT"], `lewisWeights p=${String(p)}`);
      await refused(() => lpSensitivities(A, q, { backend }), ["INVALID_ARGUMENT"], `lpSensitivities p=${String(p)}`);
      await refused(() => lpRegression(A, [1, 2, 3, 4], q, { backend }), ["INVALID_ARGUMENT"], `lpRegression p=${String(p)}`);
      await refused(() => lpObjective(A, [1, 2, 3, 4], [1, 2, 3], q), ["INVALID_ARGUMENT"], `lpObjective p=${String(p)}`);
      if (p !== undefined) {
        await refused(() => coreset(A, [1, 2, 3, 4], { backend, m: 2, p: q }), ["INVALID_ARGUMENT"], `coreset p=${String(p)}`);
        await refused(() => OnlineLewisSampler.create(3, { backend, p: q }), ["INVALID_ARGUMENT"], `OnlineLewisSampler p=${String(p)}`);
      }
    }
    for (const m of [0, -1, 1.5, NaN, Infinity, 2 ** 31, "3", null, undefined, {}]) {
      await refused(() => sample([1, 2, 3], m as number), ["INVALID_ARGUMENT"], `sample m=${String(m)}`);
      await refused(() => coreset(A, [1, 2, 3, 4], { backend, m: m as number }), ["INVALID_ARGUMENT"], `coreset m=${String(m)}`);
    }
    for (const d of [0, -1, 1.5, NaN, Infinity, "3", null, undefined]) {
      await refused(() => OnlineLeverageSampler.create(d as number, { backend }), ["INVALID_ARGUMENT"], `OnlineLeverageSampler d=${String(d)}`);
    }
  });

  it.each(BACKENDS)("options: non-objects, unknown keys (with the name meant) and out-of-range values, on %s", async (backend) => {
    const A = randn(6, 3, 2), b = [1, 2, 3, 4, 5, 6];
    /** Each entry point with its options argument, and its numeric options with the values they accept. */
    const entries: [string, (o: unknown) => unknown, Record<string, (v: number) => boolean>][] = [
      ["leverageScores", (o) => leverageScores(A, { backend, ...(o as object) }), {
        seed: Number.isFinite, sketchSize: (v) => Number.isInteger(v) && v >= 1, projections: (v) => Number.isInteger(v) && v >= 0, rcond: (v) => Number.isFinite(v) && v >= 0,
      }],
      ["leverageScoresAsync", (o) => leverageScoresAsync(A, { backend, ...(o as object) }), { rcond: (v) => Number.isFinite(v) && v >= 0 }],
      ["lewisWeights", (o) => lewisWeights(A, 1, { backend, ...(o as object) }), {
        maxIter: (v) => Number.isInteger(v) && v >= 1, tol: (v) => Number.isFinite(v) && v >= 0, rcond: (v) => Number.isFinite(v) && v >= 0,
        sketchSize: (v) => Number.isInteger(v) && v >= 1, seed: Number.isFinite,
      }],
      ["lpSensitivities", (o) => lpSensitivities(A, 1, { backend, ...(o as object) }), {
        maxIter: (v) => Number.isInteger(v) && v >= 1, tol: (v) => Number.isFinite(v) && v >= 0, rcond: (v) => Number.isFinite(v) && v >= 0,
      }],
      ["lpRegression", (o) => lpRegression(A, b, 1, { backend, ...(o as object) }), {
        maxIter: (v) => Number.isInteger(v) && v >= 0, tol: (v) => Number.isFinite(v) && v >= 0,
      }],
      ["coreset", (o) => coreset(A, b, { backend, m: 2, ...(o as object) }), { seed: Number.isFinite, p: (v) => Number.isFinite(v) && v > 0, m: (v) => Number.isInteger(v) && v >= 1 }],
      ["sample", (o) => sample([1, 2, 3], 2, o as object), { seed: Number.isFinite }],
      ["OnlineLeverageSampler.create", (o) => OnlineLeverageSampler.create(3, { backend, ...(o as object) }), {
        oversample: (v) => Number.isFinite(v) && v > 0, lambda: (v) => Number.isFinite(v) && v > 0, seed: Number.isFinite, batchSize: (v) => Number.isInteger(v) && v >= 1,
      }],
      ["OnlineLewisSampler.create", (o) => OnlineLewisSampler.create(3, { backend, ...(o as object) }), { p: (v) => Number.isFinite(v) && v > 0 }],
    ];
    for (const [name, call, numeric] of entries) {
      await refused(() => call({ nonsense: 1 }), ["INVALID_ARGUMENT"], `${name}: unknown key`);
      // A name from another library gets a "did you mean" with this function's own name.
      const [alias, meant] = "maxIter" in numeric ? ["max_iter", "maxIter"] : "seed" in numeric ? ["random_state", "seed"] : ["tolerance", ""];
      const o = await outcome(() => call({ [alias]: 1 }), name);
      cases++;
      expect(o.ok).toBe(false);
      if (!o.ok && meant) expect(o.message).toContain(`did you mean "${meant}"`);
      await refused(() => call({ backend: "gpu" }), ["INVALID_ARGUMENT"], `${name}: backend`);
      for (const [key, ok] of Object.entries(numeric)) {
        for (const v of BAD_NUMBERS) {
          // Large valid sizes would be slow or refused as TOO_LARGE; those are checked separately.
          if (typeof v === "number" && ok(v)) {
            if (v < 1e6) await contract(() => call({ [key]: v }), `${name}: ${key} = ${v}`);
            continue;
          }
          await refused(() => call({ [key]: v }), ["INVALID_ARGUMENT"], `${name}: ${key} = ${String(v)}`);
        }
      }
    }
    for (const bad of [null, 1, "x", [], true, new Float64Array(2)]) {
      await refused(() => leverageScores(A, bad as object), ["INVALID_ARGUMENT"], "leverageScores(non-object options)");
      await refused(() => lewisWeights(A, 1, bad as object), ["INVALID_ARGUMENT"], "lewisWeights(non-object options)");
      await refused(() => lpRegression(A, b, 1, bad as object), ["INVALID_ARGUMENT"], "lpRegression(non-object options)");
      await refused(() => coreset(A, b, bad as never), ["INVALID_ARGUMENT"], "coreset(non-object options)");
      await refused(() => sample([1, 2], 1, bad as object), ["INVALID_ARGUMENT"], "sample(non-object options)");
      await refused(() => OnlineLeverageSampler.create(3, bad as object), ["INVALID_ARGUMENT"], "OnlineLeverageSampler.create(non-object options)");
    }
    for (const [key, v] of [["method", "svd"], ["sketch", "fjlt"], ["onProgress", 3], ["signal", {}], ["replacement", 1], ["scores", "random"]] as const) {
      const call = key === "replacement" ? () => sample([1, 2], 1, { [key]: v } as object)
        : key === "scores" ? () => coreset(A, b, { m: 2, [key]: v } as never)
        : key === "onProgress" || key === "signal" ? () => lewisWeights(A, 1, { backend, [key]: v } as object)
        : () => leverageScores(A, { backend, [key]: v } as object);
      await refused(call, ["INVALID_ARGUMENT"], `${key} = ${String(v)}`);
    }
  });

  it("random option objects (known and unknown keys, values of every type) give a result or a LowrankError, never a hang", async () => {
    const A = randn(12, 3, 7), b = Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const value = fc.oneof(
      fc.constantFrom<unknown>(...WRONG_TYPES, ...BAD_NUMBERS, 0, 1, 2, 3, 1e-12, 0.25, 2 ** 31 - 1, "wasm", "js", "qr", "sketch", "srht",
        "countsketch", "exact", "lewis-bound", "lewis", "mixed", "uniform", abortedSignal(), () => undefined),
      fc.integer({ min: -5, max: 300 }), fc.double({ noNaN: false }),
    );
    const LONG = ["maxIter", "tol", "onProgress", "signal"];
    const calls: [string, string[], (o: object) => unknown][] = [
      ["leverageScores", ["method", "seed", "sketch", "sketchSize", "projections", "rcond"], (o) => leverageScores(A, o)],
      ["leverageScoresAsync", ["method", "seed", "sketch", "sketchSize", "projections", "rcond", "signal", "onProgress"], (o) => leverageScoresAsync(A, o)],
      ["rootLeverageScores", ["method", "seed", "sketch", "sketchSize", "projections"], (o) => rootLeverageScores(A, 1, o)],
      ["lewisWeights", ["method", "seed", "sketchSize", "rcond", ...LONG], (o) => lewisWeights(A, 1.5, o)],
      ["lpSensitivities", ["method", "rcond", ...LONG], (o) => lpSensitivities(A, 3, o)],
      ["lpRegression", ["weights", ...LONG], (o) => lpRegression(A, b, 1.5, o)],
      ["coreset", ["p", "m", "scores", "seed", "replacement", "signal"], (o) => coreset(A, b, { m: 3, ...o } as never)],
      ["sample", ["seed", "replacement"], (o) => sample(b.map(Math.abs), 3, o)],
      ["OnlineLeverageSampler", ["oversample", "lambda", "seed", "batchSize"], async (o) => (await OnlineLeverageSampler.create(3, o)).push(A)],
      ["OnlineLewisSampler", ["p", "oversample", "lambda", "seed", "batchSize"], async (o) => (await OnlineLewisSampler.create(3, o)).push(A)],
    ];
    const arb = fc.integer({ min: 0, max: calls.length - 1 }).chain((c) => fc.tuple(
      fc.constant(c),
      fc.dictionary(fc.oneof({ weight: 9, arbitrary: fc.constantFrom("backend", ...calls[c][1]) }, { weight: 1, arbitrary: fc.constantFrom("rank", "max_iter", "x") }), value, { maxKeys: 4 }),
    ));
    await property(arb, async ([c, opts]) => {
      const [name, , call] = calls[c];
      const o = await contract(() => call(opts), `${name}(${Object.keys(opts).join(", ")})`);
      if (!o.ok) expect(["INVALID_ARGUMENT", "ABORTED", "TOO_LARGE", "RANK", "NOT_CONVERGED", "NON_FINITE", "SHAPE", "EMPTY"], `${name}: ${o.message}`).toContain(o.code);
    }, RUNS * 2);
  });

  it.each(BACKENDS)("sizes that cannot be allocated are refused before allocating, on %s", async (backend) => {
    const A = randn(50, 3, 3);
    const t0 = Date.now();
    await refused(() => OnlineLeverageSampler.create(1e6, { backend }), ["TOO_LARGE"], "OnlineLeverageSampler d = 1e6");
    await refused(() => OnlineLewisSampler.create(30000, { backend }), ["TOO_LARGE"], "OnlineLewisSampler d = 30000");
    await refused(() => OnlineLeverageSampler.create(3, { backend, batchSize: 2 ** 30 }), ["INVALID_ARGUMENT"], "batchSize 2^30 (at most 2^20)");
    await refused(() => OnlineLeverageSampler.create(20000, { backend, batchSize: 2 ** 20 }), ["TOO_LARGE"], "batch of 2^20 rows of 20000");
    await refused(() => sample([1, 2, 3], 1e9, { replacement: true }), ["TOO_LARGE"], "sample m = 1e9 with replacement");
    await refused(() => coreset(A, new Float64Array(50), { backend, m: 1e9, replacement: true }), ["TOO_LARGE"], "coreset m = 1e9 with replacement");
    await refused(() => leverageScores(A, { backend, method: "sketch", sketchSize: 2 ** 31 - 1 }), ["TOO_LARGE"], "sketchSize 2^31-1");
    await refused(() => leverageScores(A, { backend, method: "sketch", projections: 2 ** 31 - 1 }), ["TOO_LARGE"], "projections 2^31-1");
    await refused(() => lewisWeights(A, 1, { backend, method: "sketch", sketchSize: 2 ** 31 - 1 }), ["TOO_LARGE"], "Lewis sketchSize 2^31-1");
    await refused(() => leverageScores({ rows: 2 ** 20, cols: 2 ** 12, data: new Float64Array(4) }, { backend }), ["TOO_LARGE", "SHAPE"], "2^32 entries");
    // Without replacement a huge m keeps every positive row at once.
    const all = sample([1, 2, 3], 1e9);
    expect(Array.from(all.indices)).toEqual([0, 1, 2]);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it.each(BACKENDS)("an already-aborted signal stops every long run before any work, on %s", async (backend) => {
    const A = randn(40, 3, 4), b = new Float64Array(40).fill(1);
    const signal = abortedSignal();
    const runs: [string, () => unknown][] = [
      ["leverageScoresAsync", () => leverageScoresAsync(A, { backend, signal })],
      ["lewisWeights", () => lewisWeights(A, 1, { backend, signal })],
      ["lewisWeights(sketch)", () => lewisWeights(A, 1, { backend, signal, method: "sketch" })],
      ["lpSensitivities", () => lpSensitivities(A, 1, { backend, signal })],
      ["lpSensitivities(exact)", () => lpSensitivities(A, 1, { backend, signal, method: "exact" })],
      ["lpRegression", () => lpRegression(A, b, 1, { backend, signal })],
      ...(["lewis", "leverage", "root-leverage", "mixed", "uniform", "sensitivity"] as const).map(
        (scores) => [`coreset(${scores})`, () => coreset(A, b, { backend, signal, m: 5, scores })] as [string, () => unknown]),
    ];
    for (const [name, run] of runs) await refused(run, ["ABORTED"], name);
    // A signal fired during the run stops it at the next step, reporting `iteration` first.
    for (const [name, run] of [
      ["leverageScoresAsync", (s: AbortSignal, on: (r: { iteration: number }) => void) => leverageScoresAsync(randn(5000, 3, 1), { backend, signal: s, onProgress: on })],
      ["lewisWeights", (s: AbortSignal, on: (r: { iteration: number }) => void) => lewisWeights(A, 1, { backend, signal: s, onProgress: on, tol: 0 })],
      ["lpRegression", (s: AbortSignal, on: (r: { iteration: number }) => void) => lpRegression(A, b.map((_, i) => Math.sin(i)), 1.5, { backend, signal: s, onProgress: on, tol: 0 })],
    ] as const) {
      const ctl = new AbortController();
      const seen: number[] = [];
      await refused(() => run(ctl.signal, (r) => {
        seen.push(r.iteration);
        ctl.abort();
      }), ["ABORTED"], `${name} aborted in progress`);
      expect(seen).toEqual([1]);
    }
  });
});

describe("state and memory", () => {
  it("2,000+ leverageScores calls on a tiny matrix keep WASM memory and the heap flat; a refused call leaves the next one working", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const A = randn(6, 3, 5);
    const ref = leverageScores(A).scores;
    const instance = sensitivityModule.loader.shared();
    const bad = { rows: 6, cols: 3, data: Float64Array.from(A.data, (v, i) => (i === 7 ? NaN : v)) };
    const round = (k: number) => {
      for (let i = 0; i < k; i++) {
        const r = leverageScores(A);
        if (r.scores[2] !== ref[2]) throw new Error(`call ${i} changed the result`);
        if (i % 10 === 0) {
          expect(() => leverageScores(bad)).toThrow(expect.objectContaining({ code: "NON_FINITE" }));
          expect(() => leverageScores(A, { method: "sketch", sketchSize: 0 })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
        }
      }
    };
    round(300);
    gc();
    const mem0 = instance.memory.buffer.byteLength, heap0 = process.memoryUsage().heapUsed;
    round(2100);
    gc();
    cases += 2400;
    expect(instance.memory.buffer.byteLength).toBe(mem0);
    expect(instance.arena.used).toBe(0);
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(4 << 20);
    expect(Array.from(leverageScores(A).scores)).toEqual(Array.from(ref));
  });

  it("a refused push leaves an online sampler as it was, and rows near the ends of double range are scaled, not overflowed", async () => {
    for (const backend of BACKENDS) {
      const rows = randn(30, 4, 6);
      const huge = { rows: 2, cols: 4, data: Float64Array.from([1e300, 2e300, -1e300, 5e299, 1, 2, 3, 4]) };
      for (const make of [
        () => OnlineLeverageSampler.create(4, { backend, seed: 3 }),
        () => OnlineLewisSampler.create(4, { backend, seed: 3, p: 1 }),
      ]) {
        // A first push of 1e300 rows is scaled: finite scores.
        const s0 = await make();
        await contract(() => s0.push(huge), "push(1e300 first)", (r) => {
          expect(r.scores.length).toBe(2);
          // The first row meets only the ridge: a positive score (an overflow would have made it NaN or 0).
          expect(r.scores[0]).toBeGreaterThan(0);
        });
        const tail = await contract(() => s0.push(rows), "push after 1e300");
        expect(tail.ok).toBe(true);
        // After ordinary rows, 1e300 rows against the default ridge are not representable: refused, state unchanged.
        const s = await make(), twin = await make();
        s.push(rows);
        twin.push(rows);
        const o = await contract(() => s.push(huge), "push(1e300 later)");
        if (!o.ok) expect(o.code).toBe("NON_FINITE");
        else twin.push(huge);
        const after = s.push(rows), expected = twin.push(rows);
        expect(Array.from(after.scores)).toEqual(Array.from(expected.scores));
        expect(Array.from(after.indices)).toEqual(Array.from(expected.indices));
        // Rows 1e100 times the first ones are representable: the scale is lowered and the push accepted.
        const big = { rows: 1, cols: 4, data: Float64Array.from([1e100, 0, 0, 0]) };
        await contract(() => s.push(big), "push(1e100 later)", (r) => expect(r.scores[0]).toBeGreaterThan(0));
      }
    }
  });
});
