import type { BackendOptions, DenseMatrix, Tensor } from "@lowrank/linalg";

export type { Tensor };

/** Nested arrays of numbers (rectangular), as `number[][][]`. */
export type NestedNumbers = ArrayLike<number> | readonly NestedNumbers[];

/**
 * Any tensor form the entry points accept (read by linalg's `asTensor`):
 * `{ shape, data }` with data any numeric array, an ndarray-like view with
 * `stride` / `offset` (strides honoured: a transposed view reads as the
 * transpose), rectangular nested arrays, or a matrix (order 2).
 */
export type TensorLike =
  | Tensor
  | { shape: ArrayLike<number>; data: ArrayLike<number> }
  | { shape: ArrayLike<number>; stride?: ArrayLike<number>; offset?: number; data: ArrayLike<number> }
  | readonly NestedNumbers[]
  | MatrixLike;

/**
 * Any matrix form the entry points accept (read by linalg's `asMatrix`):
 * `{ rows, cols, data }` (data any numeric array), `number[][]`, an ml-matrix
 * `Matrix`, or a 2-D ndarray-like view.
 */
export type MatrixLike =
  | DenseMatrix
  | { rows: number; cols: number; data: ArrayLike<number> }
  | readonly ArrayLike<number>[]
  | { rows: number; columns: number; get(i: number, j: number): number }
  | { shape: ArrayLike<number>; stride?: ArrayLike<number>; offset?: number; data: ArrayLike<number> };

/** Tucker decomposition: X ≈ core ×_1 factors[0] ×_2 factors[1] ... (factors I_n x r_n, orthonormal columns). */
export interface TuckerDecomposition {
  /** What this decomposition is (`reconstruct`, `serialize` and the others dispatch on it). */
  kind: "tucker";
  /** The layout version: 1 on every result of this package (a newer one is refused by readers). */
  version?: number;
  core: Tensor;
  factors: DenseMatrix[];
}

/** CP (CANDECOMP/PARAFAC): X ≈ Σ_r weights[r] factors[0][:, r] ∘ factors[1][:, r] ∘ ... (unit-norm columns). */
export interface CpDecomposition {
  kind: "cp";
  /** The layout version: 1 on every result of this package (a newer one is refused by readers). */
  version?: number;
  weights: Float64Array;
  factors: DenseMatrix[];
}

/**
 * Tensor train (ranks[0] = ranks[N] = 1) or tensor ring (ranks[0] = ranks[N]):
 * cores[k] has shape [ranks[k], I_k, ranks[k+1]] and
 * X[i_1..i_N] = trace(G_1[:, i_1, :] G_2[:, i_2, :] ... G_N[:, i_N, :]).
 */
export interface TensorNetwork {
  kind: "tensor-network";
  /** The layout version: 1 on every result of this package (a newer one is refused by readers). */
  version?: number;
  cores: Tensor[];
  ranks: number[];
}

/**
 * A general tensor network with one core per mode and a bond between every
 * pair of cores (rank 1 = no edge; trains and rings are special cases).
 * edgeRanks is N x N and symmetric (diagonal: the mode sizes, as in
 * Hashemizadeh et al.), cores[k] has shape [I_k, edgeRanks[k][j] for every
 * j ≠ k in increasing j] and X[i] = the contraction of all bonds.
 */
export interface GeneralTensorNetwork {
  kind: "general-network";
  /** The layout version: 1 on every result of this package (a newer one is refused by readers). */
  version?: number;
  edgeRanks: number[][];
  cores: Tensor[];
}

/** Any decomposition this package produces. */
export type Decomposition = TuckerDecomposition | CpDecomposition | TensorNetwork | GeneralTensorNetwork;

/** What a decomposition is, as its `kind` field names it. */
export type DecompositionKind = Decomposition["kind"];

/**
 * A tensor train or ring as the entry points accept it: cores in any tensor
 * form (`ranks`, if given, checked against them); `kind` may be left out.
 */
export type TensorNetworkLike = TensorNetwork | { kind?: "tensor-network"; cores: readonly TensorLike[]; ranks?: readonly number[] };

/**
 * A decomposition as the entry points accept it: its parts in any accepted
 * tensor, matrix or vector form; `kind` may be left out (then the fields tell).
 */
export type DecompositionLike =
  | Decomposition
  | { kind?: "tucker"; core: TensorLike; factors: readonly MatrixLike[] }
  | { kind?: "cp"; weights: ArrayLike<number>; factors: readonly MatrixLike[] }
  | TensorNetworkLike
  | { kind?: "general-network"; edgeRanks: readonly (readonly number[])[]; cores: readonly TensorLike[] };

/** Options of the iterative methods. */
/** The option of the calls that run on the worker pool (`tucker`, `cp`, `modeProduct`). */
export interface ThreadOptions {
  /**
   * Threads the call may use, the calling thread included (default: the
   * pool's, set by `init({ threads })`; 1: the calling thread only). The
   * result has the same bits for any count. `tucker` and `cp` with `mask`
   * run on one.
   */
  threads?: number;
}

export interface IterativeOptions extends BackendOptions {
  /** Most sweeps (default varies by method). */
  maxIter?: number;
  /**
   * Stop when the relative error changes by less than this between sweeps
   * (default 1e-4 for HOOI, TensorLy's, and 1e-10 otherwise; each method's
   * rule is in the README's "Stopping rules"). HOOI and CP with 0 run
   * exactly `maxIter` sweeps.
   */
  tol?: number;
  /** Called after every sweep with its number and relative error. */
  onProgress?: (info: { iteration: number; error: number }) => void;
  /** Checked between sweeps; aborting throws LowrankError("ABORTED"). */
  signal?: AbortSignal;
}

/**
 * How leading singular vectors of an unfolding are computed. `gram`: the
 * eigenvectors of the unfolding's n x n Gram matrix (one GEMM pass over the
 * tensor + an n x n eigh; squares the condition number, so a singular value
 * below about 1e-8 of the largest is not resolved); for an unfolding with
 * more rows than columns, when the singular value of the last vector kept is
 * at least 1e-4 of the largest (HOOI: fewer vectors than columns), the Gram
 * of the short side (J x J) and U = W V made orthonormal. `jacobi`: Householder QR
 * of the unfolding + one-sided Jacobi (accurate to rounding for every singular
 * value, about 2-4x the work).
 */
export type UnfoldingSvd = "gram" | "jacobi";
