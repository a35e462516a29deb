// The bench page's last run, kept in this browser's localStorage so that the
// home page can show each package's speed-up without measuring again.
import type { BenchRow } from "../workers/bench-protocol";

export interface StoredBench {
  /** ISO time of the run. */
  when: string;
  /** The WebAssembly variant this browser runs by default. */
  variant: string;
  /** Threads of the pool in that run (1: one thread only). */
  threads: number;
  preset: string;
  rows: BenchRow[];
}

const KEY = "lowrank-demo:bench";

export function saveBench(run: StoredBench): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(run));
  } catch {
    // Storage may be full or disabled; the home page then says "run the bench".
  }
}

export function loadBench(): StoredBench | null {
  try {
    const run = JSON.parse(localStorage.getItem(KEY) ?? "null") as StoredBench | null;
    // A run stored by an older version of this page lacks speedUp or the threads: measure again.
    return run && typeof run.threads === "number" && Array.isArray(run.rows) && run.rows.every((r) => r.speedUp && r.threads !== undefined) ? run : null;
  } catch {
    return null;
  }
}

/** The speed-up of the faster WASM variant: the median over rounds of TypeScript time over WASM time. */
export function speedUp(row: BenchRow): number {
  return Math.max(row.speedUp.simd, row.speedUp.relaxed ?? 0);
}
