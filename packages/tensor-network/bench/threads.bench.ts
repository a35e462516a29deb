// Threads: HOOI and CP-ALS of a 200³ tensor on 1 thread vs 2 threads (the
// calling thread and one worker of the pool), side by side in one process,
// best WASM variant. Run by tools/bench/run.mjs (see its README).
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { hasRelaxedSimd, Rng, stopThreads } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { cp, init, tucker, type Tensor } from "../src/index.js";
import { note, pick, quick, row } from "../../../tools/bench/lib.mjs";
import { timeAsync } from "./time-async.js";

const relaxed = hasRelaxedSimd();
const { threads } = await init({ variant: relaxed ? "relaxed-simd" : "simd", threads: 2 });
const load0 = loadavg()[0];

const n = pick(200, 24), r = pick(20, 4);
const shape = [n, n, n];
const X: Tensor = { shape, data: new Rng(1).fillNormal(new Float64Array(n ** 3)) };
const runs = 5, ROUNDS = quick ? 1 : 2;
const cases = [
  { name: `HOOI rank ${r}³, 5 sweeps`, run: (t: number) => tucker(X, { rank: r, method: "hooi", maxIter: 5, tol: 0, threads: t }) },
  { name: `CP-ALS rank ${r}, 5 sweeps`, run: (t: number) => cp(X, { rank: r, maxIter: 5, tol: 0, threads: t }) },
];
/** CPU ms of the calling thread alone over one call, best of 2 (Linux: /proc/self/schedstat is the main thread's), or "n/a". */
async function callerCpu(run: () => Promise<unknown>): Promise<string> {
  const read = (): number | null => {
    try {
      return Number(readFileSync("/proc/self/schedstat", "utf8").split(" ")[0]) / 1e6;
    } catch {
      return null;
    }
  };
  const t: number[] = [];
  for (let i = 0; i < 2; i++) {
    const c0 = read();
    await run();
    const c1 = read();
    if (c0 !== null && c1 !== null) t.push(c1 - c0);
  }
  return t.length ? `${Math.min(...t).toFixed(0)} ms` : "n/a";
}
for (const c of cases) {
  // Alternate the two so that a burst of load elsewhere hits both alike; keep each one's best median.
  let one = Infinity, two = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    one = Math.min(one, await timeAsync(() => c.run(1), runs));
    two = Math.min(two, await timeAsync(() => c.run(2), runs));
  }
  const cell = (ms: number) => ({ simd: relaxed ? null : ms, relaxed: relaxed ? ms : null });
  const own1 = await callerCpu(() => c.run(1)), own2 = await callerCpu(() => c.run(2));
  row({ case: `${c.name}, 1 thread`, size: shape.join("×"), ts: null, ...cell(one), extra: { threads: 1, "calling thread CPU": own1 } });
  row({
    case: `${c.name}, 2 threads`, size: shape.join("×"), ts: null, ...cell(two),
    extra: { threads: 2, "2 threads vs 1": `${(one / two).toFixed(2)}x`, "calling thread CPU": own2 },
  });
}
const p = threadPool();
note(
  `Threads: the same call with threads: 1 (the calling thread) and threads: 2 (the calling thread and one pool worker; the pool had ${threads} threads), ` +
    `alternated ${ROUNDS === 1 ? "once" : `${ROUNDS} times, best of the medians each`}; a run on the pool holds the threaded instance from its start to its end (the tensor is copied in once, as on one thread; ` +
    "the scan for extreme magnitudes and the norm are one pass in 64 Ki-entry pieces, one task each; HOOI runs each mode's eigenproblem as one task beside the tiles of the next mode's first product). " +
    "Calling thread CPU: that thread's own CPU time over one call (best of 2; Linux schedstat), a lower bound on the call's wall time that load elsewhere inflates little. " +
    `The results are bit-identical (test/threads.test.ts). Load average (1 min) ${load0.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end.` +
    (p && p.stats.tasks > 0 ? ` The caller ran ${p.stats.callerTasks} of the ${p.stats.tasks} tasks, the worker the rest.` : ""),
);
stopThreads();
