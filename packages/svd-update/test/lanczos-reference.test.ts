// The default truncatedSvd against scipy's svds (ARPACK, tol 1e-12) on the
// synthetic masked rank-16 matrix and the SpamAssassin and SOTU tf-idf
// matrices (test/data/*.json, made by test/data/make-reference.ts and
// reference.py): every σ_i to 1e-8 relative and every residual
// sqrt(‖A v_i − σ_i u_i‖² + ‖Aᵀ u_i − σ_i v_i‖²) ≤ 1e-8 σ_1, at rank 16 and 50
// (about 6 s of solving plus 10 s of loading the corpora).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { init, svdResiduals, truncatedSvd } from "../src/index.js";
import { REFERENCE_NAMES, referenceMatrix } from "./reference-matrices.js";

describe("truncatedSvd (lanczos) matches scipy svds on the reference matrices", () => {
  for (const name of REFERENCE_NAMES) {
    it(`${name}: rank 16 and 50`, async () => {
      await init();
      const ref = JSON.parse(readFileSync(new URL(`./data/${name}.json`, import.meta.url), "utf8")) as Record<string, number[]>;
      const A = referenceMatrix(name);
      for (const k of [16, 50]) {
        const r = await truncatedSvd(A, { rank: k });
        const want = ref[`s${k}`];
        for (let i = 0; i < k; i++) expect(Math.abs(r.s[i] - want[i]) / want[i], `${name} rank ${k}: σ_${i + 1}`).toBeLessThan(1e-8);
        const res = svdResiduals(A, r);
        expect(Math.max(...res), `${name} rank ${k}: residual`).toBeLessThan(1e-8);
      }
    }, 120_000);
  }
});
