import type { Preset } from "../bench/cases";

/** Messages between the bench page and its worker. */
export interface BenchRequest {
  preset: Preset;
  /** Timed runs per backend at least (after one warm-up run; fast cases get more, see bench.worker.ts). */
  runs: number;
}

/** Times of the runs, ms. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** A case run on the thread pool: the default variant with every thread the runtime has here. */
export interface ThreadsResult {
  /** Threads of the run: the worker's own and the pool's. */
  n: number;
  variant: string;
  time: Spread;
  /** Median over rounds of the round's TypeScript time over its N-thread WASM time. */
  speedUp: number;
  /** The same variant's median one-thread time over its median N-thread time: how many times faster N threads run than one. */
  gain: number;
  /** Whether the N-thread result equals the one-thread result bit for bit (the library promises it). */
  sameBits: boolean;
  /** Largest relative difference between the N-thread result and the TypeScript one. */
  maxRelDiff: number;
}

export interface BenchRow {
  /** The package's name without the scope. */
  pkg: string;
  case: string;
  size: string;
  js: Spread;
  /** One thread, as the TypeScript twin runs. */
  simd: Spread;
  relaxed: Spread | null;
  /** Per variant, the median over rounds of the round's TypeScript time over its one-thread WASM time. */
  speedUp: { simd: number; relaxed: number | null };
  /** Largest relative difference between the one-thread WASM and js results (they must agree). */
  maxRelDiff: number;
  /** The run on the pool; null until it is measured, and where only one thread runs. */
  threads: ThreadsResult | null;
}

export type BenchMessage =
  | { type: "variants"; best: string; available: string[]; threads: number; note?: string }
  | { type: "row"; row: BenchRow }
  | { type: "threads"; index: number; threads: ThreadsResult };
