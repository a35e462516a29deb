// EvolvingSvd.create on the SpamAssassin tf-idf matrix at rank 16: time and
// the largest relative error of σ_1..σ_16 against the scipy svds values in
// test/data/spam.json, for the default initial SVD and the randomized one.
// Best of 3 runs after a warm-up. Run: npx tsx bench/create-accuracy.ts
import { readFileSync } from "node:fs";
import { EvolvingSvd, init, type EvolvingSvdOptions } from "../src/index.js";
import { referenceMatrix } from "../test/reference-matrices.js";

await init();
const A = referenceMatrix("spam");
const ref: number[] = JSON.parse(readFileSync(new URL("../test/data/spam.json", import.meta.url), "utf8")).s16;
const cases: [string, EvolvingSvdOptions][] = [
  ["default", { rank: 16 }],
  ["randomized", { rank: 16, oversample: 10, powerIters: 4 }],
];
for (const [name, opts] of cases) {
  let best = Infinity, err = NaN;
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    const es = await EvolvingSvd.create(A, opts);
    const ms = performance.now() - t0;
    if (r > 0) best = Math.min(best, ms);
    const s = es.singularValues();
    err = 0;
    for (let i = 0; i < 16; i++) err = Math.max(err, Math.abs(s[i] - ref[i]) / ref[i]);
  }
  console.log(`${name}: ${best.toFixed(0)} ms, max rel err of σ ${err.toExponential(2)}`);
}
