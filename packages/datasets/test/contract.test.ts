// The contract of every public entry point of @lowrank/datasets, checked by
// seeded property-based runs: generated data match their definition (exact
// factors, ranks, masks), and invalid arguments of every kind give a
// LowrankError with a sensible code, never another exception, a hang or an
// allocation that cannot succeed (docs/ARCHITECTURE.md, "The contract").
// The helpers are imported by path: @lowrank/test-utils is a workspace
// package this one does not list (adding it would change the lockfile).
import { Rng, asCsr } from "@lowrank/linalg";
import * as jpeg from "jpeg-js";
import { afterAll, describe, expect, it } from "vitest";
import {
  BAD_NUMBERS, WRONG_TYPES, expectContract, expectRefused, fc, fcParams, type Code,
} from "../../../tools/test-utils/contract.js";
import {
  cpTensor, decodeImage, downsample, grayscale, heavyTailedRegression, lowRankMatrix, observationMask, observe, regressionDesign,
  termDocumentMatrix, tokenize, trTensor, ttTensor, tuckerTensor,
} from "../src/index.js";
import { loadBostonHousing, loadCpsWages, loadImage, loadSotu, loadSpamAssassin } from "../src/node.js";

const ARG_CODES: Code[] = ["INVALID_ARGUMENT", "SHAPE", "EMPTY", "NON_FINITE", "TOO_LARGE", "INDEX", "RANK"];
let cases = 0;
/** CONTRACT_SCALE=10 multiplies every property's runs (a longer local fuzz; the default keeps the suite short). */
const SCALE = Number(process.env.CONTRACT_SCALE ?? 1);
const runs = (n: number) => fcParams(Math.round(n * SCALE), Number(process.env.CONTRACT_SEED ?? 20261206));
const started = performance.now();

function show(v: unknown): string {
  try {
    return typeof v === "symbol" ? v.toString() : String(v).slice(0, 40);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

async function refused(fn: () => unknown, codes: readonly Code[], what: string): Promise<void> {
  cases++;
  await expectRefused(fn, codes, what);
}

async function contract<T>(fn: () => T, what: string, check?: (v: Awaited<T>) => void, allowed: readonly Code[] = []) {
  cases++;
  const o = await expectContract(fn, what, check);
  if (!o.ok) expect(allowed, `${what}: ${o.message}`).toContain(o.code);
  return o;
}

function orthoError(rows: number, cols: number, d: Float64Array): number {
  let err = 0;
  for (let a = 0; a < cols; a++) for (let b = a; b < cols; b++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += d[i * cols + a] * d[i * cols + b];
    err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
  }
  return err;
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/** Entry of a tensor ring / train at a multi-index: trace of the product of the core slices. */
function ringEntry(cores: { shape: number[]; data: Float64Array }[], idx: number[]): number {
  const r0 = cores[0].shape[0];
  let P = new Float64Array(r0 * r0);
  for (let a = 0; a < r0; a++) P[a * r0 + a] = 1;
  let cols = r0;
  cores.forEach((c, k) => {
    const [ra, n, rb] = c.shape;
    const next = new Float64Array(r0 * rb);
    for (let a = 0; a < r0; a++) for (let b = 0; b < rb; b++) {
      let s = 0;
      for (let t = 0; t < ra; t++) s += P[a * cols + t] * c.data[(t * n + idx[k]) * rb + b];
      next[a * rb + b] = s;
    }
    P = next;
    cols = rb;
  });
  let tr = 0;
  for (let a = 0; a < r0; a++) tr += P[a * cols + a];
  return tr;
}

function flatIndex(shape: number[], idx: number[]): number {
  return idx.reduce((acc, v, k) => acc * shape[k] + v, 0);
}

afterAll(() => {
  console.log(`datasets contract: ${cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

describe("datasets contract, valid inputs match their definition", () => {
  it("lowRankMatrix: M = U diag(s) Vᵀ with orthonormal U, V; the same seed gives the same matrix", async () => {
    const arb = fc.record({
      rows: fc.integer({ min: 1, max: 12 }), cols: fc.integer({ min: 1, max: 12 }), r: fc.integer({ min: 1, max: 12 }),
      seed: fc.integer(), incoherent: fc.boolean(), condition: fc.double({ min: 1, max: 1e6, noNaN: true }),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ rows, cols, r, seed, incoherent, condition }) => {
      const rank = Math.min(r, rows, cols);
      await contract(() => lowRankMatrix(rows, cols, rank, { seed, incoherent, condition }), "lowRankMatrix", ({ M, U, V, singularValues: s }) => {
        expect(orthoError(rows, rank, U.data)).toBeLessThan(1e-10);
        expect(orthoError(cols, rank, V.data)).toBeLessThan(1e-10);
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
          let v = 0;
          for (let k = 0; k < rank; k++) v += U.data[i * rank + k] * s[k] * V.data[j * rank + k];
          expect(Math.abs(v - M.data[i * cols + j])).toBeLessThan(1e-9 * (1 + maxAbs(M.data)));
        }
        expect(Array.from(lowRankMatrix(rows, cols, rank, { seed, incoherent, condition }).M.data)).toEqual(Array.from(M.data));
      });
    }), runs(120));
  });

  it("observationMask and observe: distinct sorted positions, the fraction and the minimums met, observed values read from M", async () => {
    const arb = fc.record({
      rows: fc.integer({ min: 1, max: 15 }), cols: fc.integer({ min: 1, max: 15 }), fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
      minPerRow: fc.integer({ min: 0, max: 3 }), minPerCol: fc.integer({ min: 0, max: 3 }), seed: fc.integer(),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ rows, cols, fraction, minPerRow, minPerCol, seed }) => {
      const opts = { seed, minPerRow: Math.min(minPerRow, cols), minPerCol: Math.min(minPerCol, rows) };
      await contract(() => observationMask(rows, cols, fraction, opts), "observationMask", (m) => {
        expect(m.rowIndex.length).toBeGreaterThanOrEqual(Math.round(fraction * rows * cols));
        const rc = new Int32Array(rows), cc = new Int32Array(cols);
        for (let t = 0; t < m.rowIndex.length; t++) {
          const key = m.rowIndex[t] * cols + m.colIndex[t];
          if (t > 0) expect(key).toBeGreaterThan(m.rowIndex[t - 1] * cols + m.colIndex[t - 1]);
          rc[m.rowIndex[t]]++;
          cc[m.colIndex[t]]++;
        }
        for (const c of rc) expect(c).toBeGreaterThanOrEqual(opts.minPerRow);
        for (const c of cc) expect(c).toBeGreaterThanOrEqual(opts.minPerCol);
      });
      const M = { rows, cols, data: new Rng(seed).fillNormal(new Float64Array(rows * cols)) };
      await contract(() => observe(M, fraction, opts), "observe", (o) => {
        for (let t = 0; t < o.values.length; t++) expect(o.values[t]).toBe(M.data[o.rowIndex[t] * cols + o.colIndex[t]]);
      });
    }), runs(120));
  });

  it("tuckerTensor, cpTensor, ttTensor, trTensor: the tensor is its factors' contraction", async () => {
    const arb = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), r: fc.integer({ min: 1, max: 4 }), seed: fc.integer(),
      noise: fc.constantFrom(0, 0, 0.1),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ shape, r, seed, noise }) => {
      const tol = (x: ArrayLike<number>) => (noise ? Infinity : 1e-9 * (1 + maxAbs(x)));
      // Tucker: exact when every rank fits its mode and the product of the others.
      const ranks = shape.map((n) => Math.min(n, r));
      await contract(() => tuckerTensor(shape, ranks, { seed, noise }), "tuckerTensor", ({ tensor, core, factors }) => {
        expect(tensor.shape).toEqual(shape);
        factors.forEach((F, k) => expect(orthoError(F.rows, F.cols, F.data)).toBeLessThan(1e-10));
        const rng = new Rng(seed);
        for (let q = 0; q < 5; q++) {
          const idx = shape.map((n) => rng.int(n));
          let v = 0;
          const cidx = new Array(shape.length).fill(0);
          for (let c = 0; c < core.data.length; c++) {
            let p = core.data[c];
            for (let k = 0; k < shape.length; k++) p *= factors[k].data[idx[k] * ranks[k] + cidx[k]];
            v += p;
            for (let k = shape.length - 1; k >= 0; k--) {
              if (++cidx[k] < ranks[k]) break;
              cidx[k] = 0;
            }
          }
          expect(Math.abs(v - tensor.data[flatIndex(shape, idx)])).toBeLessThanOrEqual(tol(tensor.data));
        }
      }, ["RANK"]);
      await contract(() => cpTensor(shape, r, { seed, noise }), "cpTensor", ({ tensor, weights, factors }) => {
        const rng = new Rng(seed + 1);
        for (let q = 0; q < 5; q++) {
          const idx = shape.map((n) => rng.int(n));
          let v = 0;
          for (let c = 0; c < r; c++) {
            let p = weights[c];
            for (let k = 0; k < shape.length; k++) p *= factors[k].data[idx[k] * r + c];
            v += p;
          }
          expect(Math.abs(v - tensor.data[flatIndex(shape, idx)])).toBeLessThanOrEqual(tol(tensor.data));
        }
      });
      for (const [name, gen] of [["ttTensor", ttTensor], ["trTensor", trTensor]] as const) {
        await contract(() => gen(shape, r, { seed, noise }), name, ({ tensor, cores, ranks: bonds }) => {
          // The bonds asked for (one number: every inner bond of a train, every bond of a ring).
          expect(bonds).toEqual(name === "ttTensor" ? [1, ...shape.slice(1).map(() => r), 1] : shape.map(() => r).concat(r));
          cores.forEach((G, k) => expect(G.shape).toEqual([bonds[k], shape[k], bonds[k + 1]]));
          if (!noise) expect(Math.sqrt(tensor.data.reduce((s, v) => s + v * v, 0) / tensor.data.length)).toBeCloseTo(1, 10);
          const rng = new Rng(seed + 2);
          for (let q = 0; q < 5; q++) {
            const idx = shape.map((n) => rng.int(n));
            expect(Math.abs(ringEntry(cores, idx) - tensor.data[flatIndex(shape, idx)])).toBeLessThanOrEqual(tol(tensor.data));
          }
        }, ["RANK"]);
      }
    }), runs(120));
  });

  it("heavyTailedRegression: b = A xTrue without noise, outliers marked; extreme options refuse instead of overflowing", async () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 40 }), d: fc.integer({ min: 1, max: 6 }), seed: fc.integer(),
      tail: fc.constantFrom("student-t", "cauchy", "pareto") as fc.Arbitrary<"student-t" | "cauchy" | "pareto">,
      df: fc.oneof(fc.double({ min: 0.05, max: 50, noNaN: true }), fc.constantFrom(1e-300, 5e-324, 1e300)),
      outliers: fc.integer({ min: 0, max: 5 }), outlierScale: fc.oneof(fc.double({ min: 0, max: 1e3, noNaN: true }), fc.constant(1e308)),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ n, d, seed, tail, df, outliers, outlierScale }) => {
      const opts = { seed, tail, df, noise: 0, leverageOutliers: Math.min(outliers, n), outlierScale };
      await contract(() => heavyTailedRegression(n, d, opts), "heavyTailedRegression", ({ A, b, xTrue, outlierRows }) => {
        expect(outlierRows.length).toBe(opts.leverageOutliers);
        for (let i = 0; i < n; i++) {
          let s = 0, a = 0;
          for (let j = 0; j < d; j++) {
            s += A.data[i * d + j] * xTrue[j];
            a += Math.abs(A.data[i * d + j] * xTrue[j]);
          }
          expect(Math.abs(s - b[i])).toBeLessThanOrEqual(1e-12 * a);
        }
      }, ["NON_FINITE"]);
    }), runs(150));
  });

  it("tokenize, termDocumentMatrix, regressionDesign on generated text and records", async () => {
    const word = fc.constantFrom("low", "rank", "Rank", "matrix", "the", "nation's", "don't", "1790", "ünïcode", "a", "x1", "’tis");
    const doc = fc.array(word, { maxLength: 12 }).map((w) => w.join(" "));
    await fc.assert(fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 8 }), fc.record({
      minLength: fc.integer({ min: 0, max: 4 }), numbers: fc.boolean(), lowercase: fc.boolean(), weighting: fc.constantFrom("count", "tfidf") as fc.Arbitrary<"count" | "tfidf">,
      normalize: fc.boolean(), minDocumentFrequency: fc.integer({ min: 1, max: 3 }),
    }), async (docs, o) => {
      for (const t of docs) {
        await contract(() => tokenize(t, { minLength: o.minLength, numbers: o.numbers, lowercase: o.lowercase, stopWords: ["the"] }), "tokenize", (toks) => {
          for (const tok of toks) expect(tok.length).toBeGreaterThanOrEqual(o.minLength);
          expect(toks).not.toContain("the");
        });
      }
      await contract(() => termDocumentMatrix(docs, { ...o, stopWords: new Set(["the"]) }), "termDocumentMatrix", ({ matrix, vocabulary, documentFrequency }) => {
        asCsr(matrix, "matrix", { allowEmpty: true });
        expect(matrix.rows).toBe(docs.length);
        expect(vocabulary.length).toBe(matrix.cols);
        expect([...vocabulary].sort()).toEqual(vocabulary.slice().sort());
        for (const f of documentFrequency) expect(f).toBeGreaterThanOrEqual(o.minDocumentFrequency);
      }, ["EMPTY"]);
    }), runs(120));
    const record = fc.record({ x: fc.double({ min: -1e3, max: 1e3, noNaN: true }), g: fc.constantFrom("a", "b", "c"), y: fc.double({ min: -10, max: 10, noNaN: true }) });
    await fc.assert(fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 20 }), fc.boolean(), fc.boolean(), fc.constantFrom("dummy", "codes") as fc.Arbitrary<"dummy" | "codes">,
      async (records, intercept, standardize, categorical) => {
        await contract(() => regressionDesign(records, ["x", "g"], "y", { intercept, standardize, categorical }), "regressionDesign", ({ A, b }) => {
          expect(A.rows).toBe(records.length);
          expect(Array.from(b)).toEqual(records.map((r) => r.y));
          if (intercept) for (let i = 0; i < A.rows; i++) expect(A.data[i * A.cols]).toBe(1);
        }, ["RANK", "SHAPE"]);
      }), runs(120));
  });

  it("decodeImage, grayscale, downsample on generated images", async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 5 }), fc.integer(), async (w, h, factor, seed) => {
      const rng = new Rng(seed);
      const rgba = new Uint8Array(w * h * 4);
      for (let i = 0; i < rgba.length; i++) rgba[i] = rng.int(256);
      const bytes = new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 90).data);
      await contract(() => decodeImage(bytes), "decodeImage", (img) => {
        expect(img.shape).toEqual([h, w, 3]);
        for (const v of img.data) expect(v >= 0 && v <= 1).toBe(true);
        const Y = grayscale(img);
        expect([Y.rows, Y.cols]).toEqual([h, w]);
        if (factor <= Math.min(h, w)) {
          const small = downsample(img, factor);
          expect(small.shape).toEqual([Math.floor(h / factor), Math.floor(w / factor), 3]);
        }
      }, ["SHAPE"]);
      await contract(() => decodeImage(bytes.buffer as ArrayBuffer, { scale: factor }), "decodeImage scale", undefined, ["SHAPE"]);
      // Damaged files: a LowrankError, never a decoder exception.
      const broken = bytes.slice(0, Math.max(3, rng.int(bytes.length)));
      for (let i = 0; i < 4; i++) broken[3 + rng.int(Math.max(1, broken.length - 3))] = rng.int(256);
      await contract(() => decodeImage(broken), "decodeImage damaged", undefined, ["INVALID_ARGUMENT", "TOO_LARGE"]);
      // downsample of a matrix, including huge values whose block sums overflow.
      const M = { rows: h, cols: w, data: Float64Array.from({ length: w * h }, () => (rng.uniform() < 0.5 ? 1.7e308 : rng.normal())) };
      await contract(() => downsample(M, factor), "downsample matrix", (D) => {
        expect([D.rows, D.cols]).toEqual([Math.floor(h / factor), Math.floor(w / factor)]);
      }, ["SHAPE"]);
      await contract(() => downsample(Array.from({ length: h }, (_, i) => Array.from(M.data.subarray(i * w, (i + 1) * w))) as never, factor), "downsample number[][]", undefined, ["SHAPE"]);
    }), runs(80));
  });
});

describe("datasets contract, invalid inputs", () => {
  const intSlot = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 2 ** 31 - 1;
  const shapeSlot = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((n) => intSlot(n) && n < 1000);
  const positional: [string, (v: unknown) => unknown, (v: unknown) => boolean][] = [
    ["lowRankMatrix rows", (v) => lowRankMatrix(v as number, 4, 1), intSlot],
    ["lowRankMatrix cols", (v) => lowRankMatrix(4, v as number, 1), intSlot],
    ["lowRankMatrix rank", (v) => lowRankMatrix(4, 4, v as number), intSlot],
    ["observationMask rows", (v) => observationMask(v as number, 4, 0.5), intSlot],
    ["observationMask fraction", (v) => observationMask(4, 4, v as number), (v) => typeof v === "number" && v > 0 && v <= 1],
    ["observe M", (v) => observe(v as never, 0.5), () => false],
    ["observe fraction", (v) => observe({ rows: 2, cols: 2, data: new Float64Array(4) }, v as number), (v) => typeof v === "number" && v > 0 && v <= 1],
    ["tuckerTensor shape", (v) => tuckerTensor(v as never, 1), shapeSlot],
    ["tuckerTensor ranks", (v) => tuckerTensor([3, 3], v as never), (v) => v === 1],
    ["cpTensor shape", (v) => cpTensor(v as never, 1), shapeSlot],
    ["cpTensor rank", (v) => cpTensor([3, 3], v as number), intSlot],
    ["ttTensor ranks", (v) => ttTensor([3, 3], v as never), (v) => v === 1 || v === 2 || v === 3 || (Array.isArray(v) && v.length === 1 && v[0] === 1)],
    ["trTensor ranks", (v) => trTensor([3, 3], v as never), intSlot],
    ["heavyTailedRegression n", (v) => heavyTailedRegression(v as number, 2), intSlot],
    ["heavyTailedRegression d", (v) => heavyTailedRegression(5, v as number), intSlot],
    ["tokenize text", (v) => tokenize(v as string), (v) => typeof v === "string"],
    ["termDocumentMatrix documents", (v) => termDocumentMatrix(v as string[]), () => false],
    ["regressionDesign records", (v) => regressionDesign(v as never, ["x"], "y"), () => false],
    ["regressionDesign features", (v) => regressionDesign([{ x: 1, y: 2 }], v as never, "y"), () => false],
    ["regressionDesign target", (v) => regressionDesign([{ x: 1, y: 2 }], ["x"], v as string), (v) => v === "x" || v === "y"],
    ["decodeImage bytes", (v) => decodeImage(v as Uint8Array), () => false],
    ["grayscale img", (v) => grayscale(v as never), () => false],
    ["downsample img", (v) => downsample(v as never, 2), () => false],
    ["downsample factor", (v) => downsample({ rows: 4, cols: 4, data: new Float64Array(16) }, v as number), (v) => v === 1 || v === 2 || v === 4],
    ["loadImage name", (v) => loadImage(v as never), () => false],
  ];

  it("every positional argument refuses wrong types and bad numbers", async () => {
    for (const [name, fn, valid] of positional) {
      for (const v of [...WRONG_TYPES, ...BAD_NUMBERS, 2 ** 31, 1e9]) {
        if (valid(v)) await contract(() => fn(v), `${name} = ${show(v)}`, undefined, ARG_CODES);
        else await refused(() => fn(v), ARG_CODES, `${name} = ${show(v)}`);
      }
    }
    await refused(() => tokenize(null as never), ["INVALID_ARGUMENT"], "tokenize(null)");
    await refused(() => termDocumentMatrix(["a b", , "c d"] as string[]), ["INVALID_ARGUMENT"], "termDocumentMatrix with a hole");
    await refused(() => regressionDesign([{ x: 1, y: 1 }, null] as never, ["x"], "y"), ["INVALID_ARGUMENT"], "regressionDesign null record");
    await refused(() => regressionDesign([{ g: "a", y: 1 }, { g: Object.create(null), y: 1 }], ["g"], "y"), ["INVALID_ARGUMENT"], "regressionDesign object as a category");
    await refused(() => regressionDesign([{ x: 1, y: 1 }, { x: "2", y: 1 }], ["x"], "y"), ["NON_FINITE", "INVALID_ARGUMENT"], "regressionDesign string in a numeric field");
    await refused(() => regressionDesign([{ x: 1e308, y: 1 }, { x: -1e308, y: 1 }, { x: 1.7e308, y: 2 }], ["x"], "y", { standardize: true }), ["NON_FINITE"], "standardising past the double range");
  });

  const withOptions: [string, (o: unknown) => unknown, Record<string, unknown[]>][] = [
    ["lowRankMatrix", (o) => lowRankMatrix(4, 3, 2, o as never), { seed: [NaN, Infinity, "1"], noise: [-1, NaN, Infinity], condition: [0.5, NaN, -1], incoherent: [1, "yes"] }],
    ["observationMask", (o) => observationMask(5, 5, 0.5, o as never), { seed: [NaN], minPerRow: [-1, 1.5, NaN, 6], minPerCol: [-1, 0.5, 6] }],
    ["observe", (o) => observe({ rows: 2, cols: 2, data: new Float64Array(4) }, 0.5, o as never), { minPerRow: [-1] }],
    ["tuckerTensor", (o) => tuckerTensor([3, 3], 2, o as never), { seed: [NaN], noise: [-1, NaN] }],
    ["cpTensor", (o) => cpTensor([3, 3], 2, o as never), { seed: [Infinity], noise: [-0.5, "0"] }],
    ["ttTensor", (o) => ttTensor([3, 3], 2, o as never), { noise: [-1] }],
    ["trTensor", (o) => trTensor([3, 3], 2, o as never), { noise: [-1] }],
    ["heavyTailedRegression", (o) => heavyTailedRegression(10, 2, o as never), { tail: ["normal", 1], df: [0, -1, NaN], noise: [-1], leverageOutliers: [-1, 1.5, 11], outlierScale: [-1, NaN] }],
    ["tokenize", (o) => tokenize("a b", o as never), { minLength: [-1, 1.5], lowercase: [1], numbers: ["no"], stopWords: ["the", 3, [1], null] }],
    ["termDocumentMatrix", (o) => termDocumentMatrix(["low rank", "rank one"], o as never), { weighting: ["bm25"], minDocumentFrequency: [0, 1.5], maxVocabulary: [0], normalize: [1], stopWords: [[null]] }],
    ["regressionDesign", (o) => regressionDesign([{ x: 1, y: 1 }, { x: 2, y: 3 }], ["x"], "y", o as never), { intercept: [1], standardize: ["yes"], categorical: ["onehot"] }],
    ["decodeImage", (o) => decodeImage(new Uint8Array([0xff, 0xd8, 0xff, 0]), o as never), { scale: [0, 1.5, NaN] }],
    ["loadImage", (o) => loadImage("boats", o as never), { scale: [0, -1], grayscale: [1] }],
    ["loadBostonHousing", (o) => loadBostonHousing(o as never), { features: [["height"], "crim", [1]], intercept: [1] }],
    ["loadCpsWages", (o) => loadCpsWages(o as never), { logWage: [1], features: [["height"]] }],
    ["loadSotu", (o) => loadSotu(o as never), { range: [[2000], [2001, 2000], [NaN, 2000], "2000"], unit: ["sentence"], paragraphWords: [0], stopWords: [3, [1]] }],
    ["loadSpamAssassin", (o) => loadSpamAssassin(o as never), { maxDocuments: [0, 1.5], seed: [NaN], headers: [1], stopWords: ["x"] }],
  ];

  it("options: non-objects, unknown keys and bad values are refused before any work", async () => {
    const notObjects = [null, 0, 1.5, NaN, "x", true, Symbol("s"), () => 1, [], [[]], new Float64Array(2)];
    for (const [name, fn, bad] of withOptions) {
      for (const o of notObjects) await refused(() => fn(o), ["INVALID_ARGUMENT"], `${name}(options ${show(o)})`);
      for (const key of ["foo", "rank", "random_state", "maxIter", "Seed"]) await refused(() => fn({ [key]: 1 }), ["INVALID_ARGUMENT"], `${name}({ ${key} })`);
      for (const [key, values] of Object.entries(bad)) {
        for (const v of values) {
          const t0 = performance.now();
          await refused(() => fn({ [key]: v }), ARG_CODES, `${name}({ ${key}: ${show(v)} })`);
          // Refused while reading options: no corpus was loaded or decoded.
          expect(performance.now() - t0, `${name}({ ${key} }) was slow: it did work before refusing`).toBeLessThan(400);
        }
      }
    }
  });

  it("huge sizes are refused with TOO_LARGE before anything is allocated", async () => {
    const huge: [string, () => unknown][] = [
      ["cpTensor huge rank", () => cpTensor([3, 3], 2 ** 30)],
      ["cpTensor huge rank 2", () => cpTensor([100, 100, 100], 1e6)],
      ["cpTensor huge shape", () => cpTensor([1e5, 1e5], 2)],
      ["cpTensor heavy work", () => cpTensor([20000, 20000], 1000)],
      ["tuckerTensor huge", () => tuckerTensor([1e5, 1e5, 1e5], 1)],
      ["tuckerTensor huge core", () => tuckerTensor([2000, 2000, 2000], [2000, 2000, 2000])],
      ["ttTensor huge bonds", () => ttTensor([1e4, 1e4], [1, 1e4, 1])],
      ["trTensor huge bonds", () => trTensor([100, 100, 100], 1e4)],
      ["lowRankMatrix huge", () => lowRankMatrix(1e5, 1e5, 2)],
      ["lowRankMatrix heavy work", () => lowRankMatrix(20000, 20000, 20000)],
      ["observationMask huge", () => observationMask(1e6, 1e6, 0.5)],
      ["observationMask 2^31 rows with minimums", () => observationMask(2 ** 31 - 1, 2, 1e-9, { minPerRow: 1 })],
      ["heavyTailedRegression huge", () => heavyTailedRegression(1e6, 1e4)],
      ["regressionDesign huge dummy coding", () => regressionDesign(Array.from({ length: 30000 }, (_, i) => ({ g: `level${i}`, y: i })), ["g"], "y")],
    ];
    // A JPEG whose frame header claims 65520 x 65520 pixels.
    const jpg = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256).fill(128) }, 90).data);
    for (let i = 0; i < jpg.length - 8; i++) {
      if (jpg[i] === 0xff && (jpg[i + 1] === 0xc0 || jpg[i + 1] === 0xc2)) {
        jpg.set([0xff, 0xf0, 0xff, 0xf0], i + 5);
        break;
      }
    }
    huge.push(["decodeImage of a 65520 x 65520 header", () => decodeImage(jpg)]);
    for (const [what, fn] of huge) {
      const t0 = performance.now();
      await refused(fn, ["TOO_LARGE"], what);
      expect(performance.now() - t0, `${what} took long before refusing`).toBeLessThan(1000);
    }
  });
});
