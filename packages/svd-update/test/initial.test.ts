// EvolvingSvd.create and recompute start from truncatedSvd's Lanczos method by
// default, and from the randomized one when asked (svdMethod / method, or its
// options); the spam check is the accuracy the change was made for.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EvolvingSvd, truncatedSvd } from "../src/index.js";
import { expectCode, sparseRandom } from "./helpers.js";
import { referenceMatrix } from "./reference-matrices.js";

const bits = (x: Float64Array) => Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));

describe("EvolvingSvd's initial SVD", () => {
  const A = sparseRandom(120, 80, 0.1, 11);

  for (const backend of ["js", "wasm"] as const) {
    it(`${backend}: create and recompute give truncatedSvd's factors, Lanczos by default, randomized when asked`, async () => {
      const lz = await truncatedSvd(A, { rank: 6, seed: 3, backend });
      const rnd = await truncatedSvd(A, { rank: 6, seed: 3, backend, method: "randomized" });
      const def = await EvolvingSvd.create(A, { rank: 6, seed: 3, backend });
      expect(bits(def.factors().U.data)).toEqual(bits(lz.U.data));
      expect(bits(def.singularValues())).toEqual(bits(lz.s));
      for (const opts of [{ svdMethod: "randomized" as const }, { powerIters: 4 }, { oversample: 10 }]) {
        const es = await EvolvingSvd.create(A, { rank: 6, seed: 3, backend, ...opts });
        expect(bits(es.factors().V.data)).toEqual(bits(rnd.V.data));
        expect(bits(es.singularValues())).toEqual(bits(rnd.s));
      }
      // The randomized s differs from the converged one in its trailing values; Lanczos matches to rounding.
      const es = await EvolvingSvd.create(A, { rank: 6, seed: 3, backend, svdMethod: "randomized", keepMatrix: true });
      await es.recompute(null, { seed: 3 });
      expect(bits(es.singularValues())).toEqual(bits(lz.s));
      expect(es.stats.recomputes).toBe(1);
      await es.recompute(null, { seed: 3, method: "randomized" });
      expect(bits(es.singularValues())).toEqual(bits(rnd.s));
      await expectCode(() => EvolvingSvd.create(A, { rank: 6, backend, svdMethod: "randomized", basisSize: 20 }), "INVALID_ARGUMENT");
      await expectCode(() => EvolvingSvd.create(A, { rank: 6, backend, svdMethod: "lanczos", powerIters: 2 }), "INVALID_ARGUMENT");
      await expectCode(() => EvolvingSvd.create(A, { rank: 6, backend, svdMethod: "arpack" as "lanczos" }), "INVALID_ARGUMENT");
      await expectCode(() => es.recompute(null, { method: "lanczos", oversample: 5 }), "INVALID_ARGUMENT");
      await expectCode(() => EvolvingSvd.create(A, { rank: 6, backend, maxIter: 1, basisSize: 7, tol: 1e-14 }), "NOT_CONVERGED");
    });
  }

  it("SpamAssassin tf-idf at rank 16: create matches scipy's svds to 1e-8 on every σ", async () => {
    const M = referenceMatrix("spam");
    const ref: number[] = JSON.parse(readFileSync(new URL("./data/spam.json", import.meta.url), "utf8")).s16;
    const s = (await EvolvingSvd.create(M, { rank: 16 })).singularValues();
    for (let i = 0; i < 16; i++) expect(Math.abs(s[i] - ref[i]) / ref[i]).toBeLessThan(1e-8);
  }, 60_000);
});
