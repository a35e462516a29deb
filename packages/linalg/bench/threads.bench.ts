// Threads: GEMM on 1 thread vs 2 threads (the calling thread and one worker
// of the pool), side by side in one process, with numpy's GEMM on one thread
// (OpenBLAS, OPENBLAS_NUM_THREADS=1) measured in the same run when
// /usr/bin/python3 has numpy (the column is left out otherwise). Best WASM
// variant. Run by tools/bench/run.mjs (see its README).
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { gemm, hasRelaxedSimd, init, Rng, stopThreads, type DenseMatrix } from "../src/index.js";
import { arenaBytes, threadPool, withLinalg, type WasmWorkspace } from "../src/internal.js";
import type { LinalgKernels } from "../src/kernels/index.js";
import { measure, note, pick, quick, row, skip } from "../../../tools/bench/lib.mjs";

const relaxed = hasRelaxedSimd();
const { threads } = await init({ variant: relaxed ? "relaxed-simd" : "simd", threads: 2 });
const rng = new Rng(3);
const randn = (rows: number, cols: number): DenseMatrix => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) });

const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
const python = spawnSync("/usr/bin/python3", ["-c", "import numpy"], { encoding: "utf8", env }).status === 0;
// Median ms of A @ B for random n x n matrices, after one warm-up call.
const NUMPY = `
import sys, time, numpy as np
n, runs = int(sys.argv[1]), int(sys.argv[2])
a = np.random.default_rng(1).standard_normal((n, n)); b = np.random.default_rng(2).standard_normal((n, n))
a @ b
t = []
for _ in range(runs):
    s = time.perf_counter(); a @ b; t.append((time.perf_counter() - s) * 1e3)
t.sort(); print(t[len(t) // 2])
`;

function numpyMs(n: number): number | null {
  if (!python) return null;
  const out = spawnSync("/usr/bin/python3", ["-c", NUMPY, String(n), quick ? "1" : "7"], { encoding: "utf8", env });
  return out.status === 0 ? Number(out.stdout.trim()) : null;
}

const load0 = loadavg()[0];
const ROUNDS = quick ? 1 : 2;
for (const n of pick([512, 1024], [64])) {
  const A = randn(n, n), B = randn(n, n);
  const flops = 2 * n ** 3;
  const opts = n >= 1024 ? { warmup: 2, runs: 7, minTimeMs: 0 } : { warmup: 3, runs: 9, minTimeMs: 0 };
  // Alternate the two so that a burst of load elsewhere hits both alike; keep each one's best median.
  let one = Infinity, two = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    one = Math.min(one, measure(() => gemm(A, B, { threads: 1 }), opts).median);
    two = Math.min(two, measure(() => gemm(A, B, { threads: 2 }), opts).median);
  }
  // The kernel alone: inputs already in WASM memory (no copy in, no copy out, no finiteness scan). `blocks`: the
  // fallback partition (256 x 256 blocks of C, each packing its own operands) instead of the packed jobs.
  const kernel = (threads: number, blocks = false) =>
    withLinalg("wasm", arenaBytes(3 * n * n), (ws) => {
      const a = ws.input(A.data), b = ws.input(B.data), c = ws.f64(n * n);
      const instance = (ws as WasmWorkspace<LinalgKernels>).instance;
      if (blocks && instance.tasks) instance.tasks = { ...instance.tasks, has: () => false };
      return measure(() => ws.kernels.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n), opts).median;
    }, threads);
  let k1 = Infinity, k2 = Infinity, kb = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    k1 = Math.min(k1, kernel(1));
    k2 = Math.min(k2, kernel(2));
    kb = Math.min(kb, kernel(2, true));
  }
  const np = numpyMs(n);
  const gf = (ms: number) => (flops / (ms * 1e6)).toFixed(1);
  const cell = (ms: number) => ({ simd: relaxed ? null : ms, relaxed: relaxed ? ms : null });
  row({ case: "gemm, 1 thread", size: `${n}×${n}`, ts: null, ...cell(one), anchor: np, anchorName: "numpy 1 thread (OpenBLAS)", flops, extra: { threads: 1 } });
  row({
    case: "gemm, 2 threads",
    size: `${n}×${n}`,
    ts: null,
    ...cell(two),
    anchor: np,
    anchorName: "numpy 1 thread (OpenBLAS)",
    flops,
    extra: { threads: 2, "2 threads vs 1": `${(one / two).toFixed(2)}x (${gf(one)} → ${gf(two)} GFLOP/s)` },
  });
  row({
    case: "gemm kernel only, 2 threads vs 1",
    size: `${n}×${n}`,
    ts: null,
    ...cell(k2),
    flops,
    extra: { threads: 2, "2 threads vs 1": `${(k1 / k2).toFixed(2)}x (${gf(k1)} → ${gf(k2)} GFLOP/s)` },
  });
  row({
    case: "gemm kernel only, 2 threads vs 1, 256 x 256 blocks packing their own operands (the fallback)",
    size: `${n}×${n}`,
    ts: null,
    ...cell(kb),
    flops,
    extra: { threads: 2, "2 threads vs 1": `${(k1 / kb).toFixed(2)}x (${gf(k1)} → ${gf(kb)} GFLOP/s)` },
  });
}
if (!python) skip("numpy gemm", "/usr/bin/python3 with numpy not found");
const p = threadPool();
note(
  `Threads: gemm with threads: 1 (the single-thread module) and threads: 2 (the calling thread and one pool worker; the pool had ${threads} threads), ` +
    `alternated ${ROUNDS === 1 ? "once" : `${ROUNDS} times, best of the medians each`}. 'gemm' rows time the public call (on 2 threads, copying B in, the input checks and copying out ` +
    `three quarters of the result run on the calling thread while the pool packs and multiplies; copying A in and the last quarter out do not); 'kernel only' rows time the kernel on inputs already in WASM memory: on 2 threads the operands packed once by one job, then C's 128 x 256 pieces multiplied by a second (the last row: the fallback used when the memory has no room for the packed operands, 256 x 256 blocks that each pack their own). The 2-thread result is bit-identical to the 1-thread one (test/threads.test.ts). ` +
    `Load average (1 min) ${load0.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end on ${navigatorCores()} cores: other work on the machine lowers the 2-thread column first.` +
    (p && p.stats.tasks > 0 ? ` The caller ran ${p.stats.callerTasks} of the ${p.stats.tasks} tasks, the worker the rest.` : ""),
);
stopThreads();

function navigatorCores(): number {
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? Number(spawnSync("nproc", { encoding: "utf8" }).stdout.trim() || 0);
}
