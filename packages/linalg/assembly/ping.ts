// The pool's warm-up task (src/threads.ts, warmPool): task t of a job marks
// word t of the job block with t + 1. Twin: src/kernels/ping.ts.
export function pingTask(job: usize, t: i32, scratch: usize): void {
  store<i32>(job + (<usize>t << 2), t + 1);
}
