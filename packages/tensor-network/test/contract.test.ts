// The contract of every public entry point (docs/ARCHITECTURE.md, "The
// contract"), checked by seeded property-based runs on both backends: valid
// generated inputs give results that match a definition (exact low-rank
// tensors reconstructed to 1e-10, the HOSVD error bound, strided views read
// as their plain copies, dense definitions of the tensor operations), and
// invalid inputs of every kind get a LowrankError with a sensible code, never
// another exception, a hang or non-finite output.
import { Rng, svd, type DenseMatrix } from "@lowrank/linalg";
import {
  abortedSignal, BAD_NUMBERS, expectContract, expectFinite, expectRefused, fc, fcParams, outcome, WRONG_TYPES, type Code,
} from "@lowrank/test-utils/contract";
import { afterAll, describe, expect, it } from "vitest";
import {
  compressionRatio, coreShape, cp, fold, modeProduct, norm, parameterCount, reconstruct, relativeError, searchStructure,
  tensorRing, tensorTrain, ttAdd, ttDot, ttNorm, ttRound, ttScale, tucker, unfold, type Tensor, type TensorNetwork,
} from "../src/index.js";
import { tensorModule } from "../src/module.js";

const BACKENDS = ["js", "wasm"] as const;
type B = (typeof BACKENDS)[number];

/** Calls checked in this file (reported at the end). */
let cases = 0;
const count = <T>(fn: () => T): (() => T) => () => {
  cases++;
  return fn();
};
afterAll(() => {
  console.log(`tensor-network contract: ${cases} calls checked`);
});

/** A short description of any value for a failure message (some values cannot be converted to strings). */
function show(x: unknown): string {
  try {
    return String(JSON.stringify(x, (_, v) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(x)).slice(0, 80);
  } catch {
    return typeof x;
  }
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Entries of X (C order) at a multi-index. */
function at(X: Tensor, idx: number[]): number {
  let f = 0;
  for (let k = 0; k < idx.length; k++) f = f * X.shape[k] + idx[k];
  return X.data[f];
}

function* multiIndices(shape: number[]): Generator<number[]> {
  const idx = shape.map(() => 0);
  for (let f = 0; f < size(shape); f++) {
    yield idx.slice();
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

/** ‖a - b‖ / ‖b‖ computed plainly (the definition, not the library). */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, n = 0;
  const s = Math.max(...Array.from(b, Math.abs), 1e-300);
  for (let i = 0; i < b.length; i++) {
    d += ((a[i] - b[i]) / s) ** 2;
    n += (b[i] / s) ** 2;
  }
  return n === 0 ? Math.sqrt(d) : Math.sqrt(d / n);
}

function gaussian(n: number, rng: Rng): Float64Array {
  return rng.fillNormal(new Float64Array(n));
}

// ---- generators ---------------------------------------------------------

const arbShape = (minOrder = 2, maxOrder = 4, maxDim = 5) =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minOrder, maxLength: maxOrder }).filter((s) => size(s) <= 400);

/** A scale spanning ordinary and extreme magnitudes (the results must be the same up to it). */
const arbScale = fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(1e-300, 1e-150, 1e150, 1e300, 2 ** -1000) });

const arbTensor = (minOrder = 2, maxOrder = 4, maxDim = 5) =>
  fc.record({ shape: arbShape(minOrder, maxOrder, maxDim), seed: fc.integer({ min: 0, max: 1e6 }), scale: arbScale }).map(({ shape, seed, scale }) => {
    const d = gaussian(size(shape), new Rng(seed));
    for (let i = 0; i < d.length; i++) d[i] *= scale;
    return { shape, data: d } as Tensor;
  });

/** An exact Tucker tensor: random core of multilinear rank r and random factors. */
const arbTuckerExact = fc
  .record({ shape: arbShape(3, 4, 5).filter((s) => s.every((n) => n >= 2)), seed: fc.integer({ min: 0, max: 1e6 }), scale: arbScale })
  .map(({ shape, seed, scale }) => {
    const rng = new Rng(seed);
    const r = shape.map((n) => Math.max(1, Math.min(n - 1, 2)));
    const core = { shape: r, data: gaussian(size(r), rng).map((v) => v * scale) };
    const factors = shape.map((n, k) => ({ rows: n, cols: r[k], data: gaussian(n * r[k], rng) }));
    return { X: reconstruct({ core, factors }, { backend: "js" }), r };
  });

/** An exact tensor train with random cores of the given ranks. */
const arbTt = fc
  .record({ shape: arbShape(2, 4, 5), seed: fc.integer({ min: 0, max: 1e6 }), r: fc.integer({ min: 1, max: 3 }), scale: arbScale })
  .map(({ shape, seed, r, scale }) => {
    const rng = new Rng(seed);
    const ranks = [1, ...shape.slice(1).map(() => r), 1];
    const cores = shape.map((n, k) => ({ shape: [ranks[k], n, ranks[k + 1]], data: gaussian(ranks[k] * n * ranks[k + 1], rng) }));
    cores[0].data = cores[0].data.map((v) => v * scale);
    return { cores, ranks } as TensorNetwork;
  });

/** An exact tensor ring with bond ranks up to 2. */
const arbTr = fc
  .record({ shape: arbShape(3, 4, 5).filter((s) => s.every((n) => n >= 2)), seed: fc.integer({ min: 0, max: 1e6 }) })
  .map(({ shape, seed }) => {
    const rng = new Rng(seed);
    const ranks = [...shape.map(() => 2), 2];
    const cores = shape.map((n, k) => ({ shape: [ranks[k], n, ranks[k + 1]], data: gaussian(ranks[k] * n * ranks[k + 1], rng) }));
    return { cores, ranks } as TensorNetwork;
  });

/** X with its modes permuted (plain copy): Y[j] = X[i] with i_{perm[m]} = j_m. */
function permuted(X: Tensor, perm: number[]): Tensor {
  const shape = perm.map((k) => X.shape[k]);
  const data = new Float64Array(X.data.length);
  let q = 0;
  for (const j of multiIndices(shape)) {
    const i = new Array<number>(X.shape.length);
    perm.forEach((k, m) => (i[k] = j[m]));
    data[q++] = at(X, i);
  }
  return { shape, data };
}

/** The same permutation as a strided ndarray view of X's data (no copy), with an offset into a padded buffer. */
function permutedView(X: Tensor, perm: number[]) {
  const N = X.shape.length;
  const stride = new Array<number>(N);
  for (let k = N - 1, s = 1; k >= 0; k--) {
    stride[k] = s;
    s *= X.shape[k];
  }
  const padded = new Float64Array(X.data.length + 3);
  padded.set(X.data, 3);
  return { shape: perm.map((k) => X.shape[k]), stride: perm.map((k) => stride[k]), offset: 3, data: padded };
}

const arbPerm = (N: number) => fc.shuffledSubarray(Array.from({ length: N }, (_, i) => i), { minLength: N, maxLength: N });

const RUNS = 30;

// ---- valid inputs: results against definitions -------------------------

describe("contract: valid inputs give correct results on both backends", () => {
  it("tucker reconstructs exact low-rank tensors to 1e-10 (every method, both routes, any magnitude)", async () => {
    await fc.assert(
      fc.asyncProperty(arbTuckerExact, fc.constantFrom("hosvd", "st-hosvd", "hooi"), fc.constantFrom("gram", "jacobi"), async ({ X, r }, method, route) => {
        for (const backend of BACKENDS) {
          await expectContract(count(() => tucker(X, { rank: r, method, unfoldingSvd: route as "gram", backend })), `tucker ${backend}`, (t) => {
            expect(rel(reconstruct(t, { backend }).data, X.data)).toBeLessThan(1e-10);
          });
        }
      }),
      fcParams(RUNS),
    );
  });

  it("HOSVD error is within the bound sqrt(Σ_n Σ_{i > r_n} σ_{n,i}²) of the unfoldings' singular values", async () => {
    await fc.assert(
      fc.asyncProperty(arbTensor(3, 3, 5), fc.integer({ min: 1, max: 3 }), async (X, r0) => {
        const rank = X.shape.map((n) => Math.min(n, r0));
        if (rank.some((v, k) => v > size(rank) / v)) return;
        // The bound, from the singular values of each unfolding (linalg's svd on unfold: the definition).
        const normX = norm(X);
        let bound2 = 0;
        X.shape.forEach((_, n) => {
          const s = svd(unfold(X, n), { backend: "js" }).s;
          for (let i = rank[n]; i < s.length; i++) bound2 += (s[i] / normX) ** 2;
        });
        for (const backend of BACKENDS) {
          await expectContract(count(() => tucker(X, { rank, backend })), `hosvd ${backend}`, (t) => {
            const err = relativeError(X, reconstruct(t, { backend }));
            expect(err).toBeLessThanOrEqual(Math.sqrt(bound2) * (1 + 1e-8) + 1e-12);
          });
        }
      }),
      fcParams(RUNS),
    );
  });

  it("a transposed (strided) ndarray view is read as the plain transposed tensor by every tensor entry point", async () => {
    await fc.assert(
      fc.asyncProperty(arbTensor(3, 4, 4).chain((X) => fc.tuple(fc.constant(X), arbPerm(X.shape.length))), async ([X, perm]) => {
        const plain = permuted(X, perm), view = permutedView(X, perm);
        const rank = plain.shape.map((n) => Math.min(n, 2));
        const ok = rank.every((v) => v <= size(rank) / v);
        expect(norm(view)).toBe(norm(plain));
        expect(Array.from(unfold(view, 1).data)).toEqual(Array.from(unfold(plain, 1).data));
        expect(relativeError(view, plain)).toBe(0);
        for (const backend of BACKENDS) {
          const M = { rows: 2, cols: plain.shape[0], data: Float64Array.from({ length: 2 * plain.shape[0] }, (_, i) => i - 1) };
          expect(Array.from(count(() => modeProduct(view, M, 0, { backend }))().data)).toEqual(Array.from(modeProduct(plain, M, 0, { backend }).data));
          if (ok) {
            const a = await count(() => tucker(view, { rank, backend }))(), b = await tucker(plain, { rank, backend });
            expect(Array.from(reconstruct(a, { backend }).data)).toEqual(Array.from(reconstruct(b, { backend }).data));
          }
          const ta = await count(() => tensorTrain(view, { backend }))(), tb = await tensorTrain(plain, { backend });
          expect(ta.ranks).toEqual(tb.ranks);
        }
      }),
      fcParams(RUNS),
    );
  });

  it("tensor trains: TT-SVD, reconstruct, dot, norm, add, scale and round against the dense definitions", async () => {
    await fc.assert(
      fc.asyncProperty(arbTt, async (tt) => {
        const X = reconstruct(tt, { backend: "js" });
        const normX = norm(X);
        for (const backend of BACKENDS) {
          expect(rel(count(() => reconstruct(tt, { backend }))().data, X.data)).toBeLessThan(1e-12);
          await expectContract(count(() => tensorTrain(X, { backend })), `tensorTrain ${backend}`, (t) => {
            expect(rel(reconstruct(t, { backend }).data, X.data)).toBeLessThan(1e-10);
            t.ranks.forEach((r, k) => expect(r).toBeLessThanOrEqual(tt.ranks[k]));
          });
          const n = count(() => ttNorm(tt, { backend }))();
          expect(Math.abs(n - normX)).toBeLessThanOrEqual(1e-10 * normX);
          const d = count(() => ttDot(tt, tt, { backend }))();
          expectFinite(d, "ttDot");
          if (Number.isFinite(normX * normX)) expect(Math.abs(d - normX * normX)).toBeLessThanOrEqual(1e-10 * normX * normX);
          const sum = count(() => ttAdd(tt, tt))();
          const twice = count(() => ttScale(tt, 2))();
          const rounded = count(() => ttRound(sum, { backend }))();
          const want = X.data.map((v) => 2 * v);
          expect(rel(reconstruct(sum, { backend }).data, want)).toBeLessThan(1e-12);
          expect(rel(reconstruct(twice, { backend }).data, want)).toBeLessThan(1e-12);
          expect(rel(reconstruct(rounded, { backend }).data, want)).toBeLessThan(1e-10);
          rounded.ranks.forEach((r, k) => expect(r).toBeLessThanOrEqual(tt.ranks[k]));
        }
        expect(count(() => parameterCount(tt))()).toBe(tt.cores.reduce((a, c) => a + c.data.length, 0));
        expect(compressionRatio(tt)).toBeCloseTo(size(X.shape) / parameterCount(tt), 12);
      }),
      fcParams(RUNS),
    );
  });

  it("tensor rings: TR-SVD within eps, TR-ALS finite, both backends", async () => {
    await fc.assert(
      fc.asyncProperty(arbTr, async (tr) => {
        const X = reconstruct(tr, { backend: "js" });
        for (const backend of BACKENDS) {
          await expectContract(count(() => tensorRing(X, { eps: 1e-12, backend })), `tensorRing ${backend}`, (t) => {
            expect(rel(reconstruct(t, { backend }).data, X.data)).toBeLessThan(1e-10);
          });
          await expectContract(count(() => tensorRing(X, { rank: tr.ranks.slice(0, -1), method: "als", maxIter: 5, seed: 3, backend })), `tr-als ${backend}`);
        }
      }),
      fcParams(15),
    );
  });

  it("CP recovers rank-one tensors to 1e-10 and returns descending weights and unit columns", async () => {
    await fc.assert(
      fc.asyncProperty(arbShape(2, 4, 5), fc.integer({ min: 0, max: 1e6 }), arbScale, async (shape, seed, scale) => {
        const rng = new Rng(seed);
        const factors = shape.map((n) => ({ rows: n, cols: 1, data: gaussian(n, rng) }));
        const X = reconstruct({ weights: Float64Array.of(scale), factors }, { backend: "js" });
        for (const backend of BACKENDS) {
          await expectContract(count(() => cp(X, { rank: 1, backend, maxIter: 50 })), `cp ${backend}`, (c) => {
            expect(rel(reconstruct(c, { backend }).data, X.data)).toBeLessThan(1e-10);
          });
          await expectContract(count(() => cp(X, { rank: 3, backend, maxIter: 10, init: "random", seed })), `cp rank 3 ${backend}`, (c) => {
            for (let i = 1; i < 3; i++) expect(c.weights[i]).toBeLessThanOrEqual(c.weights[i - 1]);
          });
        }
      }),
      fcParams(RUNS),
    );
  });

  it("unfold, fold, modeProduct, norm and relativeError against their definitions", async () => {
    await fc.assert(
      fc.asyncProperty(arbTensor(1, 4, 5), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), (X, m, J, transpose) => {
        const mode = m % X.shape.length, n = X.shape[mode];
        const U = count(() => unfold(X, mode))();
        expect(U.rows).toBe(n);
        expect(Array.from(count(() => fold(U, mode, X.shape))().data)).toEqual(Array.from(X.data));
        const M: DenseMatrix = { rows: transpose ? n : J, cols: transpose ? J : n, data: gaussian(n * J, new Rng(J)) };
        const big = Math.max(...Array.from(X.data, Math.abs));
        const plainNorm = big === 0 ? 0 : Math.hypot(...Array.from(X.data, (v) => v / big)) * big;
        const nv = count(() => norm(X))();
        expect(Math.abs(nv - plainNorm)).toBeLessThanOrEqual(1e-12 * plainNorm);
        expect(count(() => relativeError(X, X))()).toBe(0);
        for (const backend of BACKENDS) {
          const Y = count(() => modeProduct(X, M, mode, { backend, transpose }))();
          const shape = X.shape.slice();
          shape[mode] = J;
          expect(Y.shape).toEqual(shape);
          const want = new Float64Array(size(shape));
          let q = 0;
          for (const idx of multiIndices(shape)) {
            let s = 0;
            for (let i = 0; i < n; i++) {
              const xi = idx.slice();
              xi[mode] = i;
              const mv = transpose ? M.data[i * J + idx[mode]] : M.data[idx[mode] * n + i];
              s += mv * at(X, xi);
            }
            want[q++] = s;
          }
          expectFinite(Y.data, "modeProduct");
          expect(rel(Y.data, want)).toBeLessThan(1e-12);
        }
      }),
      fcParams(RUNS * 2),
    );
  });

  it("coreShape stays within its budget and its bound covers the HOSVD error of the shape", async () => {
    await fc.assert(
      fc.asyncProperty(arbTensor(3, 3, 5), fc.constantFrom("best", "greedy", "bang-for-buck", "exact"), fc.integer({ min: 0, max: 40 }), async (X, solver, extra) => {
        const budget = 1 + X.shape.reduce((a, b) => a + b, 0) + extra;
        for (const backend of BACKENDS) {
          await expectContract(count(() => coreShape(X, { budget, solver, backend })), `coreShape ${backend}`, (res) => {
            expect(res.parameters).toBeLessThanOrEqual(budget);
            res.rank.forEach((r, k) => expect(r).toBeLessThanOrEqual(X.shape[k]));
          });
        }
      }),
      fcParams(RUNS),
    );
  });

  it("searchStructure returns a network that reconstructs to its reported error (ring and general)", async () => {
    await fc.assert(
      fc.asyncProperty(arbTensor(3, 3, 3), fc.constantFrom("greedy", "tnale", "tnls"), fc.boolean(), async (X, method, general) => {
        const topology = general && method === "greedy" ? "general" : "ring";
        const backend: B = X.data[0] > 0 ? "wasm" : "js";
        const records: number[] = [];
        await expectContract(
          count(() => searchStructure(X, { method, topology, maxEvaluations: 4, alsIter: 5, restarts: 1, backend, onProgress: (p) => records.push(p.iteration) })),
          `searchStructure ${backend}`,
          (res) => {
            if (topology === "ring") expect(Math.abs(relativeError(X, reconstruct(res.network, { backend })) - res.error)).toBeLessThan(1e-6);
            expect(records).toEqual(records.map((_, i) => i + 1));
          },
        );
      }),
      fcParams(10),
    );
  });
});

// ---- any valid options, any magnitude: a result or a LowrankError -------

const wideEntry = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1e300, -1e300, 1e-300, 5e-324, 1e-310, 1.7976931348623157e308, 1e150, 1e-150) },
);
const arbWide = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }).filter((s) => size(s) <= 150), fc.constantFrom(1, 1e300, 1e-300, 2 ** 1000))
  .chain(([shape, sc]) => fc.array(wideEntry, { minLength: size(shape), maxLength: size(shape) }).map((d) => ({ shape, data: Float64Array.from(d, (v) => v * sc) })));
const int = (a: number, b: number) => fc.integer({ min: a, max: b });
const someRanks = fc.array(int(1, 5), { minLength: 1, maxLength: 5 });
const maskFor = (X: Tensor) => fc.option(fc.array(fc.oneof(fc.boolean(), fc.constantFrom(0, 1)), { minLength: X.data.length, maxLength: X.data.length }), { nil: undefined });

/** Each entry point with an arbitrary of its valid options (any combination, values in range). */
const VALID_CALLS: [string, (X: Tensor) => fc.Arbitrary<Record<string, unknown>>, (X: Tensor, o: never, b: B) => unknown][] = [
  ["tucker", (X) => fc.record({ rank: fc.oneof(int(1, 5), someRanks), method: fc.constantFrom("hosvd", "st-hosvd", "hooi"), init: fc.constantFrom("svd", "random"), unfoldingSvd: fc.constantFrom("gram", "jacobi"), maxIter: int(1, 5), tol: fc.constantFrom(0, 1e-3), returnErrors: fc.boolean(), mask: maskFor(X), seed: int(-5, 5) }, { requiredKeys: ["rank"] }),
    async (X, o, b) => { const t = await tucker(X, { ...(o as object), backend: b } as never); return [t, reconstruct(t, { backend: b })]; }],
  ["cp", (X) => fc.record({ rank: int(1, 6), init: fc.constantFrom("svd", "random"), maxIter: int(1, 8), tol: fc.constantFrom(0, 1e-3), returnErrors: fc.boolean(), mask: maskFor(X), seed: int(0, 5) }, { requiredKeys: ["rank"] }),
    async (X, o, b) => { const t = await cp(X, { ...(o as object), backend: b } as never); return [t, reconstruct(t, { backend: b }), parameterCount(t)]; }],
  ["tensorTrain", (X) => fc.record({ eps: fc.constantFrom(0, 1e-12, 0.1, 1, 10), maxRank: fc.oneof(int(1, 5), someRanks), unfoldingSvd: fc.constantFrom("gram", "jacobi"), mask: maskFor(X), completion: fc.constantFrom("weighted", "em"), maxIter: int(1, 5), tol: fc.constantFrom(0, 1e-3), returnErrors: fc.boolean() }),
    async (X, o, b) => { const t = await tensorTrain(X, { ...(o as object), backend: b } as never); return [t, reconstruct(t, { backend: b }), ttRound(t, { backend: b, eps: 0.1 }), ttNorm(t, { backend: b }), compressionRatio(t)]; }],
  ["tensorRing", (X) => fc.record({ rank: fc.oneof(int(1, 5), someRanks), eps: fc.constantFrom(0, 1e-12, 0.1, 1), method: fc.constantFrom("svd", "als"), init: fc.constantFrom("svd", "random"), unfoldingSvd: fc.constantFrom("gram", "jacobi"), maxIter: int(1, 5), tol: fc.constantFrom(0, 1e-3), mask: maskFor(X), completion: fc.constantFrom("weighted", "em"), returnErrors: fc.boolean() }),
    async (X, o, b) => { const t = await tensorRing(X, { ...(o as object), backend: b } as never); return [t, reconstruct(t, { backend: b }), ttNorm(t, { backend: b }), ttDot(t, ttAdd(t, t), { backend: b })]; }],
  ["coreShape", () => fc.record({ budget: fc.oneof(int(0, 200), fc.constantFrom(1e300, 1e9)), solver: fc.constantFrom("best", "greedy", "bang-for-buck", "exact", "rre-greedy"), refitIter: int(1, 3) }, { requiredKeys: ["budget"] }),
    (X, o, b) => coreShape(X, { ...(o as object), backend: b } as never)],
  ["searchStructure", () => fc.record({ method: fc.constantFrom("greedy", "tnale", "tnls"), topology: fc.constantFrom("ring", "general"), budget: fc.oneof(int(0, 500), fc.constant(1e300)), targetError: fc.constantFrom(0, 1e-3), lambda: fc.constantFrom(0, 1, 200), radius: int(1, 3), initialRadius: int(1, 3), perturbations: int(0, 2), samples: int(1, 4), patience: int(1, 2), initialRank: fc.oneof(int(1, 5), someRanks), searchPermutation: fc.boolean(), alsIter: int(1, 3), sliceIter: int(1, 2), restarts: int(1, 2), maxEvaluations: int(1, 4), seed: int(0, 3) }, { requiredKeys: ["method"] }),
    (X, o, b) => searchStructure(X, { ...(o as object), backend: b } as never)],
  ["modeProduct", () => fc.record({ J: int(1, 4), mode: int(0, 5), transpose: fc.boolean(), sc: fc.constantFrom(1, 1e300, 1e-300) }),
    (X, o: { J: number; mode: number; transpose: boolean; sc: number }, b) => {
      const n = X.shape[Math.min(o.mode, X.shape.length - 1)];
      const M = { rows: o.transpose ? n : o.J, cols: o.transpose ? o.J : n, data: Float64Array.from({ length: n * o.J }, (_, i) => Math.sin(i) * o.sc) };
      return modeProduct(X, M, o.mode, { transpose: o.transpose, backend: b });
    }],
  ["unfold/fold/norm/relativeError", () => fc.record({ mode: int(0, 5) }),
    (X, o: { mode: number }) => [norm(X), unfold(X, o.mode), fold(unfold(X, 0), 0, X.shape), relativeError(X, { shape: X.shape, data: X.data.map((v) => -v) })]],
];

describe("contract: any valid options on tensors of any magnitude", () => {
  it("every entry point returns finite results or a LowrankError (extreme entries, masks, every option)", async () => {
    const arb = fc.tuple(arbWide, fc.constantFrom(...VALID_CALLS), fc.constantFrom(...BACKENDS)).chain(([X, c, b]) => fc.tuple(fc.constant(X), fc.constant(c), fc.constant(b), c[1](X)));
    await fc.assert(
      fc.asyncProperty(arb, async ([X, [name, , call], b, o]) => {
        await expectContract(count(() => call(X, o as never, b)), `${name}(${b}) ${show(X)} ${show(o)}`);
      }),
      fcParams(800),
    );
  });
});

// ---- generated decompositions, valid and broken, in every accepted form --

const partEntry = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1e300, -1e300, 1e-300, 5e-324, 1.7976931348623157e308, NaN, Infinity) },
);
const partData = (n: number) => fc.array(partEntry, { minLength: n, maxLength: n });
/** A tensor part in a random accepted form (plain, number[], strided view with an offset) or broken. */
const tensorPart = (shape: number[]) => {
  const n = size(shape), stride = shape.map((_, k) => size(shape.slice(k + 1)));
  return fc.oneof(
    { weight: 4, arbitrary: partData(n).map((d) => ({ shape, data: Float64Array.from(d) })) },
    { weight: 1, arbitrary: partData(n).map((d) => ({ shape, data: d })) },
    { weight: 1, arbitrary: fc.tuple(partData(n + 2), int(0, 2)).map(([d, offset]) => ({ shape, stride, offset, data: d })) },
    { weight: 1, arbitrary: partData(n + 1).map((d) => ({ shape, data: Float64Array.from(d) })) },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, 5, "x", { shape }, { data: [1] }) },
  );
};
const matrixPart = (rows: number, cols: number) => fc.oneof(
  { weight: 5, arbitrary: partData(rows * cols).map((d) => ({ rows, cols, data: Float64Array.from(d) })) },
  { weight: 1, arbitrary: partData(rows * cols).map((d) => Array.from({ length: rows }, (_, i) => d.slice(i * cols, (i + 1) * cols))) },
  { weight: 1, arbitrary: partData(rows * cols).map((d) => ({ rows, columns: cols, get: (i: number, j: number) => d[i * cols + j] })) },
  { weight: 1, arbitrary: fc.constantFrom(null, { rows, cols }, { rows, cols, data: [] }) },
);
const arbNetwork = fc.tuple(fc.array(fc.tuple(int(1, 4), int(1, 3)), { minLength: 1, maxLength: 4 }), fc.boolean()).chain(([spec, ring]) => {
  const r = ring ? [...spec.map((q) => q[1]), spec[0][1]] : [1, ...spec.slice(1).map((q) => q[1]), 1];
  return fc.tuple(...spec.map(([n], k) => tensorPart([r[k], n, r[k + 1]]))).map((cores) => ({ cores, ranks: r }));
});
const arbTuckerD = fc.array(fc.tuple(int(1, 4), int(1, 3)), { minLength: 1, maxLength: 4 }).chain((spec) =>
  fc.record({ core: tensorPart(spec.map((q) => q[1])), factors: fc.tuple(...spec.map(([n, r]) => matrixPart(n, r))) }));
const arbCpD = fc.tuple(fc.array(int(1, 4), { minLength: 1, maxLength: 4 }), int(1, 3)).chain(([shape, R]) =>
  fc.record({ weights: fc.oneof(partData(R), partData(R).map((d) => Float64Array.from(d))), factors: fc.tuple(...shape.map((n) => matrixPart(n, R))) }));
const arbGeneralD = fc.tuple(fc.array(int(1, 4), { minLength: 2, maxLength: 3 }), fc.array(int(1, 3), { minLength: 3, maxLength: 3 })).chain(([shape, rr]) => {
  const R = shape.map((n, a) => shape.map((_, c) => (a === c ? n : rr[(a + c) % 3])));
  return fc.tuple(...shape.map((n, k) => tensorPart([n, ...shape.map((_, j) => j).filter((j) => j !== k).map((j) => R[k][j])]))).map((cores) => ({ edgeRanks: R, cores }));
});
/** Breaks a decomposition one way (or not at all). */
const mangled = (d: Record<string, unknown>) => int(0, 6).map((m) => {
  const c: Record<string, unknown> = { ...d };
  const list = (k: string) => c[k] as unknown[];
  if (m === 1 && c.cores) c.cores = list("cores").slice(1);
  if (m === 2 && c.ranks) c.ranks = (c.ranks as number[]).map((v) => v + 1);
  if (m === 3 && c.factors) c.factors = list("factors").slice().reverse();
  if (m === 4) delete c[Object.keys(c)[0]];
  if (m === 5 && c.edgeRanks) c.edgeRanks = (c.edgeRanks as number[][]).map((row) => row.map((v) => v + 1));
  if (m === 6 && c.weights) c.weights = [...Array.from(c.weights as ArrayLike<number>), 1];
  return c;
});
const arbDecomposition = fc.oneof(arbNetwork, arbTuckerD, arbCpD, arbGeneralD).chain(mangled);

describe("contract: decompositions passed back in", () => {
  it("valid ones in any form are used, broken ones refused, never a TypeError or non-finite output", async () => {
    const ops: [string, (a: never, b: never, be: B, alpha: number) => unknown][] = [
      ["reconstruct", (a, _b, be) => reconstruct(a, { backend: be })],
      ["parameterCount", (a) => parameterCount(a)],
      ["compressionRatio", (a) => compressionRatio(a)],
      ["ttRound", (a, _b, be) => ttRound(a, { backend: be, eps: 0.1 })],
      ["ttDot", (a, b, be) => ttDot(a, b, { backend: be })],
      ["ttNorm", (a, _b, be) => ttNorm(a, { backend: be })],
      ["ttAdd", (a, b) => ttAdd(a, b)],
      ["ttScale", (a, _b, _be, alpha) => ttScale(a, alpha)],
    ];
    await fc.assert(
      fc.asyncProperty(arbDecomposition, arbDecomposition, fc.constantFrom(...ops), fc.constantFrom(...BACKENDS), fc.constantFrom(2, -1, 0, 1e300, 1e-300, NaN), async (a, b, [name, op], be, alpha) => {
        await expectContract(count(() => op(a as never, b as never, be, alpha)), `${name}(${be}) ${show(a)} ${show(b)}`);
      }),
      fcParams(1500),
    );
  });
});

describe("contract: regressions found by fuzzing", () => {
  it("a subnormal residual gives a finite error (its reciprocal overflowed in the norm)", async () => {
    const X = { shape: [3, 3], data: [-1, 0, 0, 0, 0, 0, 0, 0, -1e-314] };
    for (const backend of BACKENDS) {
      await expectContract(count(() => tensorRing(X, { rank: [1, 1], method: "als", maxIter: 3, backend, returnErrors: true })), "tr-als subnormal");
      await expectContract(count(() => searchStructure(X, { method: "greedy", maxEvaluations: 3, alsIter: 3, backend })), "search subnormal");
    }
  });

  it("CP's svd start with a rank above the other modes' product (it read past the singular vectors)", async () => {
    for (const backend of BACKENDS) {
      await expectContract(count(() => cp({ shape: [1, 2], data: [0, -1] }, { rank: 4, maxIter: 8, backend })), "cp rank 4 of 1 x 2", (c) => {
        expect(rel(reconstruct(c, { backend }).data, [0, -1])).toBeLessThan(1e-3);
      });
    }
  });

  it("a structure search with an unbounded budget and target 0 ends (ranks no longer grow without bound)", async () => {
    const X = { shape: [3, 2, 2, 4], data: Float64Array.from({ length: 48 }, (_, i) => Math.sin(i * i)) };
    await expectContract(count(() => searchStructure(X, { method: "greedy", budget: 1e300, targetError: 0, alsIter: 3 })), "search budget 1e300");
  }, 30_000);
});

// ---- invalid inputs: refused with a sensible code ---------------------

/** Tensors every entry point must refuse, with the codes that fit. */
function badTensors(): [unknown, Code[]][] {
  const ok = () => Float64Array.from({ length: 24 }, (_, i) => Math.sin(i + 1));
  const withValue = (v: number) => {
    const d = ok();
    d[5] = v;
    return { shape: [2, 3, 4], data: d };
  };
  const wrong: [unknown, Code[]][] = WRONG_TYPES.map((w) => [w, ["INVALID_ARGUMENT", "SHAPE", "EMPTY", "NON_FINITE", "TOO_LARGE"]]);
  return [
    ...wrong,
    [withValue(NaN), ["NON_FINITE"]],
    [withValue(Infinity), ["NON_FINITE"]],
    [withValue(-Infinity), ["NON_FINITE"]],
    [{ shape: [2, 3, 4], data: ok().subarray(1) }, ["SHAPE"]],
    [{ shape: [2, 3, 5], data: ok() }, ["SHAPE"]],
    [{ shape: [2, -3, 4], data: ok() }, ["SHAPE"]],
    [{ shape: [2, 1.5, 4], data: ok() }, ["SHAPE"]],
    [{ shape: [2, 0, 4], data: new Float64Array(0) }, ["EMPTY"]],
    [{ shape: [], data: new Float64Array(1) }, ["EMPTY", "SHAPE"]],
    [{ shape: [1e5, 1e5, 1e5], data: ok() }, ["TOO_LARGE"]],
    [{ shape: [2, 3, 4], data: new BigInt64Array(24) }, ["INVALID_ARGUMENT"]],
    [{ shape: [2, 3, 4], data: { length: 24 } }, ["INVALID_ARGUMENT"]],
    [{ shape: "2,3,4", data: ok() }, ["SHAPE", "INVALID_ARGUMENT"]],
    [{ shape: [2, 3, 4] }, ["INVALID_ARGUMENT"]],
    [{ shape: [2, 3, 4], stride: [12, 4], offset: 0, data: ok() }, ["SHAPE"]],
    [{ shape: [2, 3, 4], stride: [12, 4, 1], offset: 5, data: ok() }, ["SHAPE"]],
    [{ shape: [2, 3, 4], stride: [12, 4, 1], offset: -1, data: ok() }, ["SHAPE"]],
    [[[[1, 2], [3, 4]], [[5, 6], [7]]], ["SHAPE"]],
    [[[[1, 2], [3, NaN]]], ["NON_FINITE"]],
    [[[["1", 2]]], ["INVALID_ARGUMENT"]],
  ];
}

const X0: Tensor = { shape: [3, 4, 2], data: Float64Array.from({ length: 24 }, (_, i) => Math.cos(i)) };
const TT0: TensorNetwork = {
  kind: "tensor-network",
  cores: [
    { shape: [1, 3, 2], data: Float64Array.from({ length: 6 }, (_, i) => i + 1) },
    { shape: [2, 4, 2], data: Float64Array.from({ length: 16 }, (_, i) => Math.sin(i)) },
    { shape: [2, 2, 1], data: Float64Array.from({ length: 4 }, (_, i) => 1 - i) },
  ],
  ranks: [1, 2, 2, 1],
};

/** Every tensor entry point, called with X in place of the tensor. */
const TENSOR_CALLS: [string, (X: unknown, b: B) => unknown][] = [
  ["tucker", (X, b) => tucker(X as Tensor, { rank: 2, backend: b })],
  ["cp", (X, b) => cp(X as Tensor, { rank: 2, maxIter: 3, backend: b })],
  ["tensorTrain", (X, b) => tensorTrain(X as Tensor, { backend: b })],
  ["tensorRing", (X, b) => tensorRing(X as Tensor, { backend: b })],
  ["coreShape", (X, b) => coreShape(X as Tensor, { budget: 100, backend: b })],
  ["searchStructure", (X, b) => searchStructure(X as Tensor, { method: "greedy", maxEvaluations: 2, alsIter: 2, backend: b })],
  ["unfold", (X) => unfold(X as Tensor, 0)],
  ["norm", (X) => norm(X as Tensor)],
  ["relativeError", (X) => relativeError(X as Tensor, X0)],
  ["relativeError (Y)", (X) => relativeError(X0, X as Tensor)],
  ["modeProduct", (X, b) => modeProduct(X as Tensor, { rows: 1, cols: 2, data: new Float64Array(2) }, 0, { backend: b })],
];

/** Decompositions every decomposition-taking entry point must refuse. */
function badDecompositions(): unknown[] {
  const c = TT0.cores;
  return [
    ...WRONG_TYPES,
    { cores: [] },
    { cores: [null] },
    { cores: "abc" },
    { cores: [c[0], c[1]] },
    { cores: [c[1], c[0], c[2]] },
    { cores: [c[0], { shape: [3, 4, 2], data: new Float64Array(24) }, c[2]] },
    { cores: [c[0], { shape: [2, 4], data: new Float64Array(8) }, c[2]] },
    { cores: [c[0], { shape: [2, 4, 2], data: new Float64Array(15) }, c[2]] },
    { cores: [c[0], { shape: [2, 4, 2], data: new Float64Array(16).fill(NaN) }, c[2]] },
    { cores: [c[0], { shape: [2, 4, 2], data: new BigInt64Array(16) }, c[2]] },
    { cores: c, ranks: [1, 3, 2, 1] },
    { cores: c, ranks: "1,2,2,1" },
    { cores: [c[0], { shape: [2, 4, 2] }, c[2]] },
    { cores: [{ shape: [1, 4e4, 4e4], data: new Float64Array(1) }, c[1], c[2]] },
    { core: X0, factors: [] },
    { core: X0, factors: null },
    { core: X0, factors: [{ rows: 3, cols: 3, data: new Float64Array(9) }, { rows: 4, cols: 4, data: new Float64Array(16) }, { rows: 2, cols: 3, data: new Float64Array(6) }] },
    { core: null, factors: [] },
    { core: X0, factors: [{ rows: 3, cols: 3, data: new Float64Array(9).fill(Infinity) }, { rows: 4, cols: 4, data: new Float64Array(16) }, { rows: 2, cols: 2, data: new Float64Array(4) }] },
    { weights: [1, 2], factors: [{ rows: 2, cols: 3, data: new Float64Array(6) }] },
    { weights: [], factors: [{ rows: 2, cols: 0, data: new Float64Array(0) }] },
    { weights: [NaN], factors: [{ rows: 2, cols: 1, data: new Float64Array(2) }] },
    { weights: [1], factors: "x" },
    { weights: [1], factors: [{ rows: 2, cols: 1, data: [1, "2"] }] },
    { edgeRanks: [[2, 1], [1, 2]], cores: [{ shape: [2, 1], data: new Float64Array(2) }] },
    { edgeRanks: [[2, 2], [1, 2]], cores: [{ shape: [2, 2], data: new Float64Array(4) }, { shape: [2, 1], data: new Float64Array(2) }] },
    { edgeRanks: [[2, 1.5], [1.5, 2]], cores: [{ shape: [2, 1], data: new Float64Array(2) }, { shape: [2, 1], data: new Float64Array(2) }] },
    { edgeRanks: "x", cores: [] },
    { edgeRanks: [[2, 1], [1, 2]], cores: [{ shape: [2, 2], data: new Float64Array(4) }, { shape: [2, 1], data: new Float64Array(2) }] },
    { somethingElse: 1 },
  ];
}

const DECOMPOSITION_CODES: Code[] = ["INVALID_ARGUMENT", "SHAPE", "NON_FINITE", "EMPTY", "TOO_LARGE"];

const DECOMPOSITION_CALLS: [string, (d: unknown, b: B) => unknown][] = [
  ["reconstruct", (d, b) => reconstruct(d as TensorNetwork, { backend: b })],
  ["parameterCount", (d) => parameterCount(d as TensorNetwork)],
  ["compressionRatio", (d) => compressionRatio(d as TensorNetwork)],
  ["ttRound", (d, b) => ttRound(d as TensorNetwork, { backend: b })],
  ["ttDot", (d, b) => ttDot(d as TensorNetwork, TT0, { backend: b })],
  ["ttDot (B)", (d, b) => ttDot(TT0, d as TensorNetwork, { backend: b })],
  ["ttNorm", (d, b) => ttNorm(d as TensorNetwork, { backend: b })],
  ["ttAdd", (d) => ttAdd(d as TensorNetwork, TT0)],
  ["ttAdd (B)", (d) => ttAdd(TT0, d as TensorNetwork)],
  ["ttScale", (d) => ttScale(d as TensorNetwork, 2)],
];

/** Every entry point with options, called with `o` as its options. */
const OPTION_CALLS: [string, (o: unknown, b: B) => unknown][] = [
  ["tucker", (o) => tucker(X0, o as never)],
  ["cp", (o) => cp(X0, o as never)],
  ["tensorTrain", (o) => tensorTrain(X0, o as never)],
  ["tensorRing", (o) => tensorRing(X0, o as never)],
  ["coreShape", (o) => coreShape(X0, o as never)],
  ["searchStructure", (o) => searchStructure(X0, o as never)],
  ["reconstruct", (o) => reconstruct(TT0, o as never)],
  ["ttRound", (o) => ttRound(TT0, o as never)],
  ["ttDot", (o) => ttDot(TT0, TT0, o as never)],
  ["ttNorm", (o) => ttNorm(TT0, o as never)],
  ["modeProduct", (o) => modeProduct(X0, { rows: 1, cols: 3, data: new Float64Array(3) }, 0, o as never)],
];

/** Base options that make each call valid, and its numeric / enum options with bad values. */
const NUMERIC_OPTIONS: [string, (o: object) => unknown, Record<string, unknown>, string[], string[]][] = [
  ["tucker", (o) => tucker(X0, o as never), { rank: 2, method: "hooi", maxIter: 3 }, ["rank", "maxIter", "tol", "seed"], ["method", "init", "unfoldingSvd", "backend"]],
  ["cp", (o) => cp(X0, o as never), { rank: 2, maxIter: 3 }, ["rank", "maxIter", "tol", "seed"], ["init", "backend"]],
  ["tensorTrain", (o) => tensorTrain(X0, o as never), {}, ["eps", "maxRank"], ["unfoldingSvd", "completion", "backend"]],
  ["tensorRing", (o) => tensorRing(X0, o as never), { rank: [1, 2, 1], method: "als", maxIter: 3 }, ["maxIter", "tol", "seed", "eps"], ["method", "init", "unfoldingSvd", "backend"]],
  ["ttRound", (o) => ttRound(TT0, o as never), {}, ["eps", "maxRank"], ["backend"]],
  ["coreShape", (o) => coreShape(X0, o as never), { budget: 40 }, ["budget", "refitIter"], ["solver", "backend"]],
  [
    "searchStructure", (o) => searchStructure(X0, o as never), { method: "tnale", maxEvaluations: 2, alsIter: 2 },
    ["budget", "targetError", "lambda", "radius", "alsIter", "restarts", "maxEvaluations", "seed"], ["method", "topology", "backend"],
  ],
];

describe("contract: invalid inputs are refused with a LowrankError", () => {
  it("every tensor entry point refuses every kind of bad tensor, on both backends", async () => {
    for (const [name, call] of TENSOR_CALLS) {
      for (const [X, codes] of badTensors()) {
        for (const b of BACKENDS) await expectRefused(count(() => call(X, b)), codes, `${name}(${b}) with ${show(X)}`);
      }
    }
  });

  it("generated malformed tensors (random shape/data mismatches, NaN placement, strides) never escape as other errors", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -2, max: 6 }), { minLength: 0, maxLength: 5 }),
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.integer({ min: 0, max: 59 })),
        fc.option(fc.array(fc.integer({ min: -30, max: 30 }), { maxLength: 5 })),
        fc.constantFrom(...TENSOR_CALLS),
        fc.constantFrom(...BACKENDS),
        async (shape, len, nanAt, stride, [name, call], b) => {
          const data = Float64Array.from({ length: len }, (_, i) => Math.sin(i));
          if (nanAt !== null && nanAt < len) data[nanAt] = NaN;
          const X = stride === null ? { shape, data } : { shape, stride, offset: 0, data };
          await expectContract(count(() => call(X, b)), `${name}(${b}) ${JSON.stringify({ shape, len, nanAt, stride })}`);
        },
      ),
      fcParams(150),
    );
  });

  it("every decomposition-taking entry point refuses malformed decompositions (SHAPE / INVALID_ARGUMENT, never a TypeError)", async () => {
    for (const [name, call] of DECOMPOSITION_CALLS) {
      for (const d of badDecompositions()) {
        for (const b of BACKENDS) await expectRefused(count(() => call(d, b)), DECOMPOSITION_CODES, `${name}(${b}) with ${show(d)}`);
      }
    }
    await expectRefused(count(() => ttRound({ cores: [{ shape: [2, 3, 2], data: new Float64Array(12) }] } as never)), ["SHAPE"], "ttRound of a ring");
    await expectRefused(count(() => ttScale(TT0, NaN)), ["NON_FINITE"], "ttScale NaN");
    await expectRefused(count(() => ttScale(TT0, "2" as never)), ["INVALID_ARGUMENT"], "ttScale string");
    await expectRefused(count(() => ttDot(TT0, { cores: [TT0.cores[0], TT0.cores[2]] } as never)), ["SHAPE"], "ttDot of different shapes");
  });

  it("options: non-objects, unknown keys (with TensorLy's and scikit-learn's names pointed to ours), bad numbers and enums", async () => {
    for (const [name, call] of OPTION_CALLS) {
      for (const o of [null, 5, "x", [], true, () => 1]) {
        for (const b of BACKENDS) await expectRefused(count(() => call(o, b)), ["INVALID_ARGUMENT"], `${name} options ${show(o)}`);
      }
      await expectRefused(count(() => call({ notAnOption: 1 }, "js")), ["INVALID_ARGUMENT"], `${name} unknown key`);
    }
    for (const [fn, key, meant] of [
      [() => tensorTrain(X0, { rank: 2 } as never), "rank", "maxRank"],
      [() => tensorTrain(X0, { n_components: 2 } as never), "n_components", "maxRank"],
      [() => tensorTrain(X0, { ranks: [2, 2] } as never), "ranks", "maxRank"],
      [() => tensorRing(X0, { ranks: [2, 2, 2] } as never), "ranks", "rank"],
      [() => tensorRing(X0, { n_components: 2 } as never), "n_components", "rank"],
      [() => tucker(X0, { n_components: 2 } as never), "n_components", "rank"],
      [() => tucker(X0, { ranks: 2 } as never), "ranks", "rank"],
      [() => searchStructure(X0, { method: "tnale", initialRanks: [2, 2, 2] } as never), "initialRanks", "initialRank"],
      [() => cp(X0, { n_components: 2 } as never), "n_components", "rank"],
      [() => ttRound(TT0, { rank: 2 } as never), "rank", "maxRank"],
    ] as const) {
      const o = await outcome(count(fn as () => unknown), `${key} → ${meant}`);
      expect(o.ok).toBe(false);
      if (!o.ok) {
        expect(o.code).toBe("INVALID_ARGUMENT");
        expect(o.message).toContain(`did you mean "${meant}"`);
      }
    }
    for (const [name, call, base, numeric, enums] of NUMERIC_OPTIONS) {
      for (const key of numeric) {
        for (const v of BAD_NUMBERS) {
          const o = await outcome(count(() => call({ backend: "js", ...base, [key]: v })), `${name} ${key} = ${String(v)}`);
          // Some bad numbers are valid for some options (a seed may be -1, eps 1e300): only a LowrankError matters then.
          if (!o.ok) expect(["INVALID_ARGUMENT", "SHAPE", "RANK", "TOO_LARGE"], `${name} ${key} = ${String(v)}: ${o.message}`).toContain(o.code);
        }
        for (const v of [NaN, Infinity, "1", null, {}, true]) {
          await expectRefused(count(() => call({ backend: "js", ...base, [key]: v })), ["INVALID_ARGUMENT"], `${name} ${key} = ${String(v)}`);
        }
      }
      for (const key of enums) {
        for (const v of ["nope", 1, null, true, {}]) {
          await expectRefused(count(() => call({ backend: "js", ...base, [key]: v })), ["INVALID_ARGUMENT"], `${name} ${key} = ${String(v)}`);
        }
      }
      for (const key of ["onProgress", "signal", "mask"].filter((k) => name !== "coreShape" || k === "signal")) {
        if (name === "ttRound") continue;
        await expectRefused(count(() => call({ backend: "js", ...base, [key]: 42 })), ["INVALID_ARGUMENT", "SHAPE"], `${name} ${key} = 42`);
      }
    }
  });

  it("sizes are checked before allocating: ranks that make cores over 2^29 entries are TOO_LARGE on both backends", async () => {
    for (const b of BACKENDS) {
      await expectRefused(count(() => tensorRing(X0, { rank: [1e5, 1e5, 1], method: "als", backend: b })), ["TOO_LARGE"], `tr-als huge ranks ${b}`);
      await expectRefused(count(() => tensorTrain(X0, { mask: new Uint8Array(24).fill(1), maxRank: [2 ** 28, 2 ** 28], backend: b })), ["TOO_LARGE"], `tt completion huge ranks ${b}`);
      await expectRefused(count(() => cp(X0, { rank: 2 ** 28, backend: b })), ["TOO_LARGE"], `cp huge rank ${b}`);
      await expectRefused(count(() => reconstruct({ weights: [1], factors: [1, 2, 3].map(() => ({ rows: 2000, cols: 1, data: new Float64Array(2000) })) } as never, { backend: b })), ["TOO_LARGE"], `reconstruct huge CP ${b}`);
      await expectRefused(
        count(() => reconstruct({ core: { shape: [1, 1], data: [1] }, factors: [0, 1].map(() => ({ rows: 30000, cols: 1, data: new Float64Array(30000) })) } as never, { backend: b })),
        ["TOO_LARGE"], `reconstruct huge Tucker ${b}`,
      );
      // Every part small, the dense tensor 2^30 entries.
      const wide = { cores: [0, 1, 2].map((k) => ({ shape: [1, 1024, 1], data: new Float64Array(1024).fill(k) })) };
      await expectRefused(count(() => reconstruct(wide as never, { backend: b })), ["TOO_LARGE"], `reconstruct huge TT ${b}`);
    }
  });

  it("an already-aborted signal is honoured before any work (no progress record, even with a bad tensor)", async () => {
    const calls: [string, (o: object) => unknown][] = [
      ["tucker", (o) => tucker(X0, { rank: 2, method: "hooi", ...o })],
      ["tucker bad X", (o) => tucker({ shape: [2], data: [NaN, 1] }, { rank: 2, ...o })],
      ["cp", (o) => cp(X0, { rank: 2, ...o })],
      ["tensorTrain", (o) => tensorTrain(X0, o)],
      ["tensorTrain mask", (o) => tensorTrain(X0, { mask: new Uint8Array(24).fill(1), maxRank: 2, ...o })],
      ["tensorRing", (o) => tensorRing(X0, o)],
      ["tensorRing als", (o) => tensorRing(X0, { rank: [1, 2, 1], method: "als", ...o })],
      ["coreShape", (o) => coreShape(X0, { budget: 40, signal: (o as { signal: AbortSignal }).signal })],
      ["searchStructure", (o) => searchStructure(X0, { method: "greedy", ...o })],
    ];
    for (const [name, call] of calls) {
      for (const b of BACKENDS) {
        let records = 0;
        await expectRefused(count(() => call({ signal: abortedSignal(), onProgress: () => records++, backend: b })), ["ABORTED"], `${name} ${b}`);
        expect(records, name).toBe(0);
      }
    }
  });
});

// ---- runtime: no init needed, flat memory, recovery after a throw -------

describe("contract: runtime", () => {
  it("reconstructs a js-backend decomposition on the default backend without init (compiled on first use)", async () => {
    const t = await tucker(X0, { rank: 2, backend: "js" });
    expect(rel(reconstruct(t).data, reconstruct(t, { backend: "js" }).data)).toBeLessThan(1e-14);
  });

  it("2,000 tiny tucker/reconstruct calls keep WASM memory and the heap flat", async () => {
    const shared = tensorModule.loader.shared();
    const run = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const t = await tucker(X0, { rank: 2 });
        reconstruct(t);
        ttNorm(TT0);
      }
    };
    await run(200);
    const bytes = shared.memory.buffer.byteLength, heap = process.memoryUsage().heapUsed;
    await run(2000);
    cases += 6000;
    expect(shared.memory.buffer.byteLength).toBe(bytes);
    expect(shared.arena.used).toBe(0);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(32 * 2 ** 20);
  });

  it("long runs yield to the event loop: a timer set before the run fires during it, and its abort stops the run", async () => {
    const X = { shape: [20, 20, 20], data: gaussian(8000, new Rng(5)) };
    for (const backend of BACKENDS) {
      const ctl = new AbortController();
      let firedAt = -1, sweeps = 0;
      const t0 = performance.now();
      setTimeout(() => {
        firedAt = performance.now() - t0;
        ctl.abort();
      }, 5);
      await expectRefused(
        count(() => cp(X, { rank: 5, tol: 0, maxIter: 1e6, backend, signal: ctl.signal, onProgress: () => sweeps++ })),
        ["ABORTED"], `cp aborted by a timer (${backend})`,
      );
      expect(firedAt).toBeGreaterThanOrEqual(0);
      // The run yields every 25 ms, so the timer fires soon after it is due (generous bound: a shared machine).
      expect(firedAt).toBeLessThan(1000);
      expect(sweeps).toBeGreaterThan(0);
    }
  });

  it("a call that throws (bad input, an abort mid-run, a throwing callback) leaves the next call working", async () => {
    const want = await tucker(X0, { rank: 2, method: "hooi", maxIter: 5 });
    const shared = tensorModule.loader.shared();
    for (const backend of BACKENDS) {
      await expectRefused(() => reconstruct({ cores: [null] } as never, { backend }), ["INVALID_ARGUMENT"], "bad decomposition");
      const ctl = new AbortController();
      await expectRefused(
        () => tucker(X0, { rank: 2, method: "hooi", tol: 0, maxIter: 1000, backend, signal: ctl.signal, onProgress: ({ iteration }) => iteration === 2 && ctl.abort() }),
        ["ABORTED"], "abort mid-run",
      );
      await expect(tucker(X0, { rank: 2, method: "hooi", backend, onProgress: () => { throw new Error("user callback"); } })).rejects.toThrow("user callback");
      expect(shared.arena.used).toBe(0);
    }
    const again = await tucker(X0, { rank: 2, method: "hooi", maxIter: 5 });
    expect(Array.from(again.core.data)).toEqual(Array.from(want.core.data));
    expect(Array.from(reconstruct(TT0).data)).toEqual(Array.from(reconstruct(TT0, { backend: "wasm" }).data));
  });
});
