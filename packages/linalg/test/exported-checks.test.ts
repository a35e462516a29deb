// The input readers and option validators are exported (other packages and
// users writing entry points call them): called with any value in any slot,
// they refuse with a LowrankError, never a TypeError. Each case here is a
// defect the export fuzz (tools/integration/test/fuzz-exports.test.ts) found.
import { expectCode } from "@lowrank/test-utils";
import { describe, expect, it } from "vitest";
import {
  asCsr, asF64, asIndices, asMatrix, asTensor, asVector, BACKEND, checkDense, checkDim, checkVector, checkFinite, checkSize, decodeTypedArrays, encodeTypedArrays,
  internalError, LongRun, LowrankError, readOptions,
} from "../src/index.js";

describe("exported checks refuse any argument with a LowrankError", () => {
  it("checkSize: negative, NaN, fractional and non-number counts are INVALID_ARGUMENT; an overflowed product is TOO_LARGE", async () => {
    for (const c of [-1, NaN, 1.5, "3", null, Symbol("c")]) await expectCode(() => checkSize(c as number, "count"), "INVALID_ARGUMENT");
    await expectCode(() => checkSize(Infinity, "count"), "TOO_LARGE");
    await expectCode(() => checkSize(Infinity, Symbol("n") as never), "TOO_LARGE");
    await expectCode(() => checkSize(0, "count", Symbol("l") as never), "INVALID_ARGUMENT");
    expect(() => checkSize(0, "count")).not.toThrow();
    expect(() => checkSize(2 ** 20, "count")).not.toThrow();
  });

  it("checkFinite: a value that is not a numeric array is INVALID_ARGUMENT", async () => {
    for (const x of [undefined, null, 5, {}, "abc"]) await expectCode(() => checkFinite(x as number[], "x"), "INVALID_ARGUMENT");
    await expectCode(() => checkFinite([1, NaN], "x"), "NON_FINITE");
    await expectCode(() => checkFinite([1, NaN], Symbol("x") as never), "NON_FINITE");
  });

  it("asIndices: a bound that is not a number >= 0 is INVALID_ARGUMENT (NaN used to accept every index)", async () => {
    for (const b of [NaN, {}, "5", -1, undefined]) await expectCode(() => asIndices([0, 7], "idx", b as number), "INVALID_ARGUMENT");
    expect(Array.from(asIndices([0, 7], "idx", Infinity))).toEqual([0, 7]);
  });

  it("a name that is not a string, and null reader options, are no TypeError", async () => {
    const sym = Symbol("name") as unknown as string;
    await expectCode(() => asMatrix({ rows: 2, cols: 2 }, sym), "INVALID_ARGUMENT");
    await expectCode(() => asVector([1, NaN], sym), "NON_FINITE");
    await expectCode(() => asTensor({ shape: [2, -1], data: [] }, sym), "SHAPE");
    await expectCode(() => asCsr(null, sym), "INVALID_ARGUMENT");
    await expectCode(() => checkDim(-1, sym), "SHAPE");
    expect(asMatrix([[1, 2]], "A", null as never)).toEqual({ rows: 1, cols: 2, data: Float64Array.of(1, 2) });
    expect(checkDense([[1, 2]] as never, "A", null as never).cols).toBe(2);
    expect(asF64([1, 2], "x", null as never)).toEqual(Float64Array.of(1, 2));
    await expectCode(() => checkVector([1, 2], "x", Symbol("n") as never), "SHAPE");
    await expectCode(() => asTensor({ shape: [2], data: [1, 2] }, "X", { order: Symbol("o") as never }), "SHAPE");
  });

  it("readOptions and the option checks: a schema that is not one, or a path that is not a string, is INVALID_ARGUMENT", async () => {
    await expectCode(() => readOptions("f", { a: 1 }, null as never), "INVALID_ARGUMENT");
    await expectCode(() => readOptions("f", { a: 1 }, { a: 5 } as never), "INVALID_ARGUMENT");
    await expectCode(() => readOptions(Symbol("f") as never, { b: 1 }, {}), "INVALID_ARGUMENT");
    await expectCode(() => BACKEND("gpu", Symbol("p") as never), "INVALID_ARGUMENT");
    expect(readOptions("f", { a: "js" }, { a: BACKEND })).toEqual({ a: "js" });
  });

  it("LowrankError and internalError: a code or message that is a symbol gives an error, not a TypeError", () => {
    const e = new LowrankError(Symbol("c") as never, Symbol("m") as never);
    expect(e.message).toBe("[Symbol(c)] Symbol(m)");
    expect(internalError(Symbol("m") as never).code).toBe("INTERNAL");
  });

  it("encodeTypedArrays / decodeTypedArrays: a depth that is not a number is INVALID_ARGUMENT (NaN never stopped on a cycle)", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const d of [Symbol("d"), NaN, "1"]) {
      await expectCode(() => encodeTypedArrays(cyclic, d as never), "INVALID_ARGUMENT");
      await expectCode(() => decodeTypedArrays(cyclic, d as never), "INVALID_ARGUMENT");
    }
    await expectCode(() => encodeTypedArrays(cyclic), "INVALID_ARGUMENT");
  });

  it("new LongRun: null options run with none; options, onProgress or a signal of the wrong type are INVALID_ARGUMENT", async () => {
    expect(new LongRun("f", null as never).fn).toBe("f");
    for (const o of [5, { onProgress: "x" }, { signal: {} }, { signal: null }]) await expectCode(() => new LongRun("f", o as never), "INVALID_ARGUMENT");
    const c = new AbortController();
    c.abort();
    await expectCode(() => new LongRun(Symbol("f") as never, { signal: c.signal }), "ABORTED");
  });
});
