// The worker pool (docs/ARCHITECTURE.md, "Threads"): one shared WebAssembly.Memory, the calling thread plus
// `threads - 1` workers, each holding an instance of every threaded module on that memory. A job is a task kernel
// of one module, a job pointer and a task count; the threads claim task indices from one atomic word until none is
// left, so a worker that is slow, still starting or dead simply takes fewer tasks. Which thread runs a task never
// changes what the task computes: the task kernels cut their work into a partition that does not depend on the
// thread count.
import { Arena } from "./arena.js";
import { LowrankError } from "./errors.js";
import { pause, spin, spinThenWait, stopError, type Stop } from "./pool-wait.js";
import { CTRL, ctrlBytes, GEN_MASK, INDEX_BITS, INDEX_MAX, PER_WORKER, W_BUSY, W_CRASH, W_DEAD, W_MAIL, W_READY, type WorkerFactory, type WorkerHandle } from "./pool-worker.js";
export { workerFactory } from "./pool-worker.js";

/** Bytes at the bottom of the shared memory for the threaded modules' static data: 16 slots of 64 KiB pages (tools/wasm-build). */
export const THREAD_DATA_BYTES = 16 * 65536;
const GRACE_MS = 100; // how long a failed job waits for a worker marked dead to stop before its memory is reused
const MAX_FAILED_STARTS = 3; // failed starts in a row after which a slot is left empty
/** Most tasks in one job (the claim word's index field). */
export const MAX_TASKS = INDEX_MAX - 1;

/** One threaded module in the pool: its task kernels on the calling thread, and where each thread's scratch starts. */
export interface PoolModule {
  readonly name: string;
  readonly index: number;
  readonly tasks: readonly string[];
  /** The calling thread's task kernels, in the order of `tasks`. */
  readonly fns: ((job: number, task: number, scratch: number) => void)[];
  /** Byte offset of thread s's scratch: scratch + s * scratchBytes (s = 0 is the calling thread). */
  readonly scratch: number;
  readonly scratchBytes: number;
  readonly module: WebAssembly.Module;
}

export class ThreadPool {
  readonly arena: Arena;
  readonly modules: PoolModule[] = [];
  private readonly ctrl: Int32Array;
  private readonly ctrlAt: number;
  private readonly workers: (WorkerHandle | null)[];
  /** Starts of each slot's worker that failed in a row (it died before it was ready). */
  private readonly failedStarts: number[];
  private gen = 0;
  private stopped = false;
  private jobStart = -Infinity; // when the current job was published (spinThenWait)
  /** True while a job runs (sync or async); a second job then runs on one thread instead. */
  running = false;
  /** Jobs run, their tasks, the tasks the calling thread ran itself (the rest ran on workers), and the jobs it joined spinning (not blocking). */
  readonly stats = { jobs: 0, tasks: 0, callerTasks: 0, spinJobs: 0 };
  /**
   * Tests: false makes the calling thread count as one that cannot block (a
   * browser's main thread: synchronous calls stay on it, pooled runs spin),
   * true as one that can; null (the default) detects it.
   */
  callerMayBlock: boolean | null = null;
  /** The least a caller that cannot block spins for a job's workers with no task finishing (see {@link spinLimit}). */
  spinLimitMs = 10_000;

  /**
   * A pool of `threads` threads (the caller and threads - 1 workers) on `memory`,
   * which must be shared and hold THREAD_DATA_BYTES of module data below the arena.
   */
  constructor(
    readonly memory: WebAssembly.Memory,
    readonly threads: number,
    private readonly spawnWorker: WorkerFactory,
  ) {
    this.arena = new Arena(memory, THREAD_DATA_BYTES);
    this.workers = new Array(threads - 1).fill(null);
    this.failedStarts = new Array(threads - 1).fill(0);
    const words = ctrlBytes(threads - 1) / 4;
    this.ctrlAt = this.arena.permanent(words * 4);
    this.ctrl = new Int32Array(memory.buffer, this.ctrlAt, words);
    this.ctrl.fill(0);
    Atomics.store(this.ctrl, CTRL.CLAIM, INDEX_MAX); // closed
  }

  private w(slot: number, k: number): number {
    return CTRL.WORKER0 + PER_WORKER * slot + k;
  }

  /** Starts every worker and resolves once each has the memory (or has failed to start). */
  start(): Promise<void> {
    return Promise.all(this.workers.map((_, s) => this.spawn(s))).then(() => undefined);
  }

  /** Workers that are alive and have every module instantiated. */
  get ready(): number {
    const all = (1 << this.modules.length) - 1;
    let n = 0;
    for (let s = 0; s < this.workers.length; s++) {
      if (this.workers[s] && !Atomics.load(this.ctrl, this.w(s, W_DEAD)) && (Atomics.load(this.ctrl, this.w(s, W_READY)) & all) === all) n++;
    }
    return n;
  }

  /** Wakes every idle worker (a job was published, a message posted, or the pool stops). */
  private wake(): void {
    Atomics.add(this.ctrl, CTRL.WAKE, 1);
    Atomics.notify(this.ctrl, CTRL.WAKE);
  }

  private post(s: number, msg: unknown): void {
    this.workers[s]?.post(msg);
    Atomics.add(this.ctrl, this.w(s, W_MAIL), 1);
    this.wake();
  }

  /**
   * Starts (or restarts) the worker of slot s; resolves when it has
   * instantiated every module, or has failed to. A worker that dies before it
   * is ready counts as a failed start; after MAX_FAILED_STARTS in a row the
   * slot stays empty (the pool runs with fewer threads) instead of respawning
   * forever, since a worker still starting keeps the process alive.
   */
  private spawn(s: number): Promise<void> {
    for (const k of [W_BUSY, W_DEAD, W_READY, W_MAIL, W_CRASH]) Atomics.store(this.ctrl, this.w(s, k), 0);
    return new Promise((resolve) => {
      let pending = 1 + this.modules.length;
      let ready = false;
      let handle: WorkerHandle;
      try {
        handle = this.spawnWorker(
          () => {
            if (--pending !== 0) return;
            ready = true;
            this.failedStarts[s] = 0;
            handle.idle();
            resolve();
          },
          () => {
            resolve();
            if (this.workers[s] !== handle) return;
            this.markDead(s);
            this.workers[s] = null;
            if (!ready) this.failedStarts[s]++;
            // A replacement, on the same slot and scratch.
            if (!this.stopped && this.failedStarts[s] < MAX_FAILED_STARTS) void this.spawn(s);
          },
        );
      } catch {
        // The platform refused a thread (resource limits): the slot stays empty.
        this.failedStarts[s] = MAX_FAILED_STARTS;
        Atomics.store(this.ctrl, this.w(s, W_DEAD), 1);
        resolve();
        return;
      }
      this.workers[s] = handle;
      this.post(s, { type: "init", memory: this.memory, ctrl: this.ctrlAt, words: this.ctrl.length, slot: s });
      for (const m of this.modules) this.post(s, this.moduleMessage(m, s));
    });
  }

  private moduleMessage(m: PoolModule, s: number) {
    return { type: "module", index: m.index, module: m.module, tasks: m.tasks, scratch: m.scratch + (s + 1) * m.scratchBytes };
  }

  /**
   * Adds a module: takes every thread's scratch as permanent arena blocks
   * (only while the arena is empty) and sends the module to the workers.
   */
  addModule(spec: Omit<PoolModule, "index" | "scratch">): Promise<PoolModule> {
    if (this.modules.length >= 30) throw new LowrankError("INTERNAL", "too many threaded modules");
    const scratch = this.arena.permanent(Math.max(16, spec.scratchBytes * this.threads));
    const m: PoolModule = { ...spec, index: this.modules.length, scratch };
    this.modules.push(m);
    const waits = this.workers.map((_, s) => this.workers[s] ? this.untilReady(s, m.index) : Promise.resolve());
    this.workers.forEach((h, s) => h && this.post(s, this.moduleMessage(m, s)));
    return Promise.all(waits).then(() => m);
  }

  private async untilReady(s: number, index: number): Promise<void> {
    for (let i = 0; i < 2000; i++) {
      const r = Atomics.load(this.ctrl, this.w(s, W_READY));
      if (r & (1 << index) || Atomics.load(this.ctrl, this.w(s, W_DEAD)) || !this.workers[s]) return;
      await new Promise((done) => setTimeout(done, 5));
    }
  }

  /**
   * Marks worker s dead (once): it claims no task from now on, and a job
   * waiting for it stops with an error instead of waiting forever. Done
   * before any termination the pool makes, and on a worker's exit.
   */
  private markDead(s: number): void {
    if (Atomics.exchange(this.ctrl, this.w(s, W_DEAD), 1)) return;
    Atomics.add(this.ctrl, CTRL.DEATHS, 1);
    Atomics.notify(this.ctrl, CTRL.DONE);
  }

  /** Stops and terminates every worker (a job still running fails). */
  stop(): void {
    this.stopped = true;
    Atomics.store(this.ctrl, CTRL.STOP, 1);
    this.wake();
    this.workers.forEach((h, s) => {
      if (!h) return;
      this.markDead(s);
      h.terminate();
    });
    this.workers.fill(null);
  }

  /** Terminates worker `slot`; the pool replaces it (tests). */
  kill(slot: number): void {
    const h = this.workers[slot];
    if (!h) return;
    this.markDead(slot);
    h.terminate();
  }

  /** Makes worker `slot` exit while holding the next task it claims, as a crash would (tests). */
  crashOnNextTask(slot: number): void {
    Atomics.store(this.ctrl, this.w(slot, W_CRASH), 1);
  }

  /** Makes worker `slot` hang, holding the next task it claims and reporting nothing, until terminated (tests). */
  hangOnNextTask(slot: number): void {
    Atomics.store(this.ctrl, this.w(slot, W_CRASH), 2);
  }

  /** Whether worker s may still touch the job: alive and inside its claim loop. */
  private busy(s: number): boolean {
    return !!this.workers[s] && !Atomics.load(this.ctrl, this.w(s, W_DEAD)) && Atomics.load(this.ctrl, this.w(s, W_BUSY)) === 1;
  }

  /** Publishes a job (once no worker is left inside the previous one's claim loop) and returns its generation. */
  private begin(mod: PoolModule, fn: number, job: number, ntasks: number, threads: number): number {
    if (!(ntasks >= 0 && ntasks <= MAX_TASKS)) throw new LowrankError("INTERNAL", `a job of ${ntasks} tasks`);
    const c = this.ctrl;
    Atomics.store(c, CTRL.MODULE, mod.index);
    Atomics.store(c, CTRL.FN, fn);
    Atomics.store(c, CTRL.JOB, job);
    Atomics.store(c, CTRL.NTASKS, ntasks);
    Atomics.store(c, CTRL.DONE, 0);
    Atomics.store(c, CTRL.FAILED, 0);
    Atomics.store(c, CTRL.WORKERS, threads - 1);
    this.stats.jobs++;
    this.stats.tasks += ntasks;
    this.jobStart = performance.now();
    this.gen = (this.gen + 1) & GEN_MASK;
    Atomics.store(c, CTRL.CLAIM, this.gen << INDEX_BITS);
    this.wake();
    return this.gen;
  }

  /** Claims one task of the current job for the calling thread; -1 when none is left. */
  private claim(gen: number, ntasks: number): number {
    const c = this.ctrl;
    for (;;) {
      const v = Atomics.load(c, CTRL.CLAIM);
      const t = v & INDEX_MAX;
      if (v >>> INDEX_BITS !== gen || t >= ntasks || Atomics.load(c, CTRL.FAILED)) return -1;
      if (Atomics.compareExchange(c, CTRL.CLAIM, v, v + 1) === v) return t;
    }
  }

  private runOwn(mod: PoolModule, fn: number, job: number, t: number): void {
    this.stats.callerTasks++;
    try {
      mod.fns[fn](job, t, mod.scratch);
    } catch {
      Atomics.store(this.ctrl, CTRL.FAILED, 1);
    }
    Atomics.add(this.ctrl, CTRL.DONE, 1);
  }

  /** Why the job must stop early, if it must. */
  private stopReason(deaths: number, signal?: AbortSignal): Stop {
    if (Atomics.load(this.ctrl, CTRL.FAILED)) return "failed";
    if (Atomics.load(this.ctrl, CTRL.DEATHS) !== deaths) return "died";
    if (signal?.aborted) return "aborted";
    return null;
  }

  /** Closes the job's claims; afterwards no thread starts a task of it. */
  private close(gen: number): void {
    Atomics.store(this.ctrl, CTRL.CLAIM, (gen << INDEX_BITS) | INDEX_MAX);
  }


  /**
   * Runs tasks 0..ntasks-1 of `mod.tasks[fn]` on `job` with up to `threads`
   * threads, the calling thread included, returning once all are done. A
   * failed task or a worker that dies makes it throw a LowrankError once no
   * thread is left inside the job. `block` (Node, or any worker: where
   * Atomics.wait is allowed) waits for the workers' tasks in Atomics.wait;
   * otherwise (a browser's main thread, in an asynchronous run) the caller
   * spins on Atomics.load. A spinning thread cannot receive a worker's exit
   * (the event loop does not run), so it also gives up when no task has
   * finished for {@link spinLimit}: the workers still inside the job are
   * terminated (and replaced) and it throws INTERNAL; it never hangs.
   * `meanwhile` runs on the calling thread once the job is published, before
   * it takes tasks (see TaskRunner.run); its error closes the job's claims
   * and is rethrown once no thread is left inside the job.
   */
  runSync(mod: PoolModule, fn: number, job: number, ntasks: number, threads: number, block = true, meanwhile?: () => void): void {
    const c = this.ctrl;
    const wait = block ? (i: number, v: number, ms: number) => spinThenWait(c, i, v, ms, this.jobStart) : (i: number, v: number, ms: number) => spin(c, i, v, ms);
    this.running = true;
    try {
      this.settle(wait, block ? Infinity : this.spinLimitMs, false);
      const deaths = Atomics.load(c, CTRL.DEATHS);
      const gen = this.begin(mod, fn, job, ntasks, threads);
      if (!block) this.stats.spinJobs++;
      let stop: Stop = null, slowest = 0, thrown: { error: unknown } | null = null;
      if (meanwhile) {
        try {
          meanwhile();
        } catch (error) {
          thrown = { error };
          Atomics.store(c, CTRL.FAILED, 1);
        }
      }
      for (let t = this.claim(gen, ntasks); t >= 0; t = this.claim(gen, ntasks)) {
        const t0 = performance.now();
        this.runOwn(mod, fn, job, t);
        slowest = Math.max(slowest, performance.now() - t0);
      }
      const limit = block ? Infinity : this.spinLimit(slowest);
      for (let last = -1, since = 0; ;) {
        const d = Atomics.load(c, CTRL.DONE);
        if (d >= ntasks || (stop = this.stopReason(deaths))) break;
        if (d !== last) (last = d), (since = performance.now());
        else if (performance.now() - since > limit) {
          stop = "stuck";
          break;
        }
        wait(CTRL.DONE, d, block ? 1000 : 20);
      }
      this.close(gen);
      if (!stop && !(stop = this.stopReason(deaths))) return;
      if (stop === "stuck") for (let s = 0; s < this.workers.length; s++) if (this.busy(s)) this.kill(s);
      this.settle(wait, limit, true);
      if (thrown) throw thrown.error;
      throw stopError(stop, mod.tasks[fn], limit);
    } finally {
      this.running = false;
    }
  }

  /**
   * How long a caller that cannot block spins with no task finishing before
   * it gives the job's workers up: spinLimitMs, or 20 times the slowest task
   * it ran itself in the job if longer (the tasks of a job are alike).
   */
  spinLimit(slowestOwnMs: number): number {
    return Math.max(this.spinLimitMs, 20 * slowestOwnMs);
  }

  /**
   * Waits until no worker is inside a job's claim loop (terminating one
   * still inside after `limit` ms); with `grace`, also gives a worker marked
   * dead a moment to stop inside its task before the memory is reused.
   */
  private settle(wait: (i: number, v: number, ms: number) => void, limit: number, grace: boolean): void {
    for (let s = 0; s < this.workers.length; s++) {
      const t0 = performance.now();
      while (this.busy(s)) {
        if (performance.now() - t0 > limit) this.kill(s);
        else wait(this.w(s, W_BUSY), 1, 20);
      }
      if (grace && Atomics.load(this.ctrl, this.w(s, W_DEAD))) wait(this.w(s, W_BUSY), 1, GRACE_MS);
    }
  }

  /**
   * As {@link runSync}, for asynchronous runs: the calling thread takes tasks
   * too but yields between them, never blocks, and an aborted `signal` stops
   * the job (no task starts after it; the running ones finish) with ABORTED.
   */
  async runAsync(mod: PoolModule, fn: number, job: number, ntasks: number, threads: number, signal?: AbortSignal): Promise<void> {
    const c = this.ctrl;
    this.running = true;
    try {
      for (let s = 0; s < this.workers.length; s++) while (this.busy(s)) await pause(c, this.w(s, W_BUSY), 1);
      const deaths = Atomics.load(c, CTRL.DEATHS);
      if (signal?.aborted) throw stopError("aborted", mod.tasks[fn]);
      const gen = this.begin(mod, fn, job, ntasks, threads);
      let stop: Stop = null;
      for (let t = this.claim(gen, ntasks); t >= 0; t = this.claim(gen, ntasks)) {
        this.runOwn(mod, fn, job, t);
        await new Promise((r) => setTimeout(r, 0));
        if ((stop = this.stopReason(deaths, signal))) break;
      }
      for (;;) {
        const d = Atomics.load(c, CTRL.DONE);
        if (stop || d >= ntasks || (stop = this.stopReason(deaths, signal))) break;
        await pause(c, CTRL.DONE, d);
      }
      this.close(gen);
      if (!stop && !(stop = this.stopReason(deaths, signal))) return;
      for (let s = 0; s < this.workers.length; s++) {
        while (this.busy(s)) await pause(c, this.w(s, W_BUSY), 1);
        if (Atomics.load(c, this.w(s, W_DEAD)) && Atomics.load(c, this.w(s, W_BUSY))) await new Promise((r) => setTimeout(r, GRACE_MS));
      }
      throw stopError(stop, mod.tasks[fn]);
    } finally {
      this.running = false;
    }
  }
}
