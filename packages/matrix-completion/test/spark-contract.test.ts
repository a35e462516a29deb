// The contract (a correct result or a LowrankError, never another exception,
// never a hang) for the Spark entry points, on generated models and on
// generated damage to a model directory's bytes.
import { describe, expect, it } from "vitest";
import { expectFinite, expectRefused, fc, fcParams, outcome, WRONG_TYPES } from "@lowrank/test-utils/contract";
import { CompletionModel } from "../src/index.js";
import { readSparkAls, readSparkAlsMetadata, writeSparkAls } from "../src/spark/index.js";
import { sparkDirectory, sparkSide } from "./spark-fixture.js";

/** A label for any value (String() throws on some, e.g. Object.create(null)). */
function show(v: unknown): string {
  try {
    return String(v);
  } catch {
    return typeof v;
  }
}

const NO_CLIP: [number, number] = [-Number.MAX_VALUE, Number.MAX_VALUE];

/** readSparkAls under the contract. A Spark model has no training record, so its residual is NaN (as a hand-built model's). */
async function readContract(files: Map<string, Uint8Array>, what: string) {
  const o = await outcome(() => readSparkAls(files), what);
  if (o.ok) {
    expectFinite(o.value, what, (path) => path === ".residual");
    expect(o.value.residual).toBeNaN();
  }
  return o;
}

function makeModel(rows: number, cols: number, k: number, U: number[], V: number[], ids: { rowIds: string[]; colIds: string[] } | null): CompletionModel {
  return new CompletionModel("als", rows, cols, k, Float64Array.from(U), Float64Array.from(V), new Float64Array(rows), new Float64Array(cols), 0, NO_CLIP, [],
    { lambda: 0.1, biasLambda: 0, weighted: true, biases: false }, { ptr: new Int32Array(rows + 1), cols: new Int32Array(0) }, ids);
}

const factor = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-45, -1e-40, 3.4028234663852886e38, 3.5e38, 1e300, 5e-324) },
);
const idText = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("x1", "01", "2147483648", "-0", "1e3", " 5", "") },
);

const arbModel = fc.record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 5 }), withIds: fc.boolean() })
  .chain(({ rows, cols, k, withIds }) => fc.record({
    U: fc.array(factor, { minLength: rows * k, maxLength: rows * k }),
    V: fc.array(factor, { minLength: cols * k, maxLength: cols * k }),
    rowIds: fc.array(idText, { minLength: rows, maxLength: rows }),
    colIds: fc.array(idText, { minLength: cols, maxLength: cols }),
  }).map((a) => makeModel(rows, cols, k, a.U, a.V, withIds ? { rowIds: a.rowIds, colIds: a.colIds } : null)));

describe("Spark entry points: the contract", () => {
  it("writeSparkAls then readSparkAls: the float32-rounded model bit for bit, or a LowrankError (NON_FINITE, INVALID_ARGUMENT, INDEX)", async () => {
    await fc.assert(fc.asyncProperty(arbModel, fc.constantFrom("snappy", "none") as fc.Arbitrary<"snappy" | "none">, async (model, compression) => {
      const written = await outcome(() => writeSparkAls(model, { compression }), "writeSparkAls");
      if (!written.ok) {
        expect(["NON_FINITE", "INVALID_ARGUMENT", "INDEX"]).toContain(written.code);
        return;
      }
      const back = await readContract(written.value, "readSparkAls");
      expect(back.ok).toBe(true);
      if (!back.ok) return;
      const m = back.value;
      expect([m.rows, m.cols, m.rank]).toEqual([model.rows, model.cols, model.rank]);
      for (let q = 0; q < model.U.length; q++) expect(Object.is(m.U[q], Math.fround(model.U[q]))).toBe(true);
      for (let q = 0; q < model.V.length; q++) expect(Object.is(m.V[q], Math.fround(model.V[q]))).toBe(true);
      if (model.ids) expect(m.ids).toEqual(model.ids);
      else expect(m.ids!.rowIds).toEqual(Array.from({ length: model.rows }, (_, i) => String(i)));
    }), fcParams(150));
  });

  it("damaged bytes (a flipped, cut or extended file) give a model or a LowrankError, never another exception", async () => {
    const good = sparkDirectory(3, sparkSide(12, 3, 21), sparkSide(9, 3, 22), 2);
    const paths = [...good.keys()].filter((p) => !/\/[._]/.test(p));
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...paths), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("flip", "cut", "extend"),
      async (path, at, byte, how) => {
        const files = new Map(good);
        const b = good.get(path)!;
        let d: Uint8Array;
        if (how === "flip") {
          d = b.slice();
          if (d.length > 0) d[at % d.length] ^= byte || 1;
        } else if (how === "cut") d = b.subarray(0, b.length === 0 ? 0 : at % b.length);
        else d = Uint8Array.from([...b, byte, byte]);
        files.set(path, d);
        await readContract(files, `readSparkAls with ${path} ${how} at ${at}`);
      },
    ), fcParams(300));
  });

  it("arguments of the wrong type are INVALID_ARGUMENT", async () => {
    const model = makeModel(2, 2, 1, [1, 2], [3, 4], null);
    for (const bad of WRONG_TYPES) {
      if (bad instanceof Map) continue; // an empty Map is a directory without metadata: also INVALID_ARGUMENT, below
      await expectRefused(() => readSparkAls(bad as never), ["INVALID_ARGUMENT"], `readSparkAls(${show(bad)})`);
      await expectRefused(() => readSparkAlsMetadata(bad as never), ["INVALID_ARGUMENT"], `readSparkAlsMetadata(${show(bad)})`);
      await expectRefused(() => writeSparkAls(bad as never), ["INVALID_ARGUMENT"], `writeSparkAls(${show(bad)})`);
      if (bad !== undefined && (bad === null || typeof bad !== "object")) await expectRefused(() => writeSparkAls(model, bad as never), ["INVALID_ARGUMENT"], `writeSparkAls options ${show(bad)}`);
    }
    await expectRefused(() => readSparkAls(new Map()), ["INVALID_ARGUMENT"], "readSparkAls(new Map())");
  });
});
