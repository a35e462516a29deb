// The worker side of the thread pool (docs/ARCHITECTURE.md, "Threads"), and
// the layout of the control block it shares with the calling thread.
//
// The worker is plain JavaScript kept as a string: Node runs it with
// `new Worker(source, { eval: true })` and browsers from a Blob URL, so no
// bundler has to find, copy or rewrite a separate worker file. It needs no
// import: it receives the shared memory and the compiled modules by message,
// instantiates each module on that memory, then waits on the control block
// for jobs and runs the tasks it claims.

/** Int32 word indices of the control block. */
export const CTRL = {
  /** Wake-up counter: bumped (and notified) for every job and every message; idle workers wait on it. */
  WAKE: 0,
  /** Claim word: (generation & GEN_MASK) << INDEX_BITS | next task index. Closed by setting the index to INDEX_MAX. */
  CLAIM: 1,
  NTASKS: 2,
  /** Tasks finished in the current job (the calling thread waits on it). */
  DONE: 3,
  /** Index of the job's module in the pool, of its task function in that module's list, and the job pointer. */
  MODULE: 4,
  FN: 5,
  JOB: 6,
  /** How many workers may join the current job (threads - 1). */
  WORKERS: 7,
  /** Set when a task threw (a kernel abort). */
  FAILED: 8,
  /** Set when the pool shuts down. */
  STOP: 9,
  /** Worker deaths so far (each also notifies DONE, so a waiting caller wakes up). */
  DEATHS: 10,
  /**
   * First per-worker record; each has PER_WORKER words: BUSY (inside a job's
   * claim loop), DEAD (set before the pool terminates it, or by its exit),
   * READY (bit i: module i instantiated), MAIL (messages posted to it), CRASH
   * (tests: on the next task claimed, 1 exits holding it, as a crash would;
   * 2 hangs holding it, reporting nothing, until terminated).
   */
  WORKER0: 16,
} as const;

/** How long a thread of the pool watches a word before it sleeps on it (ms): about the cost of a sleep and wake-up. */
export const SPIN_MS = 0.2;
/** A job shorter than this (ms) is followed by such a watch: jobs that short come in runs (a Lanczos step is one job). */
export const QUICK_JOB_MS = 5;

export const PER_WORKER = 5;
export const W_BUSY = 0, W_DEAD = 1, W_READY = 2, W_MAIL = 3, W_CRASH = 4;
export const INDEX_BITS = 21;
export const INDEX_MAX = (1 << INDEX_BITS) - 1;
export const GEN_MASK = 0x3ff;

/** Bytes of the control block for `workers` workers. */
export function ctrlBytes(workers: number): number {
  return (CTRL.WORKER0 + PER_WORKER * workers) * 4;
}

/**
 * The worker's source. Messages from the pool: {type: "init", memory,
 * ctrl (byte offset), words (its length), slot (this worker's index)}, then {type: "module",
 * index, module, tasks (export names), scratch (byte offset of this worker's
 * scratch for that module)}. Each message is announced by bumping the
 * worker's MAIL word, which makes a waiting worker return to its event loop.
 */
export const WORKER_SOURCE = `
"use strict";
const C = ${JSON.stringify(CTRL)};
const PW = ${PER_WORKER}, BUSY = ${W_BUSY}, DEAD = ${W_DEAD}, READY = ${W_READY}, MAIL = ${W_MAIL}, CRASH = ${W_CRASH};
const INDEX_MASK = ${INDEX_MAX};
const SPIN_MS = ${SPIN_MS}, QUICK_JOB_MS = ${QUICK_JOB_MS};
const node = typeof self === "undefined" || typeof self.postMessage !== "function";
const port = node ? require("node:worker_threads").parentPort : self;
let ctrl = null, memory = null, me = -1, handled = 0;
const modules = [];

function word(k) { return C.WORKER0 + PW * me + k; }

function died() {
  if (!ctrl || Atomics.exchange(ctrl, word(DEAD), 1)) return;
  Atomics.add(ctrl, C.DEATHS, 1);
  Atomics.notify(ctrl, C.DONE);
}
if (node) process.on("exit", died);

// Claims and runs tasks of the current job until none is left (or the job was closed).
// A claim is a compare-and-swap of the whole claim word (generation and index),
// so it always takes a task of the job published now; the job cannot end
// before that task is counted, so its fields read after the claim are stable.
function work() {
  const mod = modules[Atomics.load(ctrl, C.MODULE)];
  if (!mod || me >= Atomics.load(ctrl, C.WORKERS)) return;
  for (;;) {
    const v = Atomics.load(ctrl, C.CLAIM);
    const t = v & INDEX_MASK;
    if (t >= Atomics.load(ctrl, C.NTASKS) || Atomics.load(ctrl, C.FAILED)) return;
    if (Atomics.load(ctrl, word(DEAD))) return; // being terminated: take nothing more
    if (Atomics.compareExchange(ctrl, C.CLAIM, v, v + 1) !== v) continue;
    const crash = Atomics.load(ctrl, word(CRASH));
    if (crash === 2) for (;;) Atomics.wait(ctrl, word(CRASH), 2); // hang holding the task, until terminated
    if (crash) {
      if (node) process.exit(70);
      else close();
    }
    try {
      const m = modules[Atomics.load(ctrl, C.MODULE)];
      m.fns[Atomics.load(ctrl, C.FN)](Atomics.load(ctrl, C.JOB), t, m.scratch);
    } catch (e) {
      Atomics.store(ctrl, C.FAILED, 1);
    }
    Atomics.add(ctrl, C.DONE, 1);
    Atomics.notify(ctrl, C.DONE);
  }
}

// The wake-up counter is read before the checks, so a bump made after them
// makes the wait return at once: no wake-up is lost.
function loop() {
  for (;;) {
    const w0 = Atomics.load(ctrl, C.WAKE);
    if (Atomics.load(ctrl, word(MAIL)) !== handled) return; // a message waits: back to the event loop
    if (Atomics.load(ctrl, C.STOP)) return;
    Atomics.store(ctrl, word(BUSY), 1);
    const t0 = performance.now();
    work();
    Atomics.store(ctrl, word(BUSY), 0);
    Atomics.notify(ctrl, word(BUSY));
    // Short jobs often follow each other within microseconds (a Lanczos step
    // is one job): after one, watching the counter for a moment is cheaper
    // than a futex sleep and wake-up, which costs the caller tens of
    // microseconds per job. After a long job the thread sleeps at once.
    const now = performance.now(), until = now - t0 < QUICK_JOB_MS ? now + SPIN_MS : 0;
    while (Atomics.load(ctrl, C.WAKE) === w0 && performance.now() < until);
    Atomics.wait(ctrl, C.WAKE, w0);
  }
}

function receive(m) {
  if (m.type === "init") {
    memory = m.memory;
    ctrl = new Int32Array(memory.buffer, m.ctrl, m.words);
    me = m.slot;
  } else if (m.type === "module") {
    const env = { memory, "Math.log": Math.log, abort() { throw new Error("abort"); } };
    const instance = new WebAssembly.Instance(m.module, { env });
    modules[m.index] = { fns: m.tasks.map((name) => instance.exports[name]), scratch: m.scratch };
    Atomics.or(ctrl, word(READY), 1 << m.index);
  }
  handled++;
  port.postMessage({ type: m.type, index: m.index });
  loop();
}

if (node) port.on("message", receive);
else self.onmessage = (e) => receive(e.data);
`;

/** The little a pool needs of a worker, in Node (worker_threads) or a browser (Web Worker). */
export interface WorkerHandle {
  post(msg: unknown): void;
  terminate(): void;
  /** Started: from now on the worker never keeps the process alive (Node; a no-op in browsers). */
  idle(): void;
}
export type WorkerFactory = (onMessage: (m: { type: string; index?: number }) => void, onExit: () => void) => WorkerHandle;

/** A worker factory for this platform, or null when it has none (then the pool cannot start). */
export async function workerFactory(): Promise<WorkerFactory | null> {
  const g = globalThis as { process?: { versions?: { node?: string } }; Worker?: typeof Worker; Blob?: typeof Blob; URL?: typeof URL };
  if (g.process?.versions?.node) {
    const name = "node:worker_threads";
    const wt = (await import(/* @vite-ignore */ name)) as typeof import("node:worker_threads");
    return (onMessage, onExit) => {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true });
      w.on("message", onMessage);
      w.on("error", () => {}); // 'exit' follows
      w.on("exit", onExit);
      return { post: (m) => w.postMessage(m), terminate: () => void w.terminate(), idle: () => w.unref() };
    };
  }
  if (typeof g.Worker === "function" && typeof g.Blob === "function" && g.URL) {
    const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: "text/javascript" }));
    return (onMessage, onExit) => {
      const w = new g.Worker!(url);
      let gone = false;
      w.onmessage = (e) => onMessage(e.data);
      w.onerror = () => {
        if (gone) return;
        gone = true;
        w.terminate();
        onExit();
      };
      // As in Node, a terminated worker reports its exit (the pool replaces it unless it is stopping).
      const terminate = () => {
        if (gone) return;
        gone = true;
        w.terminate();
        setTimeout(onExit, 0);
      };
      return { post: (m) => w.postMessage(m), terminate, idle: () => {} };
    };
  }
  return null;
}
