// EvolvingSvd.save / load / toBytes / fromBytes: an object saved after 50
// updates, loaded and given 50 more equals one that never stopped, bit for
// bit, for every method and both backends; damaged saves are refused.
import { describe, expect, it } from "vitest";
import { autoCostModel, EvolvingSvd, EVOLVING_FORMAT_VERSION, type EvolvingSvdOptions, type SavedEvolvingSvd, type UpdateMethod } from "../src/index.js";
import { expectCode, sparseRandom } from "./helpers.js";

const METHODS: (UpdateMethod | "auto")[] = ["deng", "deng-gkl", "deng-rpi", "zha-simon", "vecharynski", "yamazaki", "auto"];
const BACKENDS = ["js", "wasm"] as const;

/** Update number i of a fixed stream: rows, a column, or a rank-one weight change, cycling. */
function step(es: EvolvingSvd, i: number): void {
  const seed = 1000 + i;
  if (i % 3 === 0) es.addRows(sparseRandom(2, es.cols, 0.3, seed));
  else if (i % 3 === 1) es.addColumns(sparseRandom(es.rows, 1, 0.3, seed));
  else es.updateWeights(sparseRandom(es.rows, 1, 0.2, seed), sparseRandom(es.cols, 1, 0.2, seed + 1));
}

function bits(x: Float64Array): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

/** Everything observable of two objects is the same, bit for bit. */
function expectSame(a: EvolvingSvd, b: EvolvingSvd): void {
  const fa = a.factors(), fb = b.factors();
  expect([b.rows, b.cols, b.rank]).toEqual([a.rows, a.cols, a.rank]);
  expect(bits(fb.U.data)).toEqual(bits(fa.U.data));
  expect(bits(fb.V.data)).toEqual(bits(fa.V.data));
  expect(bits(fb.s)).toEqual(bits(fa.s));
  expect(b.stats).toEqual(a.stats);
  expect(b.kCondition()).toEqual(a.kCondition());
  expect(b.history.map((d) => [d.op, d.choice, d.estimates])).toEqual(a.history.map((d) => [d.op, d.choice, d.estimates]));
  const ma = a.matrix(), mb = b.matrix();
  expect(mb === null).toBe(ma === null);
  if (ma && mb) {
    expect(mb.indptr).toEqual(ma.indptr);
    expect(mb.indices).toEqual(ma.indices);
    expect(bits(mb.data as Float64Array)).toEqual(bits(ma.data as Float64Array));
  }
}

describe("EvolvingSvd save / load", () => {
  for (const backend of BACKENDS) {
    for (const method of METHODS) {
      it(`${backend} ${method}: saved after 50 updates, loaded and given 50 more, equals the object that never stopped`, async () => {
        const opts: EvolvingSvdOptions = { rank: 4, method, seed: 7, backend, approxRank: 3 };
        if (method === "deng") opts.keepMatrix = true;
        const es = await EvolvingSvd.create(sparseRandom(40, 30, 0.25, 3), opts);
        for (let i = 0; i < 50; i++) step(es, i);
        const saved = es.save();
        expect(saved.kind).toBe("evolving-svd");
        expect(saved.version).toBe(EVOLVING_FORMAT_VERSION);
        const text = JSON.stringify(saved);
        const copies = [
          await EvolvingSvd.load(JSON.parse(text) as SavedEvolvingSvd, { backend }),
          await EvolvingSvd.load(text, { backend }),
          await EvolvingSvd.load(structuredClone(saved), { backend }),
          await EvolvingSvd.fromBytes(es.toBytes(), { backend }),
        ];
        for (const c of copies) expectSame(es, c);
        for (let i = 50; i < 100; i++) {
          step(es, i);
          for (const c of copies) step(c, i);
        }
        expect(es.stats.updates).toBe(100);
        for (const c of copies) expectSame(es, c);
        if (method === "auto") expect(es.history.length).toBe(100);
      });
    }
  }

  for (const backend of BACKENDS) {
    it(`${backend} auto, switching between deng, zha-simon and recompute (zha-simon in force at the save): 50 + 50 updates bit for bit`, async () => {
      const saved = { ...autoCostModel };
      // The cost model steered per step: steps 8, 9 of every ten take zha-simon, step 5 recomputes, the rest deng.
      const steer = (i: number) => {
        Object.assign(autoCostModel, saved);
        if (i % 10 >= 8) Object.assign(autoCostModel, { dengSupport: 1e9, tsvdSparse: 1e9 });
        if (i % 10 === 5) Object.assign(autoCostModel, { dengSupport: 1e9, zhaBatch: 1e15 });
      };
      try {
        const es = await EvolvingSvd.create(sparseRandom(40, 30, 0.25, 3), { rank: 4, method: "auto", seed: 7, backend });
        for (let i = 0; i < 50; i++) {
          steer(i);
          step(es, i);
        }
        const copies = [await EvolvingSvd.load(JSON.stringify(es.save()), { backend }), await EvolvingSvd.fromBytes(es.toBytes(), { backend })];
        for (let i = 50; i < 100; i++) {
          steer(i);
          for (const e of [es, ...copies]) step(e, i);
        }
        const picks = es.history.map((d) => d.choice);
        expect(picks.slice(45, 50)).toEqual(["recompute", "deng", "deng", "zha-simon", "zha-simon"]);
        expect(es.stats.recomputes).toBe(10);
        for (const c of copies) expectSame(es, c);
      } finally {
        Object.assign(autoCostModel, saved);
      }
    });
  }

  it("loads on the other backend: same state, and updates agree to rounding", async () => {
    const es = await EvolvingSvd.create(sparseRandom(40, 30, 0.25, 3), { rank: 4, backend: "wasm", seed: 2 });
    for (let i = 0; i < 20; i++) step(es, i);
    const js = await EvolvingSvd.load(es.save(), { backend: "js" });
    expect(bits(js.singularValues())).toEqual(bits(es.singularValues()));
    for (let i = 20; i < 30; i++) {
      step(es, i);
      step(js, i);
    }
    const a = es.singularValues(), b = js.singularValues();
    for (let i = 0; i < 4; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-10 * a[0]);
  });

  it("an object from fromFactors (no kept matrix) round-trips; save refuses while an asynchronous call runs", async () => {
    const src = await EvolvingSvd.create(sparseRandom(40, 30, 0.25, 3), { rank: 4, backend: "js", seed: 2 });
    const es = await EvolvingSvd.fromFactors(src.factors(), { method: "deng-rpi", backend: "wasm" });
    for (let i = 0; i < 10; i++) step(es, i);
    const again = await EvolvingSvd.load(JSON.stringify(es.save()));
    expect(again.matrix()).toBeNull();
    for (let i = 10; i < 20; i++) {
      step(es, i);
      step(again, i);
    }
    expectSame(es, again);
    const pending = es.addRowsAsync(sparseRandom(3, es.cols, 0.5, 9));
    expect(() => es.save()).toThrow(/still running/);
    expect(() => es.toBytes()).toThrow(/still running/);
    await pending;
    expect(es.save().kind).toBe("evolving-svd");
  });

  it("toBytes is smaller than the JSON text and round-trips the save", async () => {
    const es = await EvolvingSvd.create(sparseRandom(300, 200, 0.05, 4), { rank: 8, method: "auto", backend: "js" });
    for (let i = 0; i < 10; i++) step(es, i);
    const bytes = es.toBytes(), text = JSON.stringify(es.save());
    expect(bytes.length).toBeLessThan(0.8 * text.length);
    expect(JSON.stringify((await EvolvingSvd.fromBytes(bytes)).save())).toBe(text);
  });

  it("refuses damaged saves with the code of what is wrong, and a format from the future", async () => {
    const es = await EvolvingSvd.create(sparseRandom(30, 20, 0.3, 5), { rank: 3, method: "auto", backend: "js" });
    for (let i = 0; i < 6; i++) step(es, i);
    const good = es.save();
    const edit = (f: (d: Record<string, any>) => void): SavedEvolvingSvd => {
      const s = structuredClone(good) as SavedEvolvingSvd & { data: Record<string, any> };
      f(s as unknown as Record<string, any>);
      return s;
    };
    const f64 = (xs: number[]) => ({ $typed: "Float64Array", base64: Buffer.from(new Float64Array(xs).buffer).toString("base64") });
    const cases: [string, unknown, string][] = [
      ["future version", edit((s) => { s.version = EVOLVING_FORMAT_VERSION + 1; }), "INVALID_ARGUMENT"],
      ["version 0", edit((s) => { s.version = 0; }), "INVALID_ARGUMENT"],
      ["other kind", edit((s) => { s.kind = "svd"; }), "INVALID_ARGUMENT"],
      ["no data", edit((s) => { delete s.data; }), "INVALID_ARGUMENT"],
      ["no U", edit((s) => { delete s.data.U; }), "INVALID_ARGUMENT"],
      ["U.P too short", edit((s) => { s.data.U.P = f64([0.5, 0.5]); }), "SHAPE"],
      ["s with NaN", edit((s) => { s.data.s = f64([1, NaN, 0]); }), "NON_FINITE"],
      ["s as a plain array", edit((s) => { s.data.s = [1, 1, 0]; }), "INVALID_ARGUMENT"],
      ["negative s", edit((s) => { s.data.s = f64([1, -1, 0]); }), "INVALID_ARGUMENT"],
      ["corrupt base64", edit((s) => { s.data.V.K.base64 = "@@@"; }), "INVALID_ARGUMENT"],
      ["unknown method", edit((s) => { s.data.method = "svd"; }), "INVALID_ARGUMENT"],
      ["approximate method under auto", edit((s) => { s.data.method = "deng-gkl"; }), "INVALID_ARGUMENT"],
      ["k differs from rank", edit((s) => { s.data.k = 2; }), "INVALID_ARGUMENT"],
      ["unknown option", edit((s) => { s.data.options.ranks = 3; }), "INVALID_ARGUMENT"],
      ["bad option value", edit((s) => { s.data.options.dropTol = 5; }), "INVALID_ARGUMENT"],
      ["negative count", edit((s) => { s.data.counts.updates = -1; }), "INVALID_ARGUMENT"],
      ["rng all zero", edit((s) => { s.data.rng.s = { $typed: "Uint32Array", base64: Buffer.alloc(16).toString("base64") }; }), "INVALID_ARGUMENT"],
      ["kept of another shape", edit((s) => { s.data.kept.rows += 1; }), "SHAPE"],
      ["kept entry outside", edit((s) => { s.data.kept.pending.r = { $typed: "Int32Array", base64: Buffer.from(new Int32Array(s.data.kept.pending.v ? decodeLen(s.data.kept.pending.v) : 0).fill(9999).buffer).toString("base64") }; }), "INDEX"],
      ["decision of unknown choice", edit((s) => { s.data.decisions[0].choice = "guess"; }), "INVALID_ARGUMENT"],
      ["not JSON", "{not json", "INVALID_ARGUMENT"],
      ["null", null, "INVALID_ARGUMENT"],
    ];
    for (const [what, bad, code] of cases) {
      const e = await EvolvingSvd.load(bad as SavedEvolvingSvd).then(() => null, (x: { code?: string; message: string }) => x);
      expect(e?.code, what).toBe(code);
    }
    const future = await EvolvingSvd.load(edit((s) => { s.version = 99; })).catch((x: Error) => x);
    expect((future as Error).message).toContain("upgrade @lowrank/svd-update");
    await expectCode(() => EvolvingSvd.load(good, { backend: "gpu" as "js" }), "INVALID_ARGUMENT");
    const bytes = es.toBytes();
    await expectCode(() => EvolvingSvd.fromBytes(bytes.subarray(0, bytes.length - 9)), "INVALID_ARGUMENT");
    const wrongMagic = bytes.slice();
    wrongMagic[0] ^= 1;
    await expectCode(() => EvolvingSvd.fromBytes(wrongMagic), "INVALID_ARGUMENT");
    await expectCode(() => EvolvingSvd.fromBytes("bytes" as unknown as Uint8Array), "INVALID_ARGUMENT");
    // The header is JSON: a version from the future is refused with the upgrade hint, as for load.
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true)));
    expect(header).toContain(`"version":${EVOLVING_FORMAT_VERSION}`);
    const newer = bytes.slice();
    newer.set(new TextEncoder().encode(header.replace(`"version":${EVOLVING_FORMAT_VERSION}`, '"version":9')), 8);
    const e = await EvolvingSvd.fromBytes(newer).catch((x: { code: string; message: string }) => x);
    expect((e as { code: string }).code).toBe("INVALID_ARGUMENT");
    expect((e as { message: string }).message).toContain("upgrade @lowrank/svd-update");
    // The good save still loads after all that.
    expect((await EvolvingSvd.load(good)).stats).toEqual(es.stats);
  });
});

/** Entries of an encoded Float64Array. */
function decodeLen(e: { base64: string }): number {
  return Buffer.from(e.base64, "base64").length / 8;
}
