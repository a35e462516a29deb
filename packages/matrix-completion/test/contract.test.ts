// The contract of every public entry point, on both backends, by seeded
// property-based testing: valid inputs give results that match their
// definition; invalid inputs of every kind give a LowrankError with a
// sensible code, never another exception, a hang or non-finite output
// (docs/ARCHITECTURE.md, "Tests").
import {
  abortedSignal, BAD_NUMBERS, expectContract, expectFinite, expectRefused, fc, fcParams, outcome, WRONG_TYPES, type Code,
} from "@lowrank/test-utils/contract";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  complete, CompletionModel, foldIn, init, parseRatings, rmse, trainTestSplit, type CompleteOptions, type IterationRecord, type Observations,
} from "../src/index.js";
import { completionModule } from "../src/module.js";

const BACKENDS = ["wasm", "js"] as const;
type Backend = (typeof BACKENDS)[number];

/** A short description of any value for failure messages (String() throws on some objects). */
function show(v: unknown): string {
  try {
    if (typeof v === "bigint") return `${v}n`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
    return typeof v === "object" && v !== null ? JSON.stringify(v)?.slice(0, 60) ?? "object" : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** WRONG_TYPES without the entries that are valid as an index (0). */
const WRONG_INDEX = WRONG_TYPES.filter((w) => w !== 0);

/** Property runs are scaled by MC_FUZZ_SCALE and seeded by MC_FUZZ_SEED (for longer local hunts); the defaults are the suite's. */
const SCALE = Number(process.env.MC_FUZZ_SCALE ?? 1);
const params = (runs: number) => fcParams(Math.max(1, Math.round(runs * SCALE)), process.env.MC_FUZZ_SEED ? Number(process.env.MC_FUZZ_SEED) : undefined);

/** Calls made on entry points, reported at the end (the suite's case count). */
let calls = 0;
const started = performance.now();
const count = <T>(x: T): T => {
  calls++;
  return x;
};

beforeAll(async () => {
  await init();
});

afterAll(() => {
  console.log(`matrix-completion contract: ${calls} entry-point calls in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

// ---------------------------------------------------------------- generators

/** Index arrays in every accepted form (the values are checked integral and in range whatever the type). */
const INDEX_FORMS: ((a: number[]) => ArrayLike<number>)[] = [
  (a) => Int32Array.from(a), (a) => a.slice(), (a) => Float64Array.from(a), (a) => Uint32Array.from(a), (a) => Uint16Array.from(a),
  (a) => Float32Array.from(a), (a) => Int16Array.from(a),
];
const VALUE_FORMS: ((a: number[]) => ArrayLike<number>)[] = [(a) => Float64Array.from(a), (a) => a.slice(), (a) => Float32Array.from(a)];

/** Values mostly of rating size, sometimes far from it (up to the 1e140 that complete fits, down to subnormals). */
const arbValue = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e100, -1e100, 1e-300, 5e-324, 1e140, -1e140, 1e6) },
);

interface Case {
  obs: { rows: number; cols: number; rowIndex: ArrayLike<number>; colIndex: ArrayLike<number>; values: ArrayLike<number> };
  /** The same positions and values as plain numbers (values as the chosen form stores them). */
  ri: number[];
  ci: number[];
  vals: number[];
}

/** Small observation sets: every position at most once, arrays in any accepted form. */
const arbObs = (maxDim = 7): fc.Arbitrary<Case> =>
  fc.record({ rows: fc.integer({ min: 1, max: maxDim }), cols: fc.integer({ min: 1, max: maxDim }) }).chain(({ rows, cols }) =>
    fc.record({
      pos: fc.uniqueArray(fc.integer({ min: 0, max: rows * cols - 1 }), { minLength: 1, maxLength: rows * cols }),
      ri: fc.nat(INDEX_FORMS.length - 1),
      ci: fc.nat(INDEX_FORMS.length - 1),
      vf: fc.nat(VALUE_FORMS.length - 1),
    }).chain(({ pos, ri, ci, vf }) =>
      fc.array(arbValue, { minLength: pos.length, maxLength: pos.length }).map((v) => {
        const r = pos.map((p) => Math.floor(p / cols)), c = pos.map((p) => p % cols);
        const values = VALUE_FORMS[v.every((x) => Math.abs(x) < 1e38) ? vf : 0](v); // Float32Array only where it holds the values
        return { obs: { rows, cols, rowIndex: INDEX_FORMS[ri](r), colIndex: INDEX_FORMS[ci](c), values }, ri: r, ci: c, vals: Array.from(values) };
      })));

/** Valid options of complete for an n x m problem (small iteration counts). */
const arbOptions = (n: number, m: number): fc.Arbitrary<CompleteOptions> =>
  fc.record({
    rank: fc.integer({ min: 1, max: Math.min(n, m, 4) }),
    method: fc.constantFrom("als" as const, "altmin" as const, "robust-altmin" as const, "bpmf" as const),
    burnIn: fc.integer({ min: 0, max: 5 }),
    lambda: fc.oneof(fc.constantFrom("auto" as const, 0, 1e-10, 1e100), fc.double({ min: 0, max: 10, noNaN: true })),
    biases: fc.boolean(),
    biasLambda: fc.double({ min: 0, max: 20, noNaN: true }),
    clip: fc.boolean(),
    maxIter: fc.integer({ min: 1, max: 6 }),
    tol: fc.constantFrom(0, 1e-12, 1e-5, 0.5, 1e300),
    seed: fc.oneof(fc.integer(), fc.double({ min: -1e20, max: 1e20, noNaN: true })),
    extraSketch: fc.integer({ min: 1, max: 12 }),
    sketch: fc.constantFrom("countsketch" as const, "srht" as const),
    innerTol: fc.constantFrom(0, 0.1, 0.9, 0.999),
    maxInner: fc.integer({ min: 1, max: 6 }),
    incoherence: fc.constantFrom(1e-300, 0.5, 2, 1e300),
    powerIters: fc.integer({ min: 0, max: 5 }),
  }, { requiredKeys: ["rank"] }).map(({ extraSketch, ...o }) => {
    const opts: CompleteOptions = { ...o };
    if (opts.lambda === "auto" && (opts.method ?? "als") !== "als") delete opts.lambda;
    if (opts.method === "robust-altmin") opts.sketchSize = opts.rank! + (extraSketch ?? 3);
    // bpmf draws its regularisation; burnIn is its alone and must leave a sweep to keep.
    if (opts.method === "bpmf") {
      delete opts.lambda;
      delete opts.biasLambda;
      if (opts.burnIn !== undefined && opts.burnIn >= (opts.maxIter ?? 40)) opts.burnIn = (opts.maxIter ?? 40) - 1;
    } else {
      delete opts.burnIn;
    }
    return opts;
  });

// ---------------------------------------------------------------- definitions

/** The model's prediction by its definition: mu + b_i + c_j + U_i · V_j, clamped to clip. */
function definition(model: CompletionModel, i: number, j: number): number {
  const k = model.rank;
  let s = 0;
  for (let t = 0; t < k; t++) s += model.U[i * k + t] * model.V[j * k + t];
  const p = model.globalMean + model.rowBias[i] + model.colBias[j] + s;
  return p < model.clip[0] ? model.clip[0] : p > model.clip[1] ? model.clip[1] : p;
}

function observedIn(model: CompletionModel, i: number): Set<number> {
  const { ptr, cols } = model.observed;
  return new Set(Array.from(cols.subarray(ptr[i], ptr[i + 1])));
}

const near = (a: number, b: number, rel: number, what: string) => {
  if (!(Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b)))) throw new Error(`${what}: ${a} vs ${b}`);
};

/** Every check a fitted model must pass against its definition and the observations it was fitted on. */
function checkModel(model: CompletionModel, c: Case, opts: CompleteOptions, what: string, seen: IterationRecord[]): void {
  const { rows, cols } = c.obs;
  const k = opts.rank ?? 10;
  expect(model).toBeInstanceOf(CompletionModel);
  // bpmf's model holds its kept samples side by side: rank k times their count (at most maxIter - burnIn).
  const kr = opts.method === "bpmf" ? model.rank : k;
  if (opts.method === "bpmf") {
    expect(model.rank % k).toBe(0);
    // The default sweeps depend on the size (30 to 100), the default burn-in is 5.
    const sweeps = opts.maxIter ?? 100;
    expect(model.rank / k).toBeLessThanOrEqual(sweeps - (opts.burnIn ?? Math.min(5, sweeps - 1)));
  }
  expect([model.rows, model.cols, model.rank, model.U.length, model.V.length]).toEqual([rows, cols, kr, rows * kr, cols * kr]);
  expectFinite(model, what);
  const h = model.history;
  expect(h.length).toBeGreaterThanOrEqual(1);
  expect(h.length).toBeLessThanOrEqual(opts.maxIter ?? 100);
  h.forEach((r, t) => expect(r.iteration).toBe(t + 1));
  expect(seen.map((r) => r.iteration)).toEqual(h.map((r) => r.iteration));
  // predict, predictMany and rmse by their definitions.
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expect(count(model.predict(i, j))).toBe(definition(model, i, j));
  const pm = count(model.predictMany(c.obs.rowIndex, c.obs.colIndex));
  let sse = 0;
  c.ri.forEach((i, q) => {
    expect(pm[q]).toBe(definition(model, i, c.ci[q]));
    sse += (pm[q] - c.vals[q]) ** 2;
  });
  const want = Math.sqrt(sse / c.vals.length);
  const got = count(rmse(model, c.obs));
  if (Number.isFinite(want)) near(got, want, 1e-12, `${what}: rmse`);
  else expect(Number.isFinite(got)).toBe(true);
  // recommend: the best unobserved columns, best first, scored by predict.
  const i = rows - 1, seenCols = observedIn(model, i);
  const rec = count(model.recommend(i, 3));
  expect(rec.items.length).toBe(Math.min(3, cols - seenCols.size));
  rec.items.forEach((j, t) => {
    expect(seenCols.has(j)).toBe(false);
    expect(rec.scores[t]).toBe(model.predict(i, j));
    if (t > 0) expect(rec.scores[t]).toBeLessThanOrEqual(rec.scores[t - 1]);
  });
  for (let j = 0; j < cols; j++) if (!seenCols.has(j) && !rec.items.includes(j) && rec.items.length === 3) expect(model.predict(i, j)).toBeLessThanOrEqual(rec.scores[2]);
}

/** foldIn's row solves its ridge problem: the gradient of Σ (pred - target)² + λ'|x|² + λ_b b² vanishes at it. */
function checkFoldIn(model: CompletionModel, bigger: CompletionModel, cols: number[], vals: number[], what: string): void {
  const k = model.rank, r = model.rows, reg = model.regularization;
  expect([bigger.rows, bigger.cols, bigger.U.length]).toEqual([r + 1, model.cols, (r + 1) * k]);
  expectFinite(bigger, what);
  expect(Array.from(bigger.U.subarray(0, r * k))).toEqual(Array.from(model.U));
  if (!reg.weighted || !(reg.lambda >= 1e-3) || cols.length === 0 || vals.some((v) => Math.abs(v) > 1e6)) return;
  const x = bigger.U.subarray(r * k), b = bigger.rowBias[r];
  const grad = new Float64Array(k + 1);
  let scale = 1;
  cols.forEach((j, q) => {
    let p = b;
    for (let t = 0; t < k; t++) p += x[t] * model.V[j * k + t];
    const target = vals[q] - model.globalMean - model.colBias[j];
    const e = p - target;
    scale = Math.max(scale, Math.abs(target), Math.abs(vals[q]), Math.abs(model.globalMean), Math.abs(model.colBias[j]), Math.abs(b));
    for (let t = 0; t < k; t++) grad[t] += e * model.V[j * k + t];
    grad[k] += e;
  });
  for (let t = 0; t < k; t++) grad[t] += reg.lambda * cols.length * x[t];
  grad[k] += reg.biasLambda * b;
  const vmax = Math.max(1, ...Array.from(model.V, Math.abs));
  for (let t = 0; t <= k; t++) {
    if (t === k && !reg.biases) continue;
    expect(Math.abs(grad[t]), `${what}: gradient[${t}]`).toBeLessThanOrEqual(1e-7 * scale * vmax * vmax * (cols.length + 1));
  }
}

// ---------------------------------------------------------------- valid inputs

describe.each(BACKENDS)("valid inputs on %s give results that match their definitions", (backend: Backend) => {
  it("complete, predict, predictMany, rmse, recommend, foldIn, trainTestSplit", async () => {
    await fc.assert(
      fc.asyncProperty(arbObs().chain((c) => fc.tuple(fc.constant(c), arbOptions(c.obs.rows, c.obs.cols), fc.boolean())), async ([c, opts, withVal]) => {
        const seen: IterationRecord[] = [];
        const full: CompleteOptions = { ...opts, backend, onProgress: (r) => seen.push(r) };
        if (withVal) full.validation = { ...c.obs };
        const what = `complete(${JSON.stringify({ ...c.obs, values: c.vals })}, ${JSON.stringify({ ...opts, backend })})`;
        const o = await outcome(() => complete(c.obs, full), what);
        // Valid input always fits.
        if (!o.ok) throw new Error(`${what}: refused valid input: ${o.message}`);
        calls++;
        const model = o.value;
        checkModel(model, c, full, what, seen);
        if (withVal) model.history.forEach((h) => expect(Number.isFinite(h.validationRmse)).toBe(true));
        // foldIn of the last row's observations, and of a row of far larger values.
        const cols: number[] = [], vals: number[] = [];
        c.ri.forEach((i, q) => {
          if (i === c.obs.rows - 1) {
            cols.push(c.ci[q]);
            vals.push(c.vals[q]);
          }
        });
        const bigger = await expectContract(() => count(foldIn(model, { colIndex: cols, values: vals })), `${what}: foldIn`);
        if (bigger.ok) checkFoldIn(model, bigger.value, cols, vals, `${what}: foldIn`);
        else expect(bigger.code).toBe("NON_FINITE");
        const huge = await expectContract(() => count(foldIn(model, { colIndex: [0], values: [Number.MAX_VALUE] })), `${what}: foldIn(MAX_VALUE)`);
        if (huge.ok) expect(huge.value.rows).toBe(model.rows + 1);
        else expect(huge.code).toBe("NON_FINITE");
        // trainTestSplit partitions the observations.
        const fraction = (c.vals.length % 5) / 4;
        const { train, test } = count(trainTestSplit(c.obs, { fraction, seed: c.vals.length }));
        expect(test.values.length).toBe(Math.round(fraction * c.vals.length));
        expect(train.values.length + test.values.length).toBe(c.vals.length);
        const keys = new Set<number>();
        for (const part of [train, test]) for (let q = 0; q < part.values.length; q++) keys.add(part.rowIndex[q] * c.obs.cols + part.colIndex[q]);
        expect(keys.size).toBe(c.vals.length);
      }),
      params(800),
    );
  });

  it("complete recovers an exactly low-rank, fully observed matrix", async () => {
    const arb = fc.record({ n: fc.integer({ min: 2, max: 9 }), m: fc.integer({ min: 2, max: 9 }), r: fc.integer({ min: 1, max: 3 }), seed: fc.nat() })
      .filter(({ n, m, r }) => r <= Math.min(n, m))
      .chain(({ n, m, r, seed }) => fc.tuple(
        fc.constant({ n, m, r, seed }),
        fc.array(fc.integer({ min: -4, max: 4 }), { minLength: (n + m) * r, maxLength: (n + m) * r }),
        fc.constantFrom("altmin" as const, "robust-altmin" as const),
      ));
    await fc.assert(
      fc.asyncProperty(arb, async ([{ n, m, r, seed }, f, method]) => {
        const M = new Float64Array(n * m);
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < r; t++) M[i * m + j] += f[i * r + t] * f[(n + j) * r + t];
        const obs: Observations = {
          rows: n, cols: m, rowIndex: Int32Array.from({ length: n * m }, (_, q) => Math.floor(q / m)),
          colIndex: Int32Array.from({ length: n * m }, (_, q) => q % m), values: M,
        };
        const what = `recover ${n}x${m} rank ${r} ${method} seed ${seed}`;
        const model = count(await complete(obs, { method, rank: r, seed, backend, sketchSize: 2 * r + 1, maxIter: 60 }));
        let err = 0, norm = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
          err = Math.max(err, Math.abs(model.predict(i, j) - M[i * m + j]));
          norm = Math.max(norm, Math.abs(M[i * m + j]));
        }
        expect(err, what).toBeLessThanOrEqual(1e-6 * Math.max(norm, 1));
      }),
      params(200),
    );
  });

  it("every method's default rank fits matrices with a smaller side: it becomes min(rows, cols); a given rank above it stays refused", async () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 12 }), m: fc.integer({ min: 1, max: 12 }), seed: fc.nat(),
      method: fc.constantFrom("bpmf" as const, "als" as const, "altmin" as const, "robust-altmin" as const),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ n, m, seed, method }) => {
        // Every position observed, values from the seed: 1-5 stars.
        const obs: Observations = {
          rows: n, cols: m, rowIndex: Int32Array.from({ length: n * m }, (_, q) => Math.floor(q / m)),
          colIndex: Int32Array.from({ length: n * m }, (_, q) => q % m), values: Float64Array.from({ length: n * m }, (_, q) => 1 + ((q * 7 + seed) % 5)),
        };
        const k = Math.min(method === "bpmf" ? 7 : 10, n, m), what = `${n}x${m} ${method}`;
        // bpmf: 10 sweeps, 5 burn-in, 5 kept samples side by side.
        const model = count(await complete(obs, method === "bpmf" ? { method, backend, seed, maxIter: 10 } : { method, backend, seed, maxIter: 5 }));
        expect(model.rank, what).toBe(method === "bpmf" ? 5 * k : k);
        for (const p of model.predictMany(obs.rowIndex, obs.colIndex)) expect(Number.isFinite(p), what).toBe(true);
        await expectRefused(() => count(complete(obs, { method, backend, rank: Math.min(n, m) + 1 })), ["RANK"], what);
      }),
      params(60),
    );
  });

  it("parseRatings reads generated lines back, and any text gives ratings or a LowrankError", async () => {
    const line = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v + 0),
      fc.option(fc.integer({ min: 0, max: 2e9 }), { nil: undefined }), fc.constantFrom("\t", "::", ",", "  "));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 20 }), async (lines) => {
        const text = lines.map(([u, i, v, ts, d]) => [`u${u}`, `i${i}`, String(v), ...(ts === undefined ? [] : [String(ts)])].join(d)).join("\n");
        const o = await outcome(() => count(parseRatings(text)), `parseRatings(${JSON.stringify(text)})`);
        // Repeated (user, item) pairs are kept by parseRatings and refused by complete.
        if (!o.ok) throw new Error(o.message);
        const p = o.value;
        expect(p.observations.values.length).toBe(lines.length);
        lines.forEach(([u, i, v, ts], q) => {
          expect(p.rowIds[p.observations.rowIndex[q]]).toBe(`u${u}`);
          expect(p.colIds[p.observations.colIndex[q]]).toBe(`i${i}`);
          expect(p.observations.values[q]).toBe(v);
          if (lines.every((l) => l[3] !== undefined)) expect(p.timestamps![q]).toBe(ts);
        });
        if (lines.some((l) => l[3] === undefined)) expect(p.timestamps).toBeNull();
        expectFinite(p, "parseRatings");
      }),
      params(300),
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), fc.option(fc.constantFrom(";", /x+/, ""), { nil: undefined }), async (text, delimiter) => {
        await expectContract(() => count(parseRatings(text, { delimiter })), `parseRatings(${JSON.stringify(text)})`);
      }),
      params(600),
    );
  });
});

// ---------------------------------------------------------------- invalid inputs

const good = (): Observations => ({
  rows: 4, cols: 5,
  rowIndex: Int32Array.of(0, 1, 2, 3, 0, 1, 2, 3),
  colIndex: Int32Array.of(0, 1, 2, 3, 4, 4, 0, 1),
  values: Float64Array.of(1, 2, 3, 4, 5, 1, 2, 3),
});

/** Corruptions of one observation set, each with the codes it may be refused with (the last ones only by complete). */
function badObservations(forFit = true): [unknown, Code[], string][] {
  const g = good();
  const out: [unknown, Code[], string][] = [];
  for (const w of WRONG_TYPES) out.push([w, ["INVALID_ARGUMENT"], `observations = ${show(w)}`]);
  for (const key of ["rowIndex", "colIndex", "values"] as const) {
    for (const w of WRONG_TYPES) out.push([{ ...g, [key]: w }, ["INVALID_ARGUMENT", "INDEX", "NON_FINITE", "SHAPE", "EMPTY"], `${key} = ${show(w)}`]);
    out.push([{ ...g, [key]: new BigInt64Array(8) }, ["INVALID_ARGUMENT"], `${key} BigInt64Array`]);
    out.push([{ ...g, [key]: new BigUint64Array(8) }, ["INVALID_ARGUMENT"], `${key} BigUint64Array`]);
    out.push([{ ...g, [key]: Array.from(g[key]).slice(1) }, ["SHAPE"], `${key} one short`]);
    const { [key]: _, ...missing } = g;
    out.push([missing, ["INVALID_ARGUMENT"], `no ${key}`]);
  }
  for (const key of ["rowIndex", "colIndex"] as const) {
    const bound = key === "rowIndex" ? g.rows : g.cols;
    for (const v of [-1, bound, 0.5, 1.5, -0.5, NaN, Infinity, 2 ** 31, 2 ** 32 - 1, 1e300]) {
      for (const form of [(a: number[]) => a, (a: number[]) => Float64Array.from(a), (a: number[]) => Float32Array.from(a)]) {
        const a = Array.from(g[key]);
        a[3] = v;
        out.push([{ ...g, [key]: form(a) }, ["INDEX"], `${key}[3] = ${v}`]);
      }
    }
    const a = Uint32Array.from(g[key]);
    a[2] = 2 ** 32 - 1;
    out.push([{ ...g, [key]: a }, ["INDEX"], `${key} Uint32Array 2^32 - 1`]);
    out.push([{ ...g, [key]: Array.from(g[key], (v) => String(v)) }, ["INDEX", "INVALID_ARGUMENT"], `${key} of strings`]);
  }
  for (const v of [NaN, Infinity, -Infinity]) {
    for (const form of [(a: number[]) => a, (a: number[]) => Float64Array.from(a), (a: number[]) => Float32Array.from(a)]) {
      const a = Array.from(g.values);
      a[5] = v;
      out.push([{ ...g, values: form(a) }, ["NON_FINITE"], `values[5] = ${v}`]);
    }
  }
  out.push([{ ...g, values: Array.from(g.values, (v, q) => (q === 2 ? "3" : v)) }, ["INVALID_ARGUMENT"], "a string value"]);
  for (const d of [-1, 0, 1.5, NaN, Infinity, "4", null, 1e9, 2 ** 29 + 1, 2 ** 31, 2 ** 53, 1e300]) {
    out.push([{ ...g, rows: d }, ["SHAPE", "EMPTY", "TOO_LARGE", "INDEX"], `rows = ${show(d)}`]);
    out.push([{ ...g, cols: d }, ["SHAPE", "EMPTY", "TOO_LARGE", "INDEX"], `cols = ${show(d)}`]);
  }
  out.push([{ rows: 3, cols: 3, rowIndex: [], colIndex: [], values: [] }, ["EMPTY"], "no entries"]);
  if (forFit) {
    // complete refuses a position given twice, and values whose squared errors would overflow; rmse and trainTestSplit take them.
    out.push([{ ...g, rowIndex: Int32Array.of(0, 1, 2, 3, 0, 1, 2, 0), colIndex: Int32Array.of(0, 1, 2, 3, 4, 4, 0, 0) }, ["INDEX"], "a repeated position"]);
    for (const v of [1e141, -1e200, Number.MAX_VALUE]) out.push([{ ...g, values: Float64Array.of(1, 2, v, 4, 5, 6, 7, 8) }, ["TOO_LARGE"], `a value of ${v}`]);
  }
  return out;
}

/** Bad values for each option of complete (any of them may also be refused for another reason: the codes listed). */
const BAD_OPTIONS: [string, unknown[]][] = [
  ["rank", [...BAD_NUMBERS, 0, 1025, 2 ** 31, 2 ** 53]],
  ["method", ["svd", "ALS", "", 1, null, true, {}]],
  ["lambda", [NaN, Infinity, -Infinity, -1, -1e-300, 1e101, 1e300, "auto ", "0.1", null, true, {}, [0.1]]],
  ["biases", [0, 1, "true", null, {}]],
  ["biasLambda", [NaN, Infinity, -1, 1e300, "5", null]],
  ["burnIn", [...BAD_NUMBERS, -1, 1001, 1.5, "3"]],
  ["clip", [0, 1, "false", null]],
  ["maxIter", [...BAD_NUMBERS, 0, 2 ** 31]],
  ["tol", [NaN, Infinity, -1, -1e-300, "0", null, true]],
  ["seed", [NaN, Infinity, -Infinity, "1", null, true, {}, 10n]],
  ["backend", ["gpu", "WASM", "", 0, null, true]],
  ["validation", [null, 0, "x", [], {}, { rows: 4 }, { ...good(), rows: 5 }, { ...good(), values: Float64Array.of(1, 2, 3, NaN, 5, 6, 7, 8) }]],
  ["onProgress", [0, "f", {}, null, true]],
  ["signal", [0, "s", {}, null, true, { aborted: "no" }]],
  ["sketchSize", [...BAD_NUMBERS, 0, 1, 2 ** 20, 2 ** 31]],
  ["sketch", ["gaussian", "", null, 1]],
  ["innerTol", [NaN, Infinity, -1, 1, 1e300, "0.1", null]],
  ["maxInner", [...BAD_NUMBERS, 0, 1001, 2 ** 31]],
  ["incoherence", [NaN, Infinity, -1, 0, -0, "2", null]],
  ["powerIters", [...BAD_NUMBERS, 1001, 2 ** 31]],
];

/** Names from other libraries and typos: refused, with the name meant where there is one. */
const UNKNOWN_OPTIONS: [string, string | null][] = [
  ["regParam", "lambda"], ["n_components", "rank"], ["k", "rank"], ["maxRank", "rank"], ["max_iter", "maxIter"], ["random_state", "seed"],
  ["tolerance", "tol"], ["callback", "onProgress"], ["algorithm", "method"], ["lamda", null], ["Rank", "rank"], ["iterations", "maxIter"],
  ["toString", null], ["constructor", null], ["hasOwnProperty", null],
];

describe.each(BACKENDS)("invalid inputs on %s are refused with a LowrankError", (backend: Backend) => {
  it("complete: every kind of bad observations", async () => {
    for (const [obs, codes, what] of badObservations()) {
      await expectRefused(() => count(complete(obs as Observations, { rank: 1, lambda: 0.1, backend })), codes, `complete: ${what}`);
    }
  });

  it("complete: values beyond 1e140, huge sizes and ranks", async () => {
    const g = good();
    await expectRefused(() => count(complete({ ...g, values: Float64Array.of(1, 2, 3, 1e141, 5, 1, 2, 3) }, { backend })), ["TOO_LARGE"], "value 1e141");
    await expectRefused(() => count(complete({ ...g, values: Float64Array.of(1, 2, 3, Number.MAX_VALUE, 5, 1, 2, 3) }, { backend })), ["TOO_LARGE"], "MAX_VALUE");
    const one = { rowIndex: [0], colIndex: [0], values: [1] };
    for (const [rows, cols, rank] of [[2 ** 29, 2 ** 29, 1], [2 ** 28, 2 ** 28, 1], [2 ** 27, 2 ** 27, 1], [2 ** 26, 2 ** 26, 1], [1e8, 3, 3], [2 ** 20, 2 ** 20, 2 ** 10], [2 ** 19, 2 ** 19, 2 ** 10]]) {
      for (const method of ["als", "altmin", "robust-altmin", "bpmf"] as const) {
        const t0 = performance.now();
        const lambda = method === "als" ? "auto" : method === "bpmf" ? undefined : 0.1;
        await expectRefused(() => count(complete({ rows, cols, ...one }, { rank, method, lambda, backend })), ["TOO_LARGE"], `${rows} x ${cols} rank ${rank} ${method}`);
        expect(performance.now() - t0, "refused before any work").toBeLessThan(1000);
      }
    }
    await expectRefused(() => count(complete(g, { rank: 5, backend })), ["RANK"], "rank above min(rows, cols)");
    await expectRefused(() => count(complete(g, { rank: 2 ** 31 - 1, backend })), ["INVALID_ARGUMENT"], "rank 2^31 - 1");
    await expectRefused(() => count(complete({ rows: 5000, cols: 5000, ...one }, { rank: 5000, lambda: 0.1, backend })), ["INVALID_ARGUMENT"], "rank 5000");
  });

  it("complete: every kind of bad option, unknown keys with a did-you-mean, non-object options", async () => {
    for (const [key, values] of BAD_OPTIONS) {
      for (const v of values) {
        const opts = { rank: 2, lambda: 0.1, backend, [key]: v } as CompleteOptions;
        await expectRefused(() => count(complete(good(), opts)), ["INVALID_ARGUMENT", "SHAPE", "NON_FINITE"], `complete option ${key} = ${show(v)}`);
      }
    }
    for (const [key, meant] of UNKNOWN_OPTIONS) {
      const o = await outcome(() => count(complete(good(), { rank: 1, backend, [key]: 1 } as CompleteOptions)), `unknown option ${key}`);
      expect(o.ok).toBe(false);
      if (o.ok) continue;
      expect(o.code).toBe("INVALID_ARGUMENT");
      expect(o.message).toContain(`"${key}"`);
      if (meant) expect(o.message).toContain(`did you mean "${meant}"`);
    }
    for (const w of [null, 0, 1, "x", true, [], [1], () => 1, Symbol("s"), new Float64Array(2), new BigInt64Array(1)]) {
      await expectRefused(() => count(complete(good(), w as CompleteOptions)), ["INVALID_ARGUMENT"], `complete options = ${show(w)}`);
    }
    await expectRefused(() => count(complete(good(), { rank: 2, method: "altmin", lambda: "auto", backend })), ["INVALID_ARGUMENT"], "lambda auto for altmin");
    await expectRefused(() => count(complete(good(), { rank: 3, method: "robust-altmin", sketchSize: 3, backend })), ["INVALID_ARGUMENT"], "sketchSize = rank");
    await expectRefused(() => count(complete(good(), { rank: 2, method: "bpmf", lambda: 0.1, backend })), ["INVALID_ARGUMENT"], "lambda for bpmf");
    await expectRefused(() => count(complete(good(), { rank: 2, method: "bpmf", maxIter: 4, burnIn: 4, backend })), ["INVALID_ARGUMENT"], "burnIn = maxIter");
    await expectRefused(() => count(complete(good(), { rank: 2, method: "als", burnIn: 1, backend })), ["INVALID_ARGUMENT"], "burnIn for als");
    await expectRefused(() => count(complete(good(), { rank: 2, lambda: 0.1, burnIn: 1, backend })), ["INVALID_ARGUMENT"], "burnIn with lambda (als)");
  });

  it("complete: an already-aborted signal stops before any work; a later abort between iterations", async () => {
    for (const method of ["als", "altmin", "robust-altmin", "bpmf"] as const) {
      let progress = 0;
      await expectRefused(() => count(complete(good(), { rank: 2, method, backend, signal: abortedSignal(), onProgress: () => progress++ })), ["ABORTED"], `${method} aborted`);
      // Before any work: even the observations are not read.
      await expectRefused(() => count(complete({ rows: 2 ** 28, cols: 2 ** 28, rowIndex: [0], colIndex: [0], values: [1] }, { signal: abortedSignal(), backend })), ["ABORTED"], "aborted before the size check");
      expect(progress).toBe(0);
      const c = new AbortController();
      await expectRefused(() => count(complete(good(), {
        rank: 2, method, lambda: method === "bpmf" ? undefined : 0.1, backend, maxIter: 1000, tol: 0, signal: c.signal, onProgress: (r) => r.iteration === 2 && c.abort(),
      })), ["ABORTED"], `${method} aborted at iteration 2`);
    }
    // The lambda search's trial fits honour the signal too.
    const c = new AbortController();
    setTimeout(() => c.abort(), 5);
    const o = await outcome(() => count(complete(fullRatings(60, 50), { rank: 4, backend, signal: c.signal })), "lambda auto aborted");
    if (!o.ok) expect(o.code).toBe("ABORTED");
  });

  it("complete yields to the event loop at the first iteration boundary 25 ms after it last did", async () => {
    // Every yield goes through setImmediate in Node; count them, and check after each iteration whether one was due.
    const g = globalThis as { setImmediate: typeof setImmediate };
    const original = g.setImmediate;
    const obs = fullRatings(150, 120);
    let lastYield = performance.now(), yields = 0, due = false, missed = 0;
    // The yield's time is taken after its callback (the run resumes in the microtasks right after, and takes its own
    // clock then), and an iteration counts as due from 28 ms: the 3 ms margin keeps a busy machine's delay between
    // the two clocks from counting as a missed yield.
    g.setImmediate = ((cb: () => void) => original(() => {
      yields++;
      due = false;
      cb();
      lastYield = performance.now();
    })) as typeof setImmediate;
    try {
      const onProgress = () => {
        if (due) missed++; // the previous iteration was due to yield, and no yield ran before this one
        due = performance.now() - lastYield >= 28;
      };
      const t0 = performance.now();
      await complete(obs, { rank: 8, lambda: 0.1, maxIter: 40, tol: 0, backend, onProgress });
      calls++;
      expect(missed).toBe(0);
      if (performance.now() - t0 > 60) expect(yields).toBeGreaterThan(0);
    } finally {
      g.setImmediate = original;
    }
  });
});

/** A dense-ish ratings-like set (every third position of a rows x cols grid). */
function fullRatings(rows: number, cols: number): Observations {
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if ((i + 2 * j) % 3 !== 0) {
    ri.push(i);
    ci.push(j);
    v.push(1 + ((Math.sin(i) * Math.cos(j) + 1) * 2) + 0.1 * Math.sin(i * j));
  }
  return { rows, cols, rowIndex: Int32Array.from(ri), colIndex: Int32Array.from(ci), values: Float64Array.from(v) };
}

describe.each(BACKENDS)("the model's methods, foldIn, rmse and trainTestSplit refuse bad input (models from %s)", (backend: Backend) => {
  let model: CompletionModel;
  beforeAll(async () => {
    model = await complete(good(), { rank: 2, lambda: 0.1, backend });
  });

  it("predict and predictMany", async () => {
    const badIndex = [-1, 0.5, NaN, Infinity, -0.5, 2 ** 31, 1e300, ...WRONG_INDEX];
    const codes: Code[] = ["INDEX", "INVALID_ARGUMENT"];
    for (const v of [...badIndex, 4]) {
      await expectRefused(() => count(model.predict(v as number, 0)), codes, `predict(${show(v)}, 0)`);
      await expectRefused(() => count(model.predictMany([v as number], [0])), codes, `predictMany([${show(v)}], [0])`);
    }
    for (const v of [...badIndex, 5]) {
      await expectRefused(() => count(model.predict(0, v as number)), codes, `predict(0, ${show(v)})`);
      await expectRefused(() => count(model.predictMany(Float64Array.of(0), [v as number])), codes, `predictMany(.., [${show(v)}])`);
    }
    for (const w of WRONG_INDEX) {
      if (Array.isArray(w) && w.length === 0) continue; // [] is an empty list of positions
      await expectRefused(() => count(model.predictMany(w as number[], [0])), ["INVALID_ARGUMENT", "INDEX", "SHAPE"], `predictMany(${show(w)})`);
    }
    await expectRefused(() => count(model.predictMany(new BigInt64Array(1) as unknown as number[], [0])), ["INVALID_ARGUMENT"], "predictMany(BigInt64Array)");
    await expectRefused(() => count(model.predictMany([0, 1], [0])), ["SHAPE"], "predictMany lengths differ");
    expect(count(model.predictMany([], [])).length).toBe(0);
  });

  it("recommend", async () => {
    for (const v of [-1, 4, 0.5, NaN, ...WRONG_INDEX]) await expectRefused(() => count(model.recommend(v as number, 2)), ["INDEX", "INVALID_ARGUMENT"], `recommend(${show(v)}, 2)`);
    for (const n of [-1, 0.5, NaN, Infinity, "2", null, {}, [2], 10n]) await expectRefused(() => count(model.recommend(0, n as number)), ["INVALID_ARGUMENT"], `recommend(0, ${show(n)})`);
    for (const o of [null, 0, "x", true, [], () => 1, { exlude: [1] }, { n: 3 }, { toString: 1 }]) await expectRefused(() => count(model.recommend(0, 2, o as object)), ["INVALID_ARGUMENT"], `recommend options ${show(o)}`);
    for (const ex of ["all", "", null, 0, {}, [1.5], [-1], [5], [NaN], new BigInt64Array(1), new Float64Array([0.5]), { length: 2 }]) {
      await expectRefused(() => count(model.recommend(0, 2, { exclude: ex as number[] })), ["INVALID_ARGUMENT", "INDEX"], `recommend exclude ${show(ex)}`);
    }
    expect(count(model.recommend(0, 2 ** 40)).items.length).toBeLessThanOrEqual(5);
    expect(Array.from(count(model.recommend(0, 5, { exclude: Float64Array.of(1, 2) })).items)).not.toContain(1);
  });

  it("foldIn", async () => {
    const row = { colIndex: [0, 2], values: [3, 4] };
    for (const w of [...WRONG_TYPES, { ...model }, { rows: 4 }]) await expectRefused(() => count(foldIn(w as CompletionModel, row)), ["INVALID_ARGUMENT"], `foldIn(model = ${show(w)})`);
    for (const w of WRONG_TYPES) await expectRefused(() => count(foldIn(model, w as typeof row)), ["INVALID_ARGUMENT"], `foldIn(row = ${show(w)})`);
    const bad: [unknown, Code[]][] = [
      [{ colIndex: [0, 0], values: [1, 2] }, ["INDEX"]], [{ colIndex: [5], values: [1] }, ["INDEX"]], [{ colIndex: [-1], values: [1] }, ["INDEX"]],
      [{ colIndex: [0.5], values: [1] }, ["INDEX"]], [{ colIndex: Float64Array.of(1.5), values: [1] }, ["INDEX"]], [{ colIndex: [NaN], values: [1] }, ["INDEX"]],
      [{ colIndex: [1], values: [NaN] }, ["NON_FINITE"]], [{ colIndex: [1], values: [Infinity] }, ["NON_FINITE"]], [{ colIndex: [1], values: Float32Array.of(NaN) }, ["NON_FINITE"]],
      [{ colIndex: [1, 2], values: [1] }, ["SHAPE"]], [{ colIndex: new BigInt64Array(1), values: [1] }, ["INVALID_ARGUMENT"]],
      [{ colIndex: [1], values: new BigInt64Array(1) }, ["INVALID_ARGUMENT"]], [{ colIndex: [1] }, ["INVALID_ARGUMENT"]], [{ values: [1] }, ["INVALID_ARGUMENT"]],
      [{ colIndex: "1", values: [1] }, ["INVALID_ARGUMENT"]], [{ colIndex: [1], values: ["1"] }, ["INVALID_ARGUMENT"]],
      [{ colIndex: { length: 1e12 }, values: [1] }, ["INVALID_ARGUMENT"]],
    ];
    for (const [r, codes] of bad) await expectRefused(() => count(foldIn(model, r as typeof row)), codes, `foldIn(${show(r)})`);
    // Extreme but finite values: a finite new row (solved in scaled arithmetic), or NON_FINITE when it cannot be represented.
    for (const values of [[Number.MAX_VALUE, 1], [-Number.MAX_VALUE, Number.MAX_VALUE], [1e300, 1e300], [5e-324, -5e-324], [1e-300, 1e300]]) {
      const o = await expectContract(() => count(foldIn(model, { colIndex: [0, 2], values })), `foldIn(${values})`);
      if (o.ok) for (let j = 0; j < model.cols; j++) await expectContract(() => count(o.value.predict(model.rows, j)), `predict after foldIn(${values})`);
    }
    const empty = count(foldIn(model, { colIndex: [], values: [] }));
    expect(Array.from(empty.U.subarray(model.rows * 2))).toEqual([0, 0]);
  });

  it("rmse, trainTestSplit, parseRatings, the CompletionModel constructor and init", async () => {
    for (const w of [...WRONG_TYPES, { ...model }]) await expectRefused(() => count(rmse(w as CompletionModel, good())), ["INVALID_ARGUMENT"], `rmse(model = ${show(w)})`);
    for (const [obs, codes, what] of badObservations(false)) {
      await expectRefused(() => count(rmse(model, obs as Observations)), [...codes, "SHAPE"], `rmse: ${what}`);
      await expectRefused(() => count(trainTestSplit(obs as Observations)), codes, `trainTestSplit: ${what}`);
    }
    await expectRefused(() => count(rmse(model, { ...good(), cols: 6 })), ["SHAPE"], "rmse of another shape");
    // rmse of far-off values: finite (scaled sums), or NON_FINITE when beyond double range.
    const far = await expectContract(() => count(rmse(model, { ...good(), values: Float64Array.of(1e308, -1e308, 1e300, 1, 2, 3, 4, 5) })), "rmse(1e308)");
    expect(far.ok).toBe(true);
    for (const f of [-0.1, 1.1, NaN, Infinity, "0.2", null, true]) await expectRefused(() => count(trainTestSplit(good(), { fraction: f as number })), ["INVALID_ARGUMENT"], `fraction ${show(f)}`);
    for (const s of [NaN, Infinity, "1", null]) await expectRefused(() => count(trainTestSplit(good(), { seed: s as number })), ["INVALID_ARGUMENT"], `seed ${show(s)}`);
    for (const o of [null, 0, "x", [], { ratio: 0.2 }, { test_size: 0.2 }, { random_state: 1 }, { constructor: 1 }]) await expectRefused(() => count(trainTestSplit(good(), o as object)), ["INVALID_ARGUMENT"], `trainTestSplit options ${JSON.stringify(o)}`);
    for (const w of WRONG_TYPES.filter((x) => typeof x !== "string")) await expectRefused(() => count(parseRatings(w as string)), ["INVALID_ARGUMENT"], `parseRatings(${show(w)})`);
    for (const o of [null, 0, "x", [], { delimiter: 5 }, { delimiter: null }, { sep: "," }, { valueOf: 1 }]) await expectRefused(() => count(parseRatings("1 2 3", o as object)), ["INVALID_ARGUMENT"], `parseRatings options ${show(o)}`);
    await expectRefused(() => count(parseRatings("1 2 3\n1 2 1e999")), ["NON_FINITE"], "parseRatings 1e999");
    const m = model;
    const parts = [m.method, m.rows, m.cols, m.rank, m.U, m.V, m.rowBias, m.colBias, m.globalMean, m.clip, m.history, m.regularization, m.observed] as const;
    const ctor = (...a: unknown[]) => new CompletionModel(...(a as ConstructorParameters<typeof CompletionModel>));
    expect(count(ctor(...parts)).predict(1, 1)).toBe(m.predict(1, 1));
    const replace: [number, unknown][] = [
      [0, "svd"], [1, -1], [1, 1.5], [1, 5], [2, 0], [3, 3], [4, m.U.subarray(1)], [4, Float32Array.from(m.U)], [5, null], [6, Float64Array.of(NaN, 0, 0, 0)],
      [8, NaN], [9, [2, 1]], [9, null], [10, null], [11, null], [11, { lambda: -1, biasLambda: 0, weighted: true, biases: true }],
      [12, null], [12, { ptr: m.observed.ptr.subarray(1), cols: m.observed.cols }], [12, { ptr: m.observed.ptr, cols: Int32Array.of(9) }],
    ];
    for (const [at, v] of replace) {
      const args: unknown[] = [...parts];
      args[at] = v;
      await expectRefused(() => count(ctor(...args)), ["INVALID_ARGUMENT", "SHAPE", "NON_FINITE", "INDEX", "EMPTY", "TOO_LARGE"], `new CompletionModel(arg ${at} = ${show(v)})`);
    }
    for (const o of [null, 0, "x", { variant: "sse" }, { variant: null }, { varient: "simd" }]) await expectRefused(() => count(init(o as object)), ["INVALID_ARGUMENT"], `init(${JSON.stringify(o)})`);
  });
});

// ---------------------------------------------------------------- memory and recovery

describe("many calls keep WASM memory and the heap flat; a call that throws leaves the next one working", () => {
  it("2,000+ calls of predict / foldIn / recommend / rmse, and complete on wasm", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const memory = completionModule.loader.shared().memory;
    const model = await complete(good(), { rank: 2, lambda: 0.1 });
    const row = { colIndex: [0, 3], values: [2, 5] };
    const expected = foldIn(model, row);
    const burst = (reps: number) => {
      for (let r = 0; r < reps; r++) {
        count(model.predict(r % 4, r % 5));
        const f = count(foldIn(model, row));
        if (f.U[8] !== expected.U[8]) throw new Error("foldIn changed between calls");
        count(model.recommend(r % 4, 2));
        count(rmse(model, good()));
        try {
          foldIn(model, { colIndex: [0], values: [NaN] });
        } catch {
          calls++;
        }
      }
    };
    burst(300);
    gc();
    const heap0 = process.memoryUsage().heapUsed, bytes0 = memory.buffer.byteLength;
    burst(2000);
    gc();
    const heap1 = process.memoryUsage().heapUsed;
    expect(memory.buffer.byteLength).toBe(bytes0);
    expect(heap1 - heap0).toBeLessThan(4 << 20);
    // complete on wasm: each run's private instance is released with it.
    const first = await complete(good(), { rank: 2, lambda: 0.1, backend: "wasm" });
    for (let r = 0; r < 40; r++) count(await complete(good(), { rank: 2, lambda: 0.1, backend: "wasm" }));
    gc();
    const ext0 = process.memoryUsage().arrayBuffers;
    for (let r = 0; r < 150; r++) count(await complete(good(), { rank: 2, lambda: 0.1, backend: "wasm" }));
    gc();
    expect(process.memoryUsage().arrayBuffers - ext0).toBeLessThan(16 << 20);
    expect(memory.buffer.byteLength).toBe(bytes0);
    // A refused call, an aborted run and an out-of-range size leave the next call computing the same thing.
    for (const backend of BACKENDS) {
      const before = await complete(good(), { rank: 2, lambda: 0.1, backend });
      await expectRefused(() => complete({ ...good(), values: Float64Array.of(1, 2, NaN, 4, 5, 6, 7, 8) }, { backend }), ["NON_FINITE"], "NaN");
      const c = new AbortController();
      await expectRefused(() => complete(good(), { rank: 2, lambda: 0.1, backend, maxIter: 50, tol: 0, signal: c.signal, onProgress: () => c.abort() }), ["ABORTED"], "abort");
      await expectRefused(() => complete({ rows: 2 ** 28, cols: 2 ** 28, rowIndex: [0], colIndex: [0], values: [1] }, { rank: 1, backend }), ["TOO_LARGE"], "huge");
      const after = await complete(good(), { rank: 2, lambda: 0.1, backend });
      calls += 5;
      expect(Array.from(after.U)).toEqual(Array.from(before.U));
      expect(Array.from(after.colBias)).toEqual(Array.from(before.colBias));
    }
    expect(Array.from(first.V)).toEqual(Array.from((await complete(good(), { rank: 2, lambda: 0.1, backend: "wasm" })).V));
  });
});
