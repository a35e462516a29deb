// Tensor decompositions through the public API: TS reference vs the two WASM
// variants, at about 1e6 and 1e7 entries. Run by tools/bench/run.mjs (see
// tools/bench/README.md). TN_BENCH_MAX_ENTRIES=<n> leaves out larger cases
// (a quick look on a shared machine). The decompositions are async: timed by
// time-async.ts (lib.mjs's `time` is synchronous); every call includes
// copying the tensor into WASM memory (an instance leased from the last call).
import { hasRelaxedSimd, Rng, type WasmVariant } from "@lowrank/linalg";
import { cp, init, tensorTrain, tucker, type Tensor } from "../src/index.js";
import { lowRankPlusNoise } from "./tensors.js";
import { note, pick, quick, row } from "../../../tools/bench/lib.mjs";
import { timeAsync } from "./time-async.js";

const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
const maxEntries = Number(process.env.TN_BENCH_MAX_ENTRIES ?? Infinity);


function gaussianTensor(shape: number[], seed: number): Tensor {
  // Gaussian entries: the decompositions' cost does not depend on the values.
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: new Rng(seed).fillNormal(new Float64Array(size)) };
}

interface Case {
  name: string;
  shape: number[];
  run: (backend: "js" | "wasm") => Promise<unknown>;
}

const cubes = pick([[100, 100, 100], [200, 200, 250]], [[12, 12, 12]]);
const trains = pick([[10, 10, 10, 10, 10, 10], [10, 10, 10, 10, 10, 10, 10]], [[4, 4, 4, 4]]);
const R = pick(10, 3);
const cases: Case[] = [];
for (const shape of cubes) {
  const X = gaussianTensor(shape, 1);
  cases.push({ name: `HOSVD rank ${R} (gram)`, shape, run: (backend) => tucker(X, { rank: R, backend }) });
  cases.push({ name: `ST-HOSVD rank ${R} (gram)`, shape, run: (backend) => tucker(X, { rank: R, method: "st-hosvd", backend }) });
  cases.push({ name: `HOOI rank ${R}, 5 sweeps`, shape, run: (backend) => tucker(X, { rank: R, method: "hooi", maxIter: 5, tol: 0, backend }) });
  cases.push({ name: `CP-ALS rank ${R}, 10 sweeps`, shape, run: (backend) => cp(X, { rank: R, maxIter: 10, tol: 0, backend }) });
}
for (const shape of trains) {
  const X = gaussianTensor(shape, 2);
  cases.push({ name: `TT-SVD maxRank ${R} (jacobi)`, shape, run: (backend) => tensorTrain(X, { maxRank: R, unfoldingSvd: "jacobi", backend }) });
  cases.push({ name: `TT-SVD maxRank ${R} (gram)`, shape, run: (backend) => tensorTrain(X, { maxRank: R, unfoldingSvd: "gram", backend }) });
}

// TT-SVD at the sizes of the representative calls: a rank-10 CP tensor plus 1% noise, 60³ (maxRank 10) and 100³ (maxRank 20).
for (const [n, maxRank] of pick([[60, 10], [100, 20]], [[8, 3]])) {
  const X = lowRankPlusNoise(n, 10, 3);
  cases.push({ name: `TT-SVD maxRank ${maxRank}, rank-10 + noise`, shape: [n, n, n], run: (backend) => tensorTrain(X, { maxRank, backend }) });
}

const results = new Map<Case, { ts: number; simd: number | null; relaxed: number | null }>();
const selected = cases.filter((c) => c.shape.reduce((a, b) => a * b, 1) <= maxEntries);
// Case by case, TS then each WASM variant, so that the load of a shared machine drifts as little as
// possible between the numbers of one row (init switches the shared instance; modules are cached).
for (const c of selected) {
  // The TS reference runs for seconds at 1e7 entries: one timed call there.
  const big = c.shape.reduce((a, b) => a * b, 1) > 2e6;
  const r = { ts: await timeAsync(() => c.run("js"), big ? 1 : 3, big ? 0 : 1), simd: null as number | null, relaxed: null as number | null };
  for (const variant of variants) {
    await init({ variant });
    const t = await timeAsync(() => c.run("wasm"), 3);
    if (variant === "simd") r.simd = t;
    else r.relaxed = t;
  }
  results.set(c, r);
}
for (const c of selected) {
  const r = results.get(c)!;
  const size = c.shape.reduce((a, b) => a * b, 1);
  row({ case: c.name, size: `${c.shape.join("×")} (${size.toExponential(0)})`, ts: r.ts, simd: r.simd, relaxed: r.relaxed });
}
note("Gaussian tensors (the work does not depend on the values), except the rank-10 + noise rows (CP rank 10 plus 0.01 Gaussian noise). Each call copies the tensor into WASM memory (the instance the previous call handed back); that copy is included.");
note("TS at sizes above 2e6 entries: one timed call; all others: median of 3 after one warm-up. Each row's TS and WASM times are taken one after the other.");
