// The bench page's last run, kept in this browser's localStorage so that the
// home page can show each package's speed-up without measuring again.
import type { BenchRow, Spread } from "../workers/bench-protocol";

export interface StoredBench {
  /** ISO time of the run. */
  when: string;
  /** The WebAssembly variant this browser runs by default. */
  variant: string;
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
    return run && Array.isArray(run.rows) ? run : null;
  } catch {
    return null;
  }
}

/** The faster WASM variant's spread. */
export function bestWasm(row: BenchRow): Spread {
  return row.relaxed && row.relaxed.median < row.simd.median ? row.relaxed : row.simd;
}

/** TypeScript median time over the faster WASM variant's median time. */
export function speedUp(row: BenchRow): number {
  return row.js.median / bestWasm(row).median;
}
