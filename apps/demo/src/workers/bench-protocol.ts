/** Messages between the bench page and its worker. */
export interface BenchRequest {
  gemmSizes: number[];
  svdShapes: Array<[number, number]>;
}

export interface BenchRow {
  case: string;
  size: string;
  js: number;
  simd: number;
  relaxed: number | null;
  /** Largest relative difference between the WASM and js results (they must agree). */
  maxRelDiff: number;
}

export type BenchMessage =
  | { type: "variants"; best: string; available: string[] }
  | { type: "progress"; done: number; total: number; label: string }
  | { type: "row"; row: BenchRow }
  | { type: "done" }
  | { type: "error"; message: string };
