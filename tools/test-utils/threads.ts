// The threads tests' probes of the worker pool (docs/ARCHITECTURE.md, "Threads"). The pool handle comes from
// the caller (linalg's `threadPool`, on "@lowrank/linalg/internal"), so this file imports no package.

/** What the probes read and set on linalg's ThreadPool. */
export interface PoolProbe {
  callerMayBlock: boolean | null;
  readonly stats: { spinJobs: number; tasks: number; callerTasks: number };
}

/**
 * `onMainThread(f)` runs `f` as on a browser's main thread, simulated in Node: the pool's test switch makes
 * this thread one that cannot block, and Atomics.wait throws meanwhile, so a blocking wait anywhere in the run
 * fails the test. `since(s)` counts the jobs the caller joined spinning and the tasks workers ran since a
 * snapshot `s` of `pool().stats`.
 */
export function mainThreadProbe(threadPool: () => PoolProbe | null) {
  const pool = (): PoolProbe => {
    const p = threadPool();
    if (!p) throw new Error("no pool");
    return p;
  };
  async function onMainThread<T>(f: () => Promise<T>): Promise<T> {
    const p = pool(), wait = Atomics.wait;
    p.callerMayBlock = false;
    Atomics.wait = () => {
      throw new Error("Atomics.wait on a thread that cannot block");
    };
    try {
      return await f();
    } finally {
      Atomics.wait = wait;
      p.callerMayBlock = null;
    }
  }
  const since = (s: { spinJobs: number; tasks: number; callerTasks: number }) => {
    const p = pool().stats;
    return { spinJobs: p.spinJobs - s.spinJobs, onWorkers: p.tasks - s.tasks - (p.callerTasks - s.callerTasks) };
  };
  return { pool, onMainThread, since };
}

/** Whether a and b hold the same bits. */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
