// truncatedSvd's default method (Lanczos, tol 1e-10) against scipy's svds
// (ARPACK, its default tol 0 = machine precision) on the four reference
// matrices at ranks 16 and 50, one thread each, alternated in one session:
// each round runs lowrank's Lanczos, svds with singular vectors (as
// truncatedSvd returns them), svds for the values only (a Python process kept
// open, bench/svds.py --serve, timed inside Python) and lowrank's randomized
// method (its defaults) once, in that order; medians over the rounds. Errors: max_i
// |σ_i − σ_i(ref)| / σ_i(ref) against svds with tol 1e-12 (test/data).
// Prints a markdown table. Run from packages/svd-update:
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx bench/svds-compare.ts
// (ROUNDS=5 by default; CASES=spam:16,sotu-paragraph:50 runs only those).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { hasRelaxedSimd, writeMatrixMarket } from "@lowrank/linalg";
import { init, svdResiduals, truncatedSvd } from "../src/index.js";
import { referenceMatrix, type ReferenceName } from "../test/reference-matrices.js";

const here = new URL(".", import.meta.url).pathname;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const relaxed = hasRelaxedSimd();
await init({ variant: relaxed ? "relaxed-simd" : "simd", threads: 1 });
if (spawnSync("/usr/bin/python3", ["-c", "import numpy, scipy"]).status !== 0) throw new Error("needs /usr/bin/python3 with numpy and scipy");
const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;

const median = (x: number[]) => {
  const y = [...x].sort((a, b) => a - b), h = y.length >> 1;
  return y.length % 2 ? y[h] : (y[h - 1] + y[h]) / 2;
};
const maxRelErr = (s: ArrayLike<number>, ref: number[]) => Math.max(...ref.map((r, i) => Math.abs(s[i] - r) / r));

/** A Python process holding A, answering "k tol" with one svds run. */
async function svdsServer(file: string) {
  const py = spawn("/usr/bin/python3", [join(here, "svds.py"), "--serve", file], { env, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: py.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string);
  await next();
  return {
    async run(k: number, tol: number, vectors: boolean): Promise<{ ms: number; s: number[] }> {
      py.stdin!.write(`${k} ${tol} ${vectors ? 1 : 0}\n`);
      return next();
    },
    close: () => py.stdin!.end(),
  };
}

const cases: [ReferenceName, number][] = process.env.CASES
  ? process.env.CASES.split(",").map((c) => c.split(":")).map(([n, k]) => [n as ReferenceName, Number(k)])
  : (["synthetic", "spam", "sotu-address", "sotu-paragraph"] as ReferenceName[]).flatMap((n) => [[n, 16], [n, 50]] as [ReferenceName, number][]);

console.log(`variant ${relaxed ? "relaxed-simd" : "simd"}, ${ROUNDS} rounds, load average at start ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
console.log("| matrix | k | lanczos ms | svds ms | lanczos / svds | svds values-only ms | lanczos / values-only | lanczos σ err | lanczos residual | restarts | svds σ err | randomized ms | randomized σ err |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const byMatrix = new Map<ReferenceName, number[]>();
for (const [name, k] of cases) byMatrix.set(name, [...(byMatrix.get(name) ?? []), k]);
for (const [name, ranks] of byMatrix) {
  const A = referenceMatrix(name);
  const ref = JSON.parse(readFileSync(join(here, `../test/data/${name}.json`), "utf8")) as Record<string, number[]>;
  const file = join(tmpdir(), `lowrank-svds-compare-${name}.mtx`);
  writeFileSync(file, writeMatrixMarket(A));
  const py = await svdsServer(file);
  for (const k of ranks) {
    // One untimed call of each first (compilation, caches).
    await truncatedSvd(A, { rank: k });
    await truncatedSvd(A, { rank: k, method: "randomized", seed: 1 });
    await py.run(k, 0, true);
    const lz: number[] = [], sv: number[] = [], sv0: number[] = [], rd: number[] = [];
    let lr = await truncatedSvd(A, { rank: k }), rr = lr, sr = { ms: 0, s: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      lr = await truncatedSvd(A, { rank: k });
      lz.push(performance.now() - t);
      sr = await py.run(k, 0, true);
      sv.push(sr.ms);
      sv0.push((await py.run(k, 0, false)).ms);
      t = performance.now();
      rr = await truncatedSvd(A, { rank: k, method: "randomized", seed: 1 });
      rd.push(performance.now() - t);
    }
    const ml = median(lz), ms = median(sv), ms0 = median(sv0);
    console.log(`| ${name} ${A.rows}×${A.cols} | ${k} | ${ml.toFixed(0)} | ${ms.toFixed(0)} | ${(ml / ms).toFixed(2)} | ${ms0.toFixed(0)} | ${(ml / ms0).toFixed(2)} | ${maxRelErr(lr.s, ref[`s${k}`]).toExponential(1)} | ${Math.max(...svdResiduals(A, lr)).toExponential(1)} | ${lr.iterations} | ${maxRelErr(sr.s, ref[`s${k}`]).toExponential(1)} | ${median(rd).toFixed(0)} | ${maxRelErr(rr.s, ref[`s${k}`]).toExponential(1)} |`);
  }
  py.close();
}
console.log(`load average at end ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
