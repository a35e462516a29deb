// The pool's warm-up task (src/threads.ts, warmPool); twin of assembly/ping.ts.

/** Task t of a ping job: word t of the job block becomes t + 1. */
export function pingTask(job: Int32Array, t: number): void {
  job[t] = t + 1;
}
