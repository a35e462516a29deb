import type { UpdateMethod } from "@lowrank/svd-update";

export interface SvdUpdateRequest {
  /** URL of the data folder. */
  base: string;
  rank: number;
  /** Method whose stream is drawn as it runs. */
  method: UpdateMethod;
  /** Methods compared against a fresh truncated SVD at the end ("auto" picks one per batch). */
  compare: Array<UpdateMethod | "auto">;
}

export interface MethodRow {
  method: string;
  /** Total time of all updates, ms. */
  ms: number;
  updates: number;
  /** Largest relative singular-value error against the fresh SVD. */
  svError: number;
  /** Largest scaled residual ||A v_i - s_i u_i|| / s_i. */
  residual: number;
  /** "auto": what it chose, and how often. */
  note?: string;
}

/** The fresh SVD's own account: its method, its iterations and its largest residual (svdResiduals, relative to s_1). */
export interface FreshCheck {
  method: string;
  iterations: number;
  residual: number;
}

export type SvdUpdateMessage =
  | { type: "snapshot"; year: number; rows: number; x: Float64Array; y: Float64Array; years: Int32Array }
  | { type: "methods"; rows: MethodRow[]; freshMs: number; freshResidual: number; freshCheck: FreshCheck; startRows: number; totalRows: number; cols: number }
