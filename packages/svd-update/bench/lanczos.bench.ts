// truncatedSvd's default method (thick-restart Golub-Kahan-Lanczos, tol
// 1e-10) against scipy's svds (ARPACK on AᵀA or AAᵀ, default tol = machine
// precision) on the matrices of test/lanczos-reference.test.ts, one thread
// each, with the randomized method (its defaults: oversample 10, 4 power
// iterations) beside them. Errors are max_i |σ_i − σ_i(ref)| / σ_i(ref)
// against the svds tol-1e-12 values in test/data; residuals are
// svdResiduals' max over i. Best WASM variant; best of 3 runs (after a
// warm-up) for every solver. scipy is run with /usr/bin/python3 when numpy
// and scipy import there (skipped otherwise). Run by tools/bench/run.mjs.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasRelaxedSimd, writeMatrixMarket } from "@lowrank/linalg";
import { init, svdResiduals, truncatedSvd, type TruncatedSvdOptions } from "../src/index.js";
import { note, pick, quick, row, skip } from "../../../tools/bench/lib.mjs";
import { referenceMatrix, type ReferenceName } from "../test/reference-matrices.js";

const relaxed = hasRelaxedSimd();
// One thread, as ARPACK runs here (bench/threads.bench.ts has the 2-thread comparison).
await init({ variant: relaxed ? "relaxed-simd" : "simd", threads: 1 });
const RUNS = quick ? 1 : 3;
const here = new URL(".", import.meta.url).pathname;
const python = spawnSync("/usr/bin/python3", ["-c", "import numpy, scipy"], { encoding: "utf8" }).status === 0;
const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;

function maxRelErr(s: ArrayLike<number>, ref: number[]): number {
  let e = 0;
  for (let i = 0; i < ref.length; i++) e = Math.max(e, Math.abs(s[i] - ref[i]) / ref[i]);
  return e;
}

async function best(opts: TruncatedSvdOptions, A: Parameters<typeof truncatedSvd>[0]) {
  let r = await truncatedSvd(A, opts);
  let ms = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    r = await truncatedSvd(A, opts);
    ms = Math.min(ms, performance.now() - t);
  }
  return { r, ms };
}

// LANCZOS_CASES=spam:50,sotu-paragraph:50 runs only those.
const only = process.env.LANCZOS_CASES?.split(",").map((c) => c.split(":")) as [ReferenceName, string][] | undefined;
const cases: [ReferenceName, number[]][] = only
  ? only.map(([name, k]) => [name, [Number(k)]])
  : pick(
    [["synthetic", [16, 50]], ["spam", [16, 50]], ["sotu-address", [16, 50]], ["sotu-paragraph", [16, 50]]],
    [["sotu-address", [16]]],
  );
for (const [name, ranks] of cases) {
  const A = referenceMatrix(name);
  const ref = JSON.parse(readFileSync(join(here, `../test/data/${name}.json`), "utf8")) as Record<string, number[]>;
  const file = join(tmpdir(), `lowrank-lanczos-${name}.mtx`);
  if (python) writeFileSync(file, writeMatrixMarket(A));
  for (const k of ranks) {
    const lz = await best({ rank: k }, A);
    const rnd = await best({ rank: k, method: "randomized", seed: 1 }, A);
    const extra: Record<string, string> = {
      "lanczos err / residual": `${maxRelErr(lz.r.s, ref[`s${k}`]).toExponential(1)} / ${Math.max(...svdResiduals(A, lz.r)).toExponential(1)} (${lz.r.iterations} restarts)`,
      "randomized ms": rnd.ms.toFixed(0),
      "randomized err / residual": `${maxRelErr(rnd.r.s, ref[`s${k}`]).toExponential(1)} / ${Math.max(...rnd.r.residuals).toExponential(1)}`,
    };
    let svdsMs: number | null = null;
    if (python) {
      const out = spawnSync("/usr/bin/python3", [join(here, "svds.py"), file, String(k), String(RUNS + 1)], { encoding: "utf8", env });
      if (out.status === 0) {
        const j = JSON.parse(out.stdout) as { ms: number; s: number[] };
        svdsMs = j.ms;
        extra["svds err"] = maxRelErr(j.s, ref[`s${k}`]).toExponential(1);
        extra["lanczos / svds"] = (lz.ms / j.ms).toFixed(2);
      } else skip(`${name} rank ${k} svds`, out.stderr.slice(-200));
    }
    row({
      case: `${name}, rank ${k}`,
      size: `${A.rows}×${A.cols}, nnz ${A.indptr[A.rows]}`,
      ts: null,
      simd: relaxed ? null : lz.ms,
      relaxed: relaxed ? lz.ms : null,
      anchor: svdsMs,
      anchorName: "scipy svds (ARPACK)",
      extra,
    });
  }
}
if (!python) skip("scipy svds", "/usr/bin/python3 with numpy and scipy not found");
note(
  "truncatedSvd default (lanczos, tol 1e-10, default basis size) vs scipy.sparse.linalg.svds (ARPACK, tol 0), one thread each (OPENBLAS_NUM_THREADS=1), best of 3 after a warm-up. " +
    "Errors: max relative error of σ_1..σ_k against svds with tol 1e-12 (test/data); residual: max_i sqrt(‖Av_i − σ_i u_i‖² + ‖Aᵀu_i − σ_i v_i‖²)/σ_1. " +
    "randomized: method \"randomized\" with its defaults (oversample 10, powerIters 4), its residual as returned in `residuals`.",
);
