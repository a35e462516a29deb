// Types of lib.mjs for TypeScript bench files.

export declare const MARKER: string;
export declare const quick: boolean;
export declare function pick<T>(full: T, small: T): T;

export interface TimeOptions {
  /** Untimed calls before sampling (default 3). */
  warmup?: number;
  /** Minimum number of samples (default 7). */
  runs?: number;
  /** Keep sampling until this much time has passed (default 250 ms)... */
  minTimeMs?: number;
  /** ...but take at most this many samples (default 40). */
  maxRuns?: number;
  /** Repeat fast calls within a sample until it lasts this long (default 5 ms). */
  minSampleMs?: number;
}

export interface Measurement {
  median: number;
  min: number;
  max: number;
  runs: number;
  iters: number;
}

export declare function measure(fn: () => unknown, opts?: TimeOptions): Measurement;
export declare function time(fn: () => unknown, opts?: TimeOptions): number;

export interface BenchRow {
  case: string;
  size: string;
  ts?: number | null;
  simd?: number | null;
  relaxed?: number | null;
  anchor?: number | null;
  anchorName?: string;
  /** Floating-point operations per call; the table then shows GFLOP/s. */
  flops?: number;
  extra?: Record<string, string | number>;
}

export declare function row(r: BenchRow): void;
export declare function note(text: string): void;
export declare function skip(caseName: string, reason: string): void;
export declare function cpuInfo(): { model: string | null; mhz: number | null; flags: string[] };
