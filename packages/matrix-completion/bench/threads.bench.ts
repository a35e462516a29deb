// Threads: an ALS fit of 1e6 ratings at k = 32 on 1 thread and on 2 threads
// (the calling thread and one worker of the pool), side by side in one
// process, alternated so that load elsewhere on the machine hits both alike.
// The data: MovieLens-1M's shape (6040 x 3706, 1e6 ratings), a rank-8 taste
// signal plus noise on a 1-5 scale, item popularity skewed (a power law) as
// in real ratings. Best WASM variant. Run by tools/bench/run.mjs.
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { hasRelaxedSimd, Rng, stopThreads } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { complete, init, type CompleteOptions, type Observations } from "../src/index.js";
import { note, pick, quick, row } from "../../../tools/bench/lib.mjs";

/** nnz distinct ratings of an n x m matrix: item j drawn with weight (j + 10)^-0.8, users uniform. */
function ratings(n: number, m: number, nnz: number, seed: number): Observations {
  const rng = new Rng(seed), r = 8;
  const U = rng.fillNormal(new Float64Array(n * r)), V = rng.fillNormal(new Float64Array(m * r));
  const cdf = new Float64Array(m);
  for (let j = 0, s = 0; j < m; j++) cdf[j] = s += (j + 10) ** -0.8;
  const item = () => {
    const u = rng.uniform() * cdf[m - 1];
    let lo = 0, hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const seen = new Uint8Array(n * m);
  const rowIndex = new Int32Array(nnz), colIndex = new Int32Array(nnz), values = new Float64Array(nnz);
  for (let q = 0; q < nnz; ) {
    const i = rng.int(n), j = item();
    if (seen[i * m + j]) continue;
    seen[i * m + j] = 1;
    let s = 0;
    for (let t = 0; t < r; t++) s += U[i * r + t] * V[j * r + t];
    rowIndex[q] = i;
    colIndex[q] = j;
    values[q++] = Math.min(5, Math.max(1, Math.round(3.5 + 0.4 * s + 0.8 * rng.normal())));
  }
  return { rows: n, cols: m, rowIndex, colIndex, values };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const relaxed = hasRelaxedSimd();
const { threads: poolThreads } = await init({ variant: relaxed ? "relaxed-simd" : "simd", threads: 2 });
const [n, m, nnz] = pick([6040, 3706, 1_000_000], [300, 200, 20_000]);
const k = pick(32, 8);
const iters = pick(20, 2); // complete's default maxIter for als (tol 0 runs them all)
const obs = ratings(n, m, nnz, 11);
const opts: CompleteOptions = { rank: k, lambda: 0.05, maxIter: iters, tol: 0 };
const load0 = loadavg()[0];

interface Fit {
  total: number;
  iteration: number;
  /** The process's CPU ms over the fit (every thread), and the median over its iterations after the first. */
  cpu: number;
  cpuIteration: number;
  /** CPU ms of the calling thread and of the busiest other thread (the pool's worker) over the fit, where known. */
  caller: number | null;
  other: number | null;
}

/** CPU ms of each thread of this process (Linux: /proc/self/task, 10 ms ticks), or null elsewhere. */
function threadCpu(): Map<string, number> | null {
  try {
    const out = new Map<string, number>();
    for (const t of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(t, (Number(f[11]) + Number(f[12])) * 10);
    }
    return out;
  } catch {
    return null;
  }
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One fit: its wall-clock ms, the median ms of its iterations after the first, and CPU ms likewise. */
async function fitMs(threads: number): Promise<Fit> {
  const perIteration: number[] = [];
  const th0 = threadCpu();
  const c0 = cpuNow(), t0 = performance.now();
  let last = c0;
  const model = await complete(obs, {
    ...opts, threads,
    onProgress: () => {
      const now = cpuNow();
      perIteration.push(now - last);
      last = now;
    },
  });
  const total = performance.now() - t0, cpu = cpuNow() - c0, th1 = threadCpu();
  let caller: number | null = null, other: number | null = null;
  if (th0 && th1) {
    caller = (th1.get(String(process.pid)) ?? 0) - (th0.get(String(process.pid)) ?? 0);
    other = 0;
    for (const [t, ms] of th1) if (t !== String(process.pid)) other = Math.max(other, ms - (th0.get(t) ?? 0));
  }
  return { total, iteration: median(model.history.slice(1).map((h) => h.ms)), cpu, cpuIteration: median(perIteration.slice(1)), caller, other };
}

await fitMs(2); // warm-up: both paths' code tiers up
const ROUNDS = pick(3, 1);
const one: Fit[] = [], two: Fit[] = [];
for (let round = 0; round < ROUNDS; round++) {
  one.push(await fitMs(1));
  two.push(await fitMs(2));
}
const t1 = median(one.map((x) => x.total)), t2 = median(two.map((x) => x.total));
const i1 = median(one.map((x) => x.iteration)), i2 = median(two.map((x) => x.iteration));
const c1 = median(one.map((x) => x.cpu)), c2 = median(two.map((x) => x.cpu));
// CPU time is what load elsewhere disturbs least: the share of the one-thread fit spent in its iterations (the parallel
// passes, plus a negligible penalty term), and the whole fit's speed-up on two free cores if those passes halve (Amdahl).
const inIterations = Math.min(1, (iters * median(one.map((x) => x.cpuIteration))) / c1);
const bound = 1 / (1 - inIterations + inIterations / 2);
// Per-thread CPU (Linux): how evenly the 2-thread fit's work falls on its two threads.
const med = (xs: (number | null)[]) => (xs.every((x) => x !== null) ? median(xs as number[]) : null);
const caller2 = med(two.map((x) => x.caller)), worker2 = med(two.map((x) => x.other));
const perThread: Record<string, string> = caller2 !== null && worker2 !== null
  ? { "CPU caller / worker (s)": `${(caller2 / 1000).toFixed(2)} / ${(worker2 / 1000).toFixed(2)}` }
  : {};
const cell = (ms: number) => ({ simd: relaxed ? null : ms, relaxed: relaxed ? ms : null });
const size = `${n}×${m}, |Ω| = ${nnz.toExponential(0)}, k = ${k}, ${iters} iterations`;
row({ case: "als fit, 1 thread", size, ts: null, ...cell(t1), extra: {
  threads: 1, "ms / iteration": +i1.toFixed(1), "CPU s": +(c1 / 1000).toFixed(2),
  "CPU in iterations": `${(100 * inIterations).toFixed(1)}% (2-core bound ${bound.toFixed(2)}x)`,
} });
row({
  case: "als fit, 2 threads",
  size,
  ts: null,
  ...cell(t2),
  extra: { threads: 2, "ms / iteration": +i2.toFixed(1), "CPU s": +(c2 / 1000).toFixed(2), ...perThread, "2 threads vs 1": `${(t1 / t2).toFixed(2)}x (iterations ${(i1 / i2).toFixed(2)}x)` },
});
const p = threadPool();
note(
  `Threads: complete() with method "als", lambda 0.05, biases, ${iters} iterations, threads: 1 and threads: 2 (the pool had ${poolThreads}), ` +
    `${ROUNDS} fits each alternated after one warm-up fit, medians of the whole call (indexing, copies and the model included) and of the iterations after the first. ` +
    "The 2-thread result is bit-identical to the 1-thread one (test/threads.test.ts). CPU s: the process's CPU time per fit, all threads " +
    "(what the second thread adds in waiting and waking; on a machine with a core free for it the 2-thread fit takes about its share of that). " +
    "CPU in iterations: the share of the 1-thread fit's CPU time spent in its iterations (the passes that split) and the whole fit's Amdahl bound on two cores. " +
    "CPU caller / worker: each thread's CPU time over the 2-thread fit (Linux): how evenly the work splits. " +
    `Load average (1 min) ${load0.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end: other work on the machine lowers the 2-thread column first.` +
    (p && p.stats.tasks > 0 && !quick ? ` The caller ran ${p.stats.callerTasks} of the ${p.stats.tasks} tasks, the worker the rest.` : ""),
);
stopThreads();
