// Where the time of gemm n x n goes, phase by phase, in CPU time (process.cpuUsage: on a loaded machine the
// CPU time of one thread still says what a phase costs, wall time does not). The phases are measured in
// interleaved rounds, so a burst of load elsewhere hits them alike. A development probe, not a bench file:
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --expose-gc --import tsx packages/linalg/bench/gemm-phases.mts [n] [rounds]
import { loadavg } from "node:os";
import { linalgModule } from "../src/module.js";
import type { LinalgExports } from "../src/wasm.js";
import { gemm, hasRelaxedSimd, init, Rng, stopThreads, type DenseMatrix } from "../src/index.js";
import { arenaBytes, threadPool } from "../src/internal.js";
import { gemmOverlapped } from "../src/threads-gemm.js";

const n = Number(process.argv[2] ?? 1024), rounds = Number(process.argv[3] ?? 15);
const relaxed = hasRelaxedSimd();
await init({ variant: relaxed ? "relaxed-simd" : "simd", threads: 2 });
const rng = new Rng(3);
const randn = (rows: number, cols: number): DenseMatrix => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) });
const A = randn(n, n), B = randn(n, n);
const p = threadPool()!;
const pm = p.modules[0];

/** Phases: name, then a function that sets up (once) and returns the call to time. */
const phases: [string, () => () => unknown][] = [];
const samples = new Map<string, { cpu: number[]; wall: number[]; serial?: number[] }>();

/** Times `call` once into the samples of `name`. */
function sample(name: string, call: () => unknown, extra?: () => number): void {
  (globalThis as { gc?: () => void }).gc?.();
  const u0 = process.cpuUsage(), t0 = performance.now();
  call();
  const u = process.cpuUsage(u0);
  const s = samples.get(name) ?? { cpu: [], wall: [] };
  s.wall.push(performance.now() - t0);
  s.cpu.push((u.user + u.system) / 1000);
  if (extra) (s.serial ??= []).push((u.user + u.system) / 1000 - extra());
  samples.set(name, s);
}
// Public gemm first, in rounds of its own: while a pooled workspace is held (below) other calls run on one thread.
const publics: [string, () => unknown][] = [["public gemm, 1 thread", () => gemm(A, B, { threads: 1 })], ["public gemm, 2 threads", () => gemm(A, B, { threads: 2 })]];
for (const [, call] of publics) call(), call();
for (let r = 0; r < rounds; r++) for (const [name, call] of publics) sample(name, call);

// Kernels on inputs already in WASM memory: the single-thread module, then the threaded one.
type Ws = Awaited<ReturnType<typeof linalgModule.workspace>>;
/** A call on a long-lived workspace of the single-thread module (a private instance) holding A, B and C. */
function onSingle(fn: (ws: Ws, a: Float64Array, b: Float64Array, c: Float64Array) => unknown) {
  return async () => {
    const ws = await linalgModule.workspace("wasm", arenaBytes(3 * n * n));
    const a = ws.input(A.data), b = ws.input(B.data), c = ws.f64(n * n);
    return () => fn(ws, a, b, c);
  };
}
const setups: [string, () => Promise<() => unknown>][] = [
  ["kernel, single-thread module", onSingle((ws, a, b, c) => ws.kernels.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n))],
  ["copy A and B in", onSingle((_ws, a, b) => (a.set(A.data), b.set(B.data)))],
  ["3 finiteness dots", onSingle((ws, a, b, c) => ws.kernels.dot(a.length, a, a) + ws.kernels.dot(b.length, b, b) + ws.kernels.dot(c.length, c, c))],
  ["copy C out (new array)", onSingle((_ws, _a, _b, c) => c.slice())],
];
for (const [name, make] of setups) {
  const call = await make();
  phases.push([name, () => call]);
}

// The threaded module on a pooled run's workspace: both jobs on 2 threads, and on the caller alone.
const run = linalgModule.pooledWorkspace(arenaBytes(3 * n * n), 2)!;
const ws = run.ws, x = ws.instance.exports as unknown as LinalgExports;
const a = ws.input(A.data), b = ws.input(B.data), c = ws.f64(n * n);
const pool2 = ws.instance.tasks!;
let home = pool2; // what `use` restores
const alone = { threads: 2, run: (t: string, job: number, nt: number) => p.runSync(pm, pm.tasks.indexOf(t), job, nt, 1), has: (t: string) => pm.tasks.includes(t) };
const blocksAlone = { ...alone, has: () => false };
const kernel = () => ws.kernels.gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
const use = (tasks: typeof alone | typeof pool2, fn: () => unknown) => () => {
  ws.instance.tasks = tasks;
  try {
    return fn();
  } finally {
    ws.instance.tasks = home;
  }
};
phases.push(["threaded module, whole gemm, caller", () => () => x.gemm(0 as never, 0 as never, n, n, n, 1, a.byteOffset, n, b.byteOffset, n, 0, c.byteOffset, n, pm.scratch)]);
phases.push(["packed jobs, caller alone", () => use(alone, kernel)]);
phases.push(["256x256 blocks (own packing), caller alone", () => use(blocksAlone, kernel)]);
phases.push(["packed jobs, 2 threads", () => use(pool2, kernel)]);
phases.push(["256x256 blocks, 2 threads", () => use({ ...pool2, has: () => false }, kernel)]);
// Public gemm's work on the pooled workspace (copies in, checks, product, check, copy out): one step after
// another as before, then with the copies and checks beside the packing and compute jobs (gemmOverlapped).
// The caller's CPU time outside the pool's jobs (meanwhile work included in the jobs) is the serial part of a
// call: the workers sleep then, so process CPU is the caller's alone, however loaded the machine.
let inJobs = 0;
ws.instance.tasks = home = { ...pool2, run: (t, job, nt, mw) => {
  const u0 = process.cpuUsage();
  try {
    pool2.run(t, job, nt, mw);
  } finally {
    const u = process.cpuUsage(u0);
    inJobs += (u.user + u.system) / 1000;
  }
} };
const K = ws.kernels, finite = (v: Float64Array) => Number.isFinite(K.dot(v.length, v, v));
phases.push(["public path in sequence, 2 threads", () => () => {
  a.set(A.data), b.set(B.data);
  const ok = finite(a) && finite(b);
  kernel();
  return ok && finite(c) ? c.slice() : null;
}]);
phases.push(["public path overlapped, 2 threads", () => () => {
  let ok = true, done = 0;
  const out = new Float64Array(n * n);
  const take = (to: number) => {
    const v = c.subarray(done * n, to * n);
    ok &&= finite(v);
    out.set(v, done * n);
    done = to;
  };
  a.set(A.data);
  gemmOverlapped(ws, { duringA: () => (b.set(B.data), (ok &&= finite(a))), duringB: () => (ok &&= finite(b)), duringC: take }, false, false, n, n, n, 1, a, n, b, n, 0, c, n);
  take(n);
  return ok ? out : null;
}]);

const calls = phases.map(([name, make]) => [name, make()] as const);
for (const [, call] of calls) call(), call();
for (let r = 0; r < rounds; r++) {
  for (const [name, call] of calls) {
    inJobs = 0;
    sample(name, call, name.startsWith("public path") ? () => inJobs : undefined);
  }
}
run.release();
const med = (v: number[]) => [...v].sort((q, w) => q - w)[v.length >> 1];
console.log(`gemm ${n}, ${relaxed ? "relaxed-simd" : "simd"}, ${rounds} rounds, load ${loadavg()[0].toFixed(1)}; CPU ms of the whole process (both threads when 2), wall ms`);
for (const [name, s] of samples) {
  console.log(`${name.padEnd(44)} cpu least ${Math.min(...s.cpu).toFixed(1).padStart(6)}  median ${med(s.cpu).toFixed(1).padStart(6)}   wall least ${Math.min(...s.wall).toFixed(1).padStart(6)}  median ${med(s.wall).toFixed(1).padStart(6)}` +
    (s.serial ? `   caller CPU outside jobs least ${Math.min(...s.serial).toFixed(2)}  median ${med(s.serial).toFixed(2)}` : ""));
}
stopThreads();
