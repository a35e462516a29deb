export type Scheme = "uniform" | "leverage" | "root-leverage" | "lewis" | "mixed";

export interface SamplingRequest {
  base: string;
  p: number;
  /** Sample size whose picks and fit are shown. */
  m: number;
}

export interface SamplingMessageCurve {
  scheme: Scheme;
  /** Median over seeds of f(x_sample) / f(x_full) at each sample size (NaN when most samples were rank-deficient). */
  ratios: number[];
}

export type SamplingMessage =
  | { type: "data"; rows: number; cols: number; featureNames: string[]; fitted: Float64Array; b: Float64Array; xFull: Float64Array; fFull: number }
  | { type: "picks"; scheme: Scheme; indices: Int32Array; x: Float64Array; ratio: number }
  | { type: "curve"; sizes: number[]; curve: SamplingMessageCurve }
