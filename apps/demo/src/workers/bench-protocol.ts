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

export interface BenchRow {
  /** The package's name without the scope. */
  pkg: string;
  case: string;
  size: string;
  js: Spread;
  simd: Spread;
  relaxed: Spread | null;
  /** Per variant, the median over rounds of the round's TypeScript time over its WASM time. */
  speedUp: { simd: number; relaxed: number | null };
  /** Largest relative difference between the WASM and js results (they must agree). */
  maxRelDiff: number;
}

export type BenchMessage = { type: "variants"; best: string; available: string[] } | { type: "row"; row: BenchRow };
