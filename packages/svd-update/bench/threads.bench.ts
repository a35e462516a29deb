// Threads: truncatedSvd (default Lanczos method, rank 16) of the SpamAssassin
// tf-idf matrix on 1 thread vs 2 threads (the calling thread and one worker of
// the pool), alternated in one process, medians. The two results have the
// same bits (test/threads.test.ts; checked here too). Best WASM variant. Run
// by tools/bench/run.mjs (see its README).
import { loadavg } from "node:os";
import { hasRelaxedSimd, stopThreads } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { init, truncatedSvd, type TruncatedSvdOptions } from "../src/index.js";
import { note, pick, quick, row, skip } from "../../../tools/bench/lib.mjs";
import { referenceMatrix, type ReferenceName } from "../test/reference-matrices.js";

const relaxed = hasRelaxedSimd();
const { threads } = await init({ variant: relaxed ? "relaxed-simd" : "simd", threads: 2 });
const load0 = loadavg()[0];
const ROUNDS = quick ? 1 : 9;

/** Median ms of truncatedSvd on 1 and on 2 threads, the calls alternated (a burst of load elsewhere hits both alike). */
async function sideBySide(A: Parameters<typeof truncatedSvd>[0], opts: TruncatedSvdOptions) {
  const ms: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const first = await truncatedSvd(A, { ...opts, threads: 1 });
  await truncatedSvd(A, { ...opts, threads: 2 });
  let same = true;
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of [1, 2] as const) {
      const t0 = performance.now();
      const out = await truncatedSvd(A, { ...opts, threads: t });
      ms[t].push(performance.now() - t0);
      same &&= out.s.every((v, i) => Object.is(v, first.s[i])) && out.U.data.every((v, i) => Object.is(v, first.U.data[i]));
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  return { one: med(ms[1]), two: med(ms[2]), same, iterations: first.iterations };
}

if (threads < 2) skip("truncatedSvd 2 threads", "the pool could not start a second thread here");
else {
  const cases: [ReferenceName, number][] = pick([["spam", 16], ["sotu-paragraph", 16]], [["sotu-address", 8]]);
  for (const [name, k] of cases) {
    const A = referenceMatrix(name);
    const { one, two, same, iterations } = await sideBySide(A, { rank: k });
    const cell = (ms: number) => ({ simd: relaxed ? null : ms, relaxed: relaxed ? ms : null });
    const size = `${A.rows}×${A.cols}, nnz ${A.indptr[A.rows]}`;
    row({ case: `truncatedSvd ${name}, rank ${k}, 1 thread`, size, ts: null, ...cell(one), extra: { threads: 1, restarts: iterations } });
    row({
      case: `truncatedSvd ${name}, rank ${k}, 2 threads`, size, ts: null, ...cell(two),
      extra: { threads: 2, "2 threads vs 1": `${(one / two).toFixed(2)}x`, "same bits": same ? "yes" : "NO" },
    });
  }
}
const p = threadPool();
note(
  `Threads: truncatedSvd (Lanczos, tol 1e-10) with threads: 1 (the calling thread, the single-thread module) and threads: 2 (the calling thread and one pool worker: ` +
    `the sparse products, the transpose of a wide matrix, the scan of its values, the reorthogonalisation, the restarts' gemm and the final step ` +
    `(spmm, CholeskyQR Grams, Ritz vectors) split into pieces fixed by the shape), alternated ${ROUNDS} times, medians. ` +
    `Load average (1 min) ${load0.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end: other work on the machine lowers the 2-thread column first.` +
    (p && p.stats.tasks > 0 ? ` The caller ran ${p.stats.callerTasks} of the ${p.stats.tasks} tasks, the worker the rest.` : ""),
);
stopThreads();
