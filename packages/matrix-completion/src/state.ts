// One run's arrays, allocated once in the run's workspace (for wasm: after a
// single reservation of everything the method needs, which the workspace
// holds the run to; docs/ARCHITECTURE.md, "Memory").
import { arenaBytes, type Workspace } from "@lowrank/linalg/internal";
import type { CompletionKernels } from "./kernels/index.js";
import { fillIndex, type IndexCounts, type Observations, type RatingIndex } from "./observations.js";

/** The views every method works on: the index, built in the workspace, plus factors and scratch. */
export interface RunState extends RatingIndex {
  ws: Workspace<CompletionKernels>;
  k: number;
  U: Float64Array;
  V: Float64Array;
  rowBias: Float64Array;
  colBias: Float64Array;
  /** One zero per row or column (the bias offsets of methods without biases). */
  zeros: Float64Array;
  /** Method scratch (its size is the method's `workSize`). */
  work: Float64Array;
  validation: { nnz: number; rowIndex: Int32Array; colIndex: Int32Array; values: Float64Array } | null;
}

/** Bytes `allocateState` takes for the given index, rank, method scratch and validation size. */
export function stateBytes(ix: Pick<RatingIndex, "rows" | "cols" | "nnz">, k: number, workSize: number, validationNnz: number): number {
  const n = ix.rows, m = ix.cols;
  const f64s = 2 * ix.nnz + (n + m) * k + 2 * (n + m) + workSize + validationNnz;
  const i32s = 3 * ix.nnz + n + m + 2 + 2 * validationNnz;
  return arenaBytes(f64s, i32s, 24);
}

/**
 * Builds the index straight in the workspace (no copy: the run's arrays are its own) and allocates factors and
 * scratch; INDEX on a repeated position.
 */
export function allocateState(
  ws: Workspace<CompletionKernels>, obs: Observations, c: IndexCounts, k: number, workSize: number, validation: Observations | null,
): RunState {
  const n = c.rows, m = c.cols, nnz = c.nnz;
  const v = validation;
  // Scratch views (not cleared): the sorts write every entry of each.
  const index = { rowCols: ws.scratchI32(nnz), rowVals: ws.scratch(nnz), rowOf: ws.scratchI32(nnz), colRows: ws.scratchI32(nnz), colVals: ws.scratch(nnz) };
  fillIndex(obs, c, index);
  return {
    ws, k, rows: n, cols: m, nnz, ...index,
    rowPtr: ws.inputI32(c.rowPtr), colPtr: ws.inputI32(c.colPtr), maxRowCount: c.maxRowCount, maxColCount: c.maxColCount,
    // The biases are read before a half-step writes them, and zeros is read only: they start at zero (a workspace view need not).
    U: ws.f64(n * k), V: ws.f64(m * k), rowBias: ws.f64(n).fill(0), colBias: ws.f64(m).fill(0), zeros: ws.f64(Math.max(n, m)).fill(0),
    work: ws.f64(workSize),
    validation: v && v.values.length > 0
      ? { nnz: v.values.length, rowIndex: ws.inputI32(v.rowIndex), colIndex: ws.inputI32(v.colIndex), values: ws.input(v.values) }
      : null,
  };
}
