// Threads: exact leverage scores of a 1e6 x 50 matrix on 1 thread vs 2 threads
// (the calling thread and one worker of the pool), side by side in one process,
// with numpy's QR-based leverage scores on one thread (OpenBLAS,
// OPENBLAS_NUM_THREADS=1) measured in the same run when /usr/bin/python3 has
// numpy (the column is left out otherwise). Best WASM variant. Run by
// tools/bench/run.mjs (see its README).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { hasRelaxedSimd, Rng, stopThreads, type DenseMatrix } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { init, leverageScores } from "../src/index.js";
import { measure, note, pick, quick, row, skip } from "../../../tools/bench/lib.mjs";

const relaxed = hasRelaxedSimd();
const { threads } = await init({ variant: relaxed ? "relaxed-simd" : "simd", threads: 2 });
const [n, d] = pick([1000000, 50], [20000, 12]);
const rng = new Rng(4);
const A: DenseMatrix = { rows: n, cols: d, data: rng.fillNormal(new Float64Array(n * d)) };

const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const python = spawnSync("/usr/bin/python3", ["-c", "import numpy"], { encoding: "utf8", env }).status === 0;
// Median ms of the same algorithm in numpy: R from LAPACK's Householder QR (dgeqrf, mode "r"), then the squared
// row norms of A R⁻¹ (one GEMM). Forming Q (dorgqr) instead was 4x slower here.
const NUMPY = `
import sys, time, numpy as np
n, d, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
a = np.random.default_rng(1).standard_normal((n, d))
def lev(a):
    r = np.linalg.qr(a, mode="r")
    b = a @ np.linalg.inv(r)
    return np.einsum("ij,ij->i", b, b)
t = []
for _ in range(runs):
    s = time.perf_counter(); lev(a); t.append((time.perf_counter() - s) * 1e3)
t.sort(); print(t[len(t) // 2])
`;

function numpyMs(): number | null {
  if (!python) return null;
  const out = spawnSync("/usr/bin/python3", ["-c", NUMPY, String(n), String(d), quick ? "1" : "3"], { encoding: "utf8", env });
  return out.status === 0 ? Number(out.stdout.trim()) : null;
}

const load0 = loadavg()[0];
const ROUNDS = quick ? 1 : 2;
const opts = { warmup: 1, runs: 5, minTimeMs: 0 };
// Alternate the two so that a burst of load elsewhere hits both alike; keep each one's best median.
let one = Infinity, two = Infinity;
for (let round = 0; round < ROUNDS; round++) {
  one = Math.min(one, measure(() => leverageScores(A, { threads: 1 }), opts).median);
  two = Math.min(two, measure(() => leverageScores(A, { threads: 2 }), opts).median);
}
// CPU time of one call (process.cpuUsage: every thread of the process, so the 2-thread figure adds both threads'
// work): about the 1-thread one when splitting costs nothing, whatever share of the machine the process gets.
const cpuMs = (threads: number): number => {
  const c0 = process.cpuUsage();
  leverageScores(A, { threads });
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const cpu1 = Math.min(cpuMs(1), cpuMs(1)), cpu2 = Math.min(cpuMs(2), cpuMs(2));
/** CPU ms of the calling thread alone over one call (Linux: /proc/self/schedstat is the main thread's), or null. */
const callerMs = (threads: number): number | null => {
  const read = (): number | null => {
    try {
      return Number(readFileSync("/proc/self/schedstat", "utf8").split(" ")[0]) / 1e6;
    } catch {
      return null;
    }
  };
  const c0 = read();
  leverageScores(A, { threads });
  const c1 = read();
  return c0 === null || c1 === null ? null : c1 - c0;
};
const own = (threads: number): string => {
  const t = [callerMs(threads), callerMs(threads)].filter((x): x is number => x !== null);
  return t.length ? `${Math.min(...t).toFixed(0)} ms` : "n/a";
};
const own1 = own(1), own2 = own(2);
const np = numpyMs();
const flops = 3 * n * d * d;
const cell = (ms: number) => ({ simd: relaxed ? null : ms, relaxed: relaxed ? ms : null });
const size = `${n}×${d}`;
const anchor = { anchor: np, anchorName: "numpy QR + A R⁻¹, 1 thread" };
row({ case: "leverageScores qr, 1 thread", size, ts: null, ...cell(one), ...anchor, flops, extra: { threads: 1, "CPU time": `${cpu1.toFixed(0)} ms`, "calling thread CPU": own1 } });
row({
  case: "leverageScores qr, 2 threads",
  size,
  ts: null,
  ...cell(two),
  ...anchor,
  flops,
  extra: { threads: 2, "2 threads vs 1": `${(one / two).toFixed(2)}x`, "CPU time": `${cpu2.toFixed(0)} ms (both threads)`, "calling thread CPU": own2 },
});
if (!python) skip("numpy leverage scores", "/usr/bin/python3 with numpy not found");
const p = threadPool();
/** Linux's autogroup scheduling gives each session, not each thread, a share of the CPU: under load a second thread adds little. */
function autogroup(): boolean {
  try {
    return readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim() === "1";
  } catch {
    return false;
  }
}
note(
  `Threads: leverageScores(A) (exact, A standard normal) with threads: 1 (the single-thread module) and threads: 2 (the calling thread and one pool worker; the pool had ${threads} threads), ` +
    `alternated ${ROUNDS === 1 ? "once" : `${ROUNDS} times, best of the medians each`}. With threads A is copied into the pool's WASM memory once: the calling thread copies its first sixteenth, ` +
    "then the rest while the pool folds the first part's 2048-row blocks into 8 lanes' R factors (one task per lane), then the rest's lanes, then the row norms split by 1024 rows; " +
    "the scores are bit-identical to the 1-thread ones (test/threads.test.ts). " +
    "CPU time: process.cpuUsage over one call (best of 2), all threads of the process together; the wall-clock ratio is CPU-bound only on an otherwise idle machine. " +
    "Calling thread CPU: that thread's own CPU time over one call (best of 2; Linux schedstat), a lower bound on the call's wall time that load elsewhere inflates little (on an idle machine the 2-thread call takes about this long). " +
    "numpy: R = np.linalg.qr(A, mode='r'), then the squared row norms of A R⁻¹ (median of 3, no warm-up), OPENBLAS_NUM_THREADS=1. " +
    `Load average (1 min) ${load0.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end: other work on the machine lowers the 2-thread column first` +
    (autogroup() ? " (sched_autogroup_enabled = 1: the process's threads share its session's CPU share with each other)." : ".") +
    (p && p.stats.tasks > 0 ? ` The caller ran ${p.stats.callerTasks} of the ${p.stats.tasks} tasks, the worker the rest.` : ""),
);
stopThreads();
