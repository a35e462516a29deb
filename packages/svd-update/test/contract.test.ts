// The contract of every public entry point of @lowrank/svd-update, checked by
// seeded property-based runs on both backends: a correct result (checked
// against its definition: orthonormal factors, and for the exact methods on
// small low-rank inputs U diag(s) Vᵀ equal to the updated matrix and s equal to
// its dense SVD's) or a LowrankError with a sensible code; never another
// exception, non-finite output from finite input, accepted invalid input, a
// hang, or growing memory (docs/ARCHITECTURE.md, "Tests").
import type { CsrMatrix, DenseMatrix } from "@lowrank/linalg";
import {
  abortedSignal, BAD_NUMBERS, badMatrices, expectContract, expectRefused, fc, fcParams, outcome, WRONG_TYPES, type Code,
} from "@lowrank/test-utils/contract";
import { afterAll, describe, expect, it } from "vitest";
import { EvolvingSvd, residualMetric, singularValueError, svdResiduals, truncatedSvd, type UpdateMethod } from "../src/index.js";
import { svdUpdateModule } from "../src/module.js";
import { csr, exactValues, orthError, product, usv } from "./helpers.js";

const BACKENDS = ["js", "wasm"] as const;
const EXACT: UpdateMethod[] = ["deng", "zha-simon"];
const APPROX: UpdateMethod[] = ["deng-gkl", "deng-rpi", "vecharynski", "yamazaki"];
const INPUT_CODES: Code[] = ["INVALID_ARGUMENT", "SHAPE", "EMPTY", "NON_FINITE", "INDEX", "TOO_LARGE"];

// Another seed or more runs: SVD_UPDATE_SEED=1 SVD_UPDATE_RUNS=10 npx vitest run packages/svd-update/test/contract.test.ts
const SEED = Number(process.env.SVD_UPDATE_SEED ?? 20261206), RUNS = Number(process.env.SVD_UPDATE_RUNS ?? 1);
const params = (n: number) => fcParams(Math.ceil(n * RUNS), SEED);

let cases = 0;
const count = <T>(x: T): T => {
  cases++;
  return x;
};
afterAll(() => console.log(`svd-update contract: ${cases} cases`));

/** A rows x cols matrix of small integers (exact dependencies stay exact). */
const arbInts = (rows: number, cols: number) =>
  fc.array(fc.integer({ min: -4, max: 4 }), { minLength: rows * cols, maxLength: rows * cols }).map((a) => ({ rows, cols, data: Float64Array.from(a) }));

/** A rank <= r matrix X Yᵀ of small integers. */
const arbLowRank = (m: number, n: number, r: number) =>
  fc.tuple(arbInts(m, r), arbInts(n, r)).map(([X, Y]) => product(X, Y, true));

/** The same matrix in one of the accepted forms. */
function form(A: DenseMatrix, f: number): unknown {
  if (f === 0) return A;
  if (f === 1) return csr(A);
  if (f === 2) return Array.from({ length: A.rows }, (_, i) => Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));
  const C = csr(A); // CSR with plain-array indices
  return { rows: C.rows, cols: C.cols, indptr: Array.from(C.indptr), indices: Array.from(C.indices), data: Array.from(C.data) };
}

function stack(A: DenseMatrix, E: DenseMatrix): DenseMatrix {
  const out = new Float64Array((A.rows + E.rows) * A.cols);
  out.set(A.data);
  out.set(E.data, A.data.length);
  return { rows: A.rows + E.rows, cols: A.cols, data: out };
}

function transpose(A: DenseMatrix): DenseMatrix {
  const out = new Float64Array(A.data.length);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[j * A.rows + i] = A.data[i * A.cols + j];
  return { rows: A.cols, cols: A.rows, data: out };
}

function add(A: DenseMatrix, B: DenseMatrix): DenseMatrix {
  return { rows: A.rows, cols: A.cols, data: A.data.map((v, i) => v + B.data[i]) };
}

const norm = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((a, v) => a + v * v, 0));

/** The definition: orthonormal factors, s descending and >= 0, and (exact) U diag(s) Vᵀ = M and s = M's leading singular values. */
function checkSvd(f: { U: DenseMatrix; s: Float64Array; V: DenseMatrix }, M: DenseMatrix | null, what: string): void {
  expect(orthError(f.U), `${what}: UᵀU = I`).toBeLessThan(1e-9);
  expect(orthError(f.V), `${what}: VᵀV = I`).toBeLessThan(1e-9);
  for (let i = 0; i < f.s.length; i++) {
    expect(f.s[i], `${what}: s >= 0`).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(f.s[i], `${what}: s descending`).toBeLessThanOrEqual(f.s[i - 1] * (1 + 1e-12) + 1e-300);
  }
  if (!M) return;
  const scale = Math.max(1, norm(M.data));
  const R = usv(f.U, f.s, f.V);
  let err = 0;
  for (let i = 0; i < R.data.length; i++) err = Math.max(err, Math.abs(R.data[i] - M.data[i]));
  expect(err / scale, `${what}: U diag(s) Vᵀ = M`).toBeLessThan(1e-9);
  const ref = exactValues(M, f.s.length);
  for (let i = 0; i < f.s.length; i++) expect(Math.abs(f.s[i] - ref[i]) / scale, `${what}: s = svd(M).s`).toBeLessThan(1e-9);
}

describe("contract: the wasm backend needs no init() in Node", () => {
  it("residualMetric and EvolvingSvd run on wasm before any init()", async () => {
    expect(svdUpdateModule.loader.variant).toBeNull();
    const A = { rows: 3, cols: 2, data: Float64Array.from([3, 0, 0, 2, 0, 0]) };
    const U = { rows: 3, cols: 2, data: Float64Array.from([1, 0, 0, 1, 0, 0]) }, V = { rows: 2, cols: 2, data: Float64Array.from([1, 0, 0, 1]) };
    expect(Array.from(count(residualMetric(A, U, [3, 2], V)))).toEqual([0, 0]);
    expect(svdUpdateModule.loader.variant).toBe("simd");
  });
});

describe("contract: valid inputs give results that meet the definition", () => {
  for (const backend of BACKENDS) {
    it(`${backend}: truncatedSvd of low-rank matrices in every accepted form`, async () => {
      const arb = fc.record({ m: fc.integer({ min: 2, max: 9 }), n: fc.integer({ min: 2, max: 9 }), r: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 0, max: 3 }) })
        .chain(({ m, n, r, f }) => fc.tuple(arbLowRank(m, n, Math.min(r, m, n)), fc.integer({ min: Math.min(r, m, n), max: Math.min(m, n) }), fc.constant(f)));
      await fc.assert(fc.asyncProperty(arb, async ([A, k, f]) => {
        await expectContract(() => count(truncatedSvd(form(A, f) as DenseMatrix, { rank: k, seed: 1, backend })), "truncatedSvd", (r) => checkSvd(r, A, "truncatedSvd"));
      }), params(80));
    });

    it(`${backend}: truncatedSvd with generated options of either method on low-rank matrices, and svdResiduals of its factors`, async () => {
      const arb = fc.record({
        m: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }), r: fc.integer({ min: 0, max: 3 }), f: fc.integer({ min: 0, max: 3 }),
        method: fc.constantFrom("lanczos", "randomized", undefined), basisSize: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        maxIter: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }), tol: fc.option(fc.constantFrom(0, 1e-14, 1e-10, 1e-3, 1), { nil: undefined }),
        seed: fc.integer({ min: -5, max: 5 }),
      }).chain((p) => fc.tuple(fc.constant(p), arbLowRank(p.m, p.n, Math.min(p.r, p.m, p.n)), fc.integer({ min: Math.max(1, Math.min(p.r, p.m, p.n)), max: Math.min(p.m, p.n) })));
      await fc.assert(fc.asyncProperty(arb, async ([p, A, k]) => {
        const opts = p.method === "randomized"
          ? { rank: k, method: p.method, tol: p.tol, seed: p.seed, backend }
          : { rank: k, method: p.method, basisSize: p.basisSize, maxIter: p.maxIter, tol: p.tol, seed: p.seed, backend };
        const o = await outcome(() => count(truncatedSvd(form(A, p.f) as DenseMatrix, opts)), "truncatedSvd options");
        if (!o.ok) {
          // A basis no larger than rank, or a tolerance a few restarts cannot reach.
          expect(["INVALID_ARGUMENT", "NOT_CONVERGED"], o.message).toContain(o.code);
          return;
        }
        expect(orthError(o.value.U)).toBeLessThan(1e-9);
        expect(orthError(o.value.V)).toBeLessThan(1e-9);
        const res = count(svdResiduals(A, o.value, { backend }));
        for (const x of res) expect(Number.isFinite(x)).toBe(true);
        if (o.value.method === "lanczos" && (p.tol ?? 1e-10) <= 1e-10) {
          checkSvd(o.value, A, "lanczos");
          expect(Math.max(0, ...res)).toBeLessThan(1e-8);
        }
      }), params(120));
    });

    it(`${backend}: svdResiduals refuses bad matrices, factors and options`, async () => {
      const A = { rows: 3, cols: 2, data: Float64Array.from([3, 0, 0, 2, 0, 0]) };
      const U = { rows: 3, cols: 2, data: Float64Array.from([1, 0, 0, 1, 0, 0]) }, V = { rows: 2, cols: 2, data: Float64Array.from([1, 0, 0, 1]) };
      for (const bad of badMatrices(3, 2)) {
        await expectRefused(() => count(svdResiduals(bad as DenseMatrix, { U, s: [3, 2], V }, { backend })), INPUT_CODES, "svdResiduals(bad A)");
        await expectRefused(() => count(svdResiduals(A, { U: bad, s: [3, 2], V }, { backend })), INPUT_CODES, "svdResiduals(bad U)");
        await expectRefused(() => count(svdResiduals(A, { U, s: [3, 2], V: bad }, { backend })), INPUT_CODES, "svdResiduals(bad V)");
      }
      for (const bad of WRONG_TYPES) {
        await expectRefused(() => count(svdResiduals(A, bad as never, { backend })), INPUT_CODES, "svdResiduals(bad factors)");
        await expectRefused(() => count(svdResiduals(A, { U, s: bad, V } as never, { backend })), INPUT_CODES, "svdResiduals(bad s)");
        // An object without keys is an empty options object; anything else is refused.
        const emptyObject = typeof bad === "object" && bad !== null && !Array.isArray(bad) && Object.keys(bad).length === 0;
        if (bad !== undefined && !emptyObject) await expectRefused(() => count(svdResiduals(A, { U, s: [3, 2], V }, bad as never)), ["INVALID_ARGUMENT"], "svdResiduals(bad opts)");
      }
      for (const v of BAD_NUMBERS) {
        if (typeof v === "number" && Number.isFinite(v)) continue;
        await expectRefused(() => count(svdResiduals(A, { U, s: [3, v as number], V }, { backend })), INPUT_CODES, `svdResiduals s=${String(v)}`);
      }
      for (const [key, v] of [["basisSize", 0], ["basisSize", 1.5], ["basisSize", 1], ["maxIter", 0], ["maxIter", -1], ["maxIter", 2.5], ["method", "arpack"], ["tol", -1]] as const) {
        await expectRefused(() => count(truncatedSvd(A, { rank: 1, [key]: v, backend } as never)), ["INVALID_ARGUMENT"], `truncatedSvd ${key}=${String(v)}`);
      }
    });

    it(`${backend}: truncatedSvd and residualMetric on matrices with extreme entries stay finite and orthonormal`, async () => {
      const { arbMatrix } = await import("@lowrank/test-utils/contract");
      await fc.assert(fc.asyncProperty(arbMatrix(7, 7), async (A) => {
        const o = await expectContract(() => count(truncatedSvd(A, { rank: Math.min(A.rows, A.cols, 2), seed: 2, backend })), "truncatedSvd extreme", (r) => checkSvd(r, null, "extreme"));
        if (o.ok) await expectContract(() => count(residualMetric(A, o.value.U, o.value.s, o.value.V, { backend })), "residualMetric extreme");
      }), params(150));
    });

    for (const method of EXACT) {
      it(`${backend} ${method}: create + addRows / addColumns / updateWeights (sync and async) equal the dense SVD of the updated matrix`, async () => {
        const arb = fc.record({ r: fc.integer({ min: 1, max: 2 }), s: fc.integer({ min: 1, max: 2 }), dm: fc.integer({ min: 0, max: 3 }), dn: fc.integer({ min: 0, max: 3 }), f: fc.integer({ min: 0, max: 3 }), op: fc.integer({ min: 0, max: 2 }), async: fc.boolean() })
          .chain((p) => {
            const m = p.r + p.s + p.dm, n = p.r + p.s + p.dn;
            return fc.record({
              p: fc.constant(p), A: arbLowRank(m, n, p.r), Er: arbInts(p.s, n), Ec: arbInts(m, p.s), D: arbInts(m, p.s), W: arbInts(n, p.s),
            });
          });
        await fc.assert(fc.asyncProperty(arb, async ({ p, A, Er, Ec, D, W }) => {
          const k = p.r + p.s;
          const es = await EvolvingSvd.create(csr(A), { rank: k, method, seed: 3, backend, keepMatrix: true });
          let M: DenseMatrix;
          const run = async (sync: () => void, asyncForm: () => Promise<void>) => {
            const o = await outcome(() => count(p.async ? asyncForm() : sync()), `${method} update`);
            expect(o.ok, o.ok ? "" : o.message).toBe(true);
          };
          if (p.op === 0) {
            M = stack(A, Er);
            await run(() => es.addRows(form(Er, p.f) as DenseMatrix), () => es.addRowsAsync(form(Er, p.f) as DenseMatrix));
          } else if (p.op === 1) {
            M = transpose(stack(transpose(A), transpose(Ec)));
            await run(() => es.addColumns(form(Ec, p.f) as DenseMatrix), () => es.addColumnsAsync(form(Ec, p.f) as DenseMatrix));
          } else {
            M = add(A, product(D, W, true));
            await run(() => es.updateWeights(form(D, p.f) as DenseMatrix, W), () => es.updateWeightsAsync(form(D, p.f) as DenseMatrix, W));
          }
          checkSvd(count(es.factors()), M, `${method} op ${p.op}`);
          expect([es.rows, es.cols]).toEqual([M.rows, M.cols]);
          // The other read-outs agree with factors().
          const f = es.factors();
          const near = (a: Float64Array, b: Float64Array) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-12));
          near(es.row(M.rows - 1), f.U.data.subarray((M.rows - 1) * k));
          near(es.column(0), f.V.data.subarray(0, k));
          const kept = es.matrix()!;
          expect(Array.from(csrDense(kept).data)).toEqual(Array.from(M.data));
          await expectContract(() => count(residualMetric(kept, f.U, f.s, f.V, { backend })), "residualMetric", (r) => {
            for (let i = 0; i < k; i++) if (f.s[i] > 1e-6 * f.s[0]) expect(r[i]).toBeLessThan(1e-8);
          });
          expectFiniteAll([es.kCondition(), es.stats, es.singularValues()]);
          // recompute from the kept matrix: the fresh truncated SVD of M.
          await expectContract(() => count(es.recompute(null, { seed: 5, powerIters: 2 })), "recompute");
          checkSvd(es.factors(), M, `${method} recompute`);
        }), params(60));
      });
    }

    it(`${backend}: approximate methods and auto keep orthonormal, finite factors; fromFactors starts from given factors`, async () => {
      const arb = fc.record({
        method: fc.constantFrom<UpdateMethod | "auto">(...APPROX, "auto"), A: arbLowRank(6, 5, 2), E: arbInts(2, 5), C: arbInts(6, 1), D: arbInts(6, 1), W: arbInts(5, 1),
      });
      await fc.assert(fc.asyncProperty(arb, async ({ method, A, E, C, D, W }) => {
        const es = await EvolvingSvd.create(A, { rank: 3, method, backend, seed: 4 });
        await expectContract(() => count(es.addRows(E)), `${method} addRows`);
        await expectContract(() => count(es.addColumns(C)), `${method} addColumns`);
        await expectContract(() => count(es.updateWeights(D, W)), `${method} updateWeights`);
        checkSvd(es.factors(), null, method);
        const f = es.factors();
        const copy = await EvolvingSvd.fromFactors(f, { backend });
        expect(Array.from(copy.singularValues())).toEqual(Array.from(f.s));
        checkSvd(copy.factors(), usv(f.U, f.s, f.V), "fromFactors");
        expectFiniteAll([es.history, es.lastDecision]);
      }), params(50));
    });

    it(`${backend}: updates with extreme entries (1e300, 1.8e308, 1e-300, 5e-324) give orthonormal finite factors or NON_FINITE`, async () => {
      const entry = fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(0, 1e300, -1e300, 1e-300, 5e-324, 1.7976931348623157e308, -1.7976931348623157e308));
      const arb = fc.record({
        method: fc.constantFrom<UpdateMethod>(...EXACT, ...APPROX), op: fc.integer({ min: 0, max: 2 }),
        e: fc.array(entry, { minLength: 12, maxLength: 12 }), w: fc.array(entry, { minLength: 5, maxLength: 5 }),
      });
      const A = { rows: 6, cols: 5, data: Float64Array.from({ length: 30 }, (_, i) => Math.sin(3 * i + 1)) };
      await fc.assert(fc.asyncProperty(arb, async ({ method, op, e, w }) => {
        const es = await EvolvingSvd.create(A, { rank: 2, method, backend, seed: 6 });
        const call = op === 0 ? () => es.addRows({ rows: 2, cols: 5, data: Float64Array.from(e.slice(0, 10)) })
          : op === 1 ? () => es.addColumns({ rows: 6, cols: 2, data: Float64Array.from(e) })
          : () => es.updateWeights({ rows: 6, cols: 1, data: Float64Array.from(e.slice(0, 6)) }, { rows: 5, cols: 1, data: Float64Array.from(w) });
        const o = await expectContract(() => count(call()), `${method} extreme op ${op}`);
        if (!o.ok) expect(o.code).toBe("NON_FINITE");
        const f = es.factors(); // after a refusal too: the object is unchanged and usable
        expectFiniteAll([f]);
        checkSvd(f, null, `${method} extreme op ${op}`);
      }), params(250));
    });
  }

  it("singularValueError matches its definition", async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true })), { minLength: 1, maxLength: 6 }), async (pairs) => {
      const a = pairs.map((p) => p[0]), b = pairs.map((p) => p[1]);
      await expectContract(() => count(singularValueError(a, b)), "singularValueError", (r) => {
        for (let i = 0; i < a.length; i++) {
          const d = Math.abs(a[i] - b[i]);
          const want = a[i] === b[i] ? 0 : b[i] === 0 ? d : Number.isFinite(d) ? d / Math.abs(b[i]) : Math.abs(a[i] / 2 - b[i] / 2) / Math.abs(b[i] / 2);
          expect(r[i]).toBe(want);
        }
      });
    }), params(500));
  });
});

function csrDense(A: CsrMatrix): DenseMatrix {
  const out = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) out[i * A.cols + A.indices[q]] += A.data[q];
  return { rows: A.rows, cols: A.cols, data: out };
}

function expectFiniteAll(xs: unknown[]): void {
  const walk = (x: unknown): void => {
    if (typeof x === "number") expect(Number.isFinite(x) || Number.isNaN(x) === false).toBe(true);
    else if (ArrayBuffer.isView(x)) for (const v of x as unknown as number[]) expect(Number.isFinite(v)).toBe(true);
    else if (x && typeof x === "object") for (const v of Object.values(x)) walk(v);
  };
  for (const x of xs) walk(x);
}

/** Values readOptions takes as an empty options object (objects without own keys). */
const emptyOptions = (v: unknown) =>
  v === undefined || (typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && Object.keys(v).length === 0);

describe("contract: invalid inputs are refused with the right codes", () => {
  const A = { rows: 6, cols: 5, data: Float64Array.from({ length: 30 }, (_, i) => Math.cos(2 * i + 1)) };
  const f = { U: { rows: 6, cols: 2, data: new Float64Array(12) }, s: new Float64Array([2, 1]), V: { rows: 5, cols: 2, data: new Float64Array(10) } };
  f.U.data[0] = f.U.data[3] = f.V.data[0] = f.V.data[3] = 1;
  /** CSR batches (6 wide) that are invalid in every way the input layer checks. */
  const badCsr = (cols: number): unknown[] => [
    { rows: 1, cols, indptr: [0, 1], indices: [1.5], data: [1] },
    { rows: 1, cols, indptr: [0, 1], indices: [NaN], data: [1] },
    { rows: 1, cols, indptr: [0, 1], indices: new Float64Array([0.25]), data: new Float64Array([1]) },
    { rows: 1, cols, indptr: [0, 1], indices: [cols], data: [1] },
    { rows: 1, cols, indptr: [0, 1], indices: [-1], data: [1] },
    { rows: 1, cols, indptr: [0, 1], indices: [0], data: [NaN] },
    { rows: 1, cols, indptr: [0, 1], indices: [0], data: [Infinity] },
    { rows: 2, cols, indptr: [0, 2, 1], indices: [0, 1], data: [1, 2] },
    { rows: 1, cols, indptr: [1, 2], indices: [0, 1], data: [1, 2] },
    { rows: 1, cols, indptr: [0, 0.5], indices: [], data: [] },
    { rows: 1, cols, indptr: [0, 2], indices: [0], data: [1, 2] },
    { rows: 1, cols, indptr: new BigInt64Array(2), indices: [0], data: [1] },
    { rows: 1.5, cols, indptr: [0, 1], indices: [0], data: [1] },
    { rows: 0, cols, indptr: [0], indices: [], data: [] },
  ];

  for (const backend of BACKENDS) {
    it(`${backend}: truncatedSvd and EvolvingSvd.create refuse bad matrices, options and aborted signals`, async () => {
      for (const bad of [...badMatrices(6, 5), ...badCsr(5)]) {
        await expectRefused(() => count(truncatedSvd(bad as DenseMatrix, { rank: 1, backend })), INPUT_CODES, "truncatedSvd(bad)");
        await expectRefused(() => count(EvolvingSvd.create(bad as DenseMatrix, { rank: 1, backend })), INPUT_CODES, "create(bad)");
      }
      for (const bad of WRONG_TYPES) {
        if (bad === undefined) continue;
        await expectRefused(() => count(truncatedSvd(A, bad as never)), ["INVALID_ARGUMENT", "RANK"], "truncatedSvd(opts)");
        await expectRefused(() => count(EvolvingSvd.create(A, bad as never)), ["INVALID_ARGUMENT", "RANK"], "create(opts)");
      }
      const numeric = ["rank", "oversample", "powerIters", "seed", "tol"] as const;
      for (const key of numeric) for (const v of BAD_NUMBERS) {
        if (key === "seed" && typeof v === "number" && Number.isFinite(v)) continue; // any finite seed is valid
        if (key === "tol" && typeof v === "number" && Number.isFinite(v) && v >= 0) continue;
        if ((key === "oversample") && v === 1e300) { /* out of range too */ }
        const opts = { rank: 2, backend, [key]: v };
        if (key !== "rank" && typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 1000) continue;
        await expectRefused(() => count(truncatedSvd(A, opts as never)), ["INVALID_ARGUMENT", "RANK"], `truncatedSvd ${key}=${String(v)}`);
        await expectRefused(() => count(EvolvingSvd.create(A, opts as never)), ["INVALID_ARGUMENT", "RANK"], `create ${key}=${String(v)}`);
      }
      await expectRefused(() => count(truncatedSvd(A, { rank: 6, backend })), ["RANK"], "rank above min(rows, cols)");
      for (const [key, v] of [["kConditionLimit", 0.5], ["dropTol", -1], ["dropTol", 2], ["approxRank", 0], ["approxIters", 1.5], ["method", "svd"], ["keepMatrix", 1], ["onProgress", 3], ["signal", {}], ["backend", "gpu"]] as const) {
        await expectRefused(() => count(EvolvingSvd.create(A, { rank: 2, backend, [key]: v } as never)), ["INVALID_ARGUMENT"], `create ${key}=${String(v)}`);
      }
      for (const key of ["n_components", "k", "max_iter", "random_state", "nIter", "whatever"]) {
        const o = await outcome(() => count(truncatedSvd(A, { rank: 2, backend, [key]: 2 } as never)), `truncatedSvd ${key}`);
        expect(o.ok ? "" : o.code).toBe("INVALID_ARGUMENT");
        if (!o.ok && key === "n_components") expect(o.message).toContain('did you mean "rank"');
      }
      await expectRefused(() => count(truncatedSvd(A, { rank: 2, backend, signal: abortedSignal(), onProgress: () => { throw new Error("ran"); } })), ["ABORTED"], "aborted truncatedSvd");
      await expectRefused(() => count(EvolvingSvd.create(A, { rank: 2, backend, signal: abortedSignal() })), ["ABORTED"], "aborted create");
      await expectRefused(() => count(EvolvingSvd.fromFactors(f, { backend, signal: abortedSignal() })), ["ABORTED"], "aborted fromFactors");
      // Sizes are checked before anything is allocated, on both backends.
      const huge = { rows: 200000, cols: 200000, indptr: new Int32Array(200001), indices: new Int32Array(0), data: new Float64Array(0) };
      await expectRefused(() => count(truncatedSvd(huge, { rank: 100000, backend })), ["TOO_LARGE"], "huge truncatedSvd");
      await expectRefused(() => count(EvolvingSvd.create(huge, { rank: 100000, backend })), ["TOO_LARGE"], "huge create");
    });

    it(`${backend}: EvolvingSvd methods refuse bad batches, indices and options, and stay usable afterwards`, async () => {
      const es = await EvolvingSvd.create(A, { rank: 2, backend, seed: 1 });
      const ref = await EvolvingSvd.create(A, { rank: 2, backend, seed: 1 });
      const rowsBad = [...badMatrices(1, 5), ...badCsr(5), { rows: 1, cols: 4, data: new Float64Array(4) }];
      for (const bad of rowsBad) {
        await expectRefused(() => count(es.addRows(bad as DenseMatrix)), INPUT_CODES, "addRows(bad)");
        await expectRefused(() => count(es.addRowsAsync(bad as DenseMatrix)), INPUT_CODES, "addRowsAsync(bad)");
      }
      for (const bad of [...badMatrices(6, 1), ...badCsr(1), { rows: 5, cols: 1, data: new Float64Array(5) }]) {
        await expectRefused(() => count(es.addColumns(bad as DenseMatrix)), INPUT_CODES, "addColumns(bad)");
        await expectRefused(() => count(es.updateWeights(bad as DenseMatrix, { rows: 5, cols: 1, data: new Float64Array(5) })), INPUT_CODES, "updateWeights(bad, E)");
      }
      for (const bad of [...badMatrices(5, 1), ...badCsr(1), { rows: 6, cols: 1, data: new Float64Array(6) }]) {
        await expectRefused(() => count(es.updateWeights({ rows: 6, cols: 1, data: new Float64Array(6) }, bad as DenseMatrix)), INPUT_CODES, "updateWeights(D, bad)");
      }
      // Plain-array CSR with NaN or fractional indices (addColumns accepted them before).
      await expectRefused(() => count(es.addColumns({ rows: 6, cols: 1, indptr: [0, 1, 1, 1, 1, 1, 1], indices: [0.5], data: [1] } as never)), ["INDEX"], "fractional index");
      await expectRefused(() => count(es.addColumns({ rows: 6, cols: 1, indptr: [0, 1, 1, 1, 1, 1, 1], indices: [NaN], data: [1] } as never)), ["INDEX"], "NaN index");
      await expectRefused(() => count(es.updateWeights({ rows: 6, cols: 1, data: new Float64Array(6) }, { rows: 5, cols: 2, data: new Float64Array(10) })), ["SHAPE"], "inner sizes");
      for (const bad of [...WRONG_TYPES, ...BAD_NUMBERS, 6, 5]) {
        const valid = (dim: number) => typeof bad === "number" && Number.isInteger(bad) && bad >= 0 && bad < dim;
        if (!valid(6)) await expectRefused(() => count(es.row(bad as number)), ["INDEX", "INVALID_ARGUMENT"], "row(bad)");
        if (!valid(5)) await expectRefused(() => count(es.column(bad as number)), ["INDEX", "INVALID_ARGUMENT"], "column(bad)");
      }
      for (const bad of WRONG_TYPES) {
        if (emptyOptions(bad)) continue;
        await expectRefused(() => count(es.recompute(A, bad as never)), ["INVALID_ARGUMENT"], "recompute(opts)");
        await expectRefused(() => count(es.addRowsAsync({ rows: 1, cols: 5, data: new Float64Array(5) }, bad as never)), ["INVALID_ARGUMENT"], "addRowsAsync(opts)");
      }
      await expectRefused(() => count(es.recompute(A, { rank: 2 } as never)), ["INVALID_ARGUMENT"], "recompute rank");
      await expectRefused(() => count(es.recompute(null)), ["INVALID_ARGUMENT"], "recompute without a kept matrix");
      await expectRefused(() => count(es.recompute({ rows: 5, cols: 5, data: new Float64Array(25) })), ["SHAPE"], "recompute shape");
      await expectRefused(() => count(es.recompute(A, { signal: abortedSignal() })), ["ABORTED"], "aborted recompute");
      const E = { rows: 1, cols: 5, data: Float64Array.from([1, -2, 0.5, 3, 1]) };
      await expectRefused(() => count(es.addRowsAsync(E, { signal: abortedSignal() })), ["ABORTED"], "aborted addRowsAsync");
      await expectRefused(() => count(es.updateWeightsAsync({ rows: 6, cols: 1, data: new Float64Array(6) }, { rows: 5, cols: 1, data: new Float64Array(5) }, { signal: abortedSignal() })), ["ABORTED"], "aborted updateWeightsAsync");
      // An async update aborted while it runs leaves the object unchanged.
      const ac = new AbortController();
      const pending = es.addRowsAsync({ rows: 40, cols: 5, data: Float64Array.from({ length: 200 }, (_, i) => Math.sin(i)) }, { signal: ac.signal });
      await expectRefused(() => es.addRows(E), ["INVALID_ARGUMENT"], "a call while an async update runs");
      ac.abort();
      const o = await outcome(() => pending, "aborted while running");
      if (!o.ok) expect(o.code).toBe("ABORTED");
      else ref.addRows({ rows: 40, cols: 5, data: Float64Array.from({ length: 200 }, (_, i) => Math.sin(i)) });
      await expectRefused(() => count(EvolvingSvd.fromFactors({ ...f, s: [2] } as never, { backend })), ["SHAPE"], "fromFactors s");
      await expectRefused(() => count(EvolvingSvd.fromFactors(f, { backend, rank: 3 })), ["RANK"], "fromFactors rank");
      await expectRefused(() => count(EvolvingSvd.fromFactors(f, { backend, keepMatrix: true })), ["INVALID_ARGUMENT"], "fromFactors keepMatrix");
      for (const bad of WRONG_TYPES) await expectRefused(() => count(EvolvingSvd.fromFactors(bad as never, { backend })), ["INVALID_ARGUMENT", "SHAPE", "EMPTY", "NON_FINITE"], "fromFactors(bad)");
      const notOrthonormal = { ...f, U: { rows: 6, cols: 2, data: new Float64Array(12).fill(1e300) } };
      await expectRefused(() => count(EvolvingSvd.fromFactors(notOrthonormal, { backend })), ["INVALID_ARGUMENT"], "fromFactors with entries above 1");
      // A weight update whose product D Eᵀ does not fit in a double cannot be kept: refused, and the object is unchanged.
      const kept = await EvolvingSvd.create(A, { rank: 2, backend, keepMatrix: true, method: "zha-simon" });
      const before = kept.matrix()!.data.slice();
      await expectRefused(() => count(kept.updateWeights({ rows: 6, cols: 1, data: new Float64Array(6).fill(1e200) }, { rows: 5, cols: 1, data: new Float64Array(5).fill(1e200) })), ["NON_FINITE"], "kept product overflow");
      expect(Array.from(kept.matrix()!.data)).toEqual(Array.from(before));
      expect(kept.stats.updates).toBe(0);
      // After every refusal the object works, and as a fresh one would.
      es.addRows(E);
      ref.addRows(E);
      expect(Array.from(es.factors().U.data)).toEqual(Array.from(ref.factors().U.data));
      expect(es.stats.updates).toBe(ref.stats.updates);
    });

    it(`${backend}: residualMetric and singularValueError refuse bad input`, async () => {
      const U = f.U, V = f.V, s = f.s;
      for (const bad of badMatrices(6, 5)) await expectRefused(() => count(residualMetric(bad as DenseMatrix, U, s, V, { backend })), INPUT_CODES, "residualMetric(A)");
      for (const bad of badMatrices(6, 2)) await expectRefused(() => count(residualMetric(A, bad as DenseMatrix, s, V, { backend })), INPUT_CODES, "residualMetric(U)");
      for (const bad of [...WRONG_TYPES, [1], [NaN, 1], new Float64Array([1, Infinity])]) {
        await expectRefused(() => count(residualMetric(A, U, bad as never, V, { backend })), INPUT_CODES, "residualMetric(s)");
        await expectRefused(() => count(singularValueError(bad as never, [1, 2])), INPUT_CODES, "singularValueError(s)");
        await expectRefused(() => count(singularValueError([1, 2], bad as never)), INPUT_CODES, "singularValueError(ref)");
      }
      for (const bad of WRONG_TYPES) {
        if (emptyOptions(bad)) continue;
        await expectRefused(() => count(residualMetric(A, U, s, V, bad as never)), ["INVALID_ARGUMENT"], "residualMetric(opts)");
      }
      await expectRefused(() => count(residualMetric(A, U, s, V, { backend, k: 2 } as never)), ["INVALID_ARGUMENT"], "residualMetric unknown option");
    });
  }
});

describe("contract: long runs yield to the event loop and stop on their signal", () => {
  it("truncatedSvd lets timers run while it works and stops on a signal fired meanwhile", async () => {
    const A = { rows: 1500, cols: 800, data: Float64Array.from({ length: 1500 * 800 }, (_, i) => Math.sin(i * 0.37)) };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const seen: number[] = [];
    try {
      await truncatedSvd(A, { rank: 20, method: "randomized", powerIters: 3, backend: "js", onProgress: (p) => seen.push(p.iteration) });
      expect(seen).toEqual([1, 2, 3]);
      expect(ticks).toBeGreaterThan(0);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 10);
      await expectRefused(() => count(truncatedSvd(A, { rank: 20, method: "randomized", powerIters: 50, backend: "js", signal: ac.signal })), ["ABORTED"], "aborted while running");
    } finally {
      clearInterval(timer);
    }
  });

  it("addRowsAsync aborted between phases leaves the object as it was, and the next update works", async () => {
    const A = { rows: 200, cols: 1500, data: Float64Array.from({ length: 200 * 1500 }, (_, i) => Math.cos(i * 0.11)) };
    const es = await EvolvingSvd.create(A, { rank: 8, backend: "js", seed: 1, method: "zha-simon" });
    const before = es.factors();
    // A dense batch large enough that reading it takes longer than one 25 ms slice.
    const E = { rows: 3000, cols: 1500, data: Float64Array.from({ length: 3000 * 1500 }, (_, i) => Math.sin(i * 0.013)) };
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    const o = await outcome(() => es.addRowsAsync(E, { signal: ac.signal }), "addRowsAsync");
    expect(o.ok ? "done" : o.code).toBe("ABORTED");
    const after = es.factors();
    expect([es.rows, es.stats.updates]).toEqual([200, 0]);
    expect(Array.from(after.U.data)).toEqual(Array.from(before.U.data));
    expect(Array.from(after.s)).toEqual(Array.from(before.s));
    es.addRows({ rows: 2, cols: 1500, data: E.data.subarray(0, 3000) });
    expect(es.rows).toBe(202);
    checkSvd(es.factors(), null, "after an aborted async update");
  });
});

describe("contract: memory stays flat, and a call that throws leaves the next one working", () => {
  it("wasm: 2,000 tiny updates (every tenth refused) keep the instance memory and the JS heap flat", async () => {
    const A = { rows: 30, cols: 20, data: Float64Array.from({ length: 600 }, (_, i) => Math.sin(i * 0.7)) };
    const es = await EvolvingSvd.create(A, { rank: 4, backend: "wasm", seed: 1 });
    const memory = () => (es as unknown as { es: { f: { st: { instance: { memory: WebAssembly.Memory } } } } }).es.f.st.instance.memory.buffer.byteLength;
    const shared = () => svdUpdateModule.loader.shared().memory.buffer.byteLength;
    const D = { rows: 30, cols: 1, data: new Float64Array(30) }, E = { rows: 20, cols: 1, data: new Float64Array(20) };
    const bad = { rows: 20, cols: 1, data: Float64Array.from({ length: 20 }, (_, i) => (i === 3 ? NaN : 1)) };
    const step = (t: number) => {
      for (let i = 0; i < 30; i++) D.data[i] = 1e-3 * Math.sin(t + i);
      for (let i = 0; i < 20; i++) E.data[i] = Math.cos(t * 0.3 + i);
      if (t % 10 === 9) {
        expect(() => es.updateWeights(D, bad)).toThrow(/NON_FINITE/);
        expect(() => residualMetric(A, es.factors().U, es.singularValues(), { rows: 3, cols: 4, data: new Float64Array(12) })).toThrow(/SHAPE/);
      } else es.updateWeights(D, E);
      count(null);
    };
    for (let t = 0; t < 100; t++) step(t);
    const f0 = es.factors();
    residualMetric(A, f0.U, f0.s, f0.V);
    const m0 = memory(), s0 = shared();
    (globalThis as { gc?: () => void }).gc?.();
    const h0 = process.memoryUsage().heapUsed;
    for (let t = 100; t < 2100; t++) {
      step(t);
      if (t % 50 === 0) {
        const f = es.factors();
        residualMetric(A, f.U, f.s, f.V);
      }
    }
    (globalThis as { gc?: () => void }).gc?.();
    const h1 = process.memoryUsage().heapUsed;
    expect(memory()).toBe(m0);
    expect(shared()).toBe(s0);
    expect(h1 - h0).toBeLessThan(16 << 20);
    expect(es.stats.updates).toBe(100 - 10 + 2000 - 200);
    checkSvd(es.factors(), null, "after 2,000 updates");
  });
  it("wasm: 300 Lanczos truncatedSvd and svdResiduals calls (every tenth refused) keep the shared memory and the JS heap flat", async () => {
    const A = { rows: 40, cols: 30, data: Float64Array.from({ length: 1200 }, (_, i) => Math.sin(i * 0.37) * (i % 7 === 0 ? 1 : 0)) };
    const shared = () => svdUpdateModule.loader.shared().memory.buffer.byteLength;
    const call = async (t: number) => {
      if (t % 10 === 9) {
        await expectRefused(() => count(truncatedSvd(A, { rank: 6, basisSize: 7, maxIter: 1, tol: 1e-15, backend: "wasm" })), ["NOT_CONVERGED"], "maxIter 1");
        await expectRefused(() => count(svdResiduals(A, { U: { rows: 3, cols: 1, data: [1, 0, 0] }, s: [1], V: { rows: 30, cols: 1, data: new Float64Array(30) } })), ["SHAPE"], "svdResiduals shape");
      } else {
        const f = await truncatedSvd(A, { rank: 1 + (t % 6), seed: t, backend: "wasm" });
        expect(Math.max(...count(svdResiduals(A, f)))).toBeLessThan(1e-8);
      }
    };
    for (let t = 0; t < 30; t++) await call(t);
    const s0 = shared();
    (globalThis as { gc?: () => void }).gc?.();
    const h0 = process.memoryUsage().heapUsed;
    for (let t = 30; t < 330; t++) await call(t);
    (globalThis as { gc?: () => void }).gc?.();
    expect(shared()).toBe(s0);
    expect(process.memoryUsage().heapUsed - h0).toBeLessThan(16 << 20);
  });
});
