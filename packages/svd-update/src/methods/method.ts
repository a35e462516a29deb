// The one interface every update method implements (a strategy per method,
// in this folder), and what orthogonalising a batch returns:
// `Orth`, one variant per method. The deng family keeps the new directions in
// Deng et al.'s sparse form (b on the batch's support, c = basisᵀ b); the
// other methods keep them as dense rows.
import { internalError, type CsrMatrix } from "@lowrank/linalg";
import type { UpdateContext } from "../options.js";
import type { Side } from "../side.js";

/** Update methods: see the README's algorithm notes. */
export type UpdateMethod = "deng" | "deng-gkl" | "deng-rpi" | "zha-simon" | "vecharynski" | "yamazaki";

/** What every variant holds: the batch's coordinates in the basis and in the new directions. */
interface OrthCoordinates {
  /** s x k: c0_j = basisᵀ e_j. */
  C0: Float64Array;
  /** R (row length s): e_j = basis c0_j + Σ_{i < sq} R[i][j] q_i. */
  R: Float64Array;
  /** Directions kept. */
  sq: number;
}

/** The new directions in the sparse form q_i = b_i - basis c_i (the deng family). */
export interface SparseOrth<M extends UpdateMethod> extends OrthCoordinates {
  method: M;
  /** The support: p indices. */
  p: number;
  idx: Int32Array;
  /** sq x p: the b's on the support. */
  B: Float64Array;
  /** sq x k: the c's. */
  Chat: Float64Array;
}

/** The new directions as dense rows (zha-simon, vecharynski, yamazaki). */
export interface DenseOrth<M extends UpdateMethod> extends OrthCoordinates {
  method: M;
  /** sq x dim: q_i as rows. */
  Q: Float64Array;
}

/** A batch projected on one side's basis with its remainder orthonormalised: one variant per method. */
export type Orth =
  | SparseOrth<"deng"> | SparseOrth<"deng-gkl"> | SparseOrth<"deng-rpi">
  | DenseOrth<"zha-simon"> | DenseOrth<"vecharynski"> | DenseOrth<"yamazaki">;

/** The Orth variant of one method. */
export type OrthOf<M extends UpdateMethod> = Extract<Orth, { method: M }>;

/**
 * An update method. `orthogonalize` projects a batch on one side's basis
 * and orthonormalises the remainder (the side's marker holds the support's
 * positions, set by csrSupport, on entry and is all -1 on return);
 * `applyBasis` rotates that side by the core SVD's G: [basis, Q] G.
 */
export interface UpdateStrategy {
  readonly name: UpdateMethod;
  /** Whether the factors are kept in Deng et al.'s extended form P K (the deng family) or as dense factors. */
  readonly extended: boolean;
  /** Doubles of scratch one side's orthogonalisation needs beyond the shared projection, for a batch of s vectors on a side of dimension dim. O(1). */
  scratch(dim: number, s: number, k: number): number;
  orthogonalize(cx: UpdateContext, sd: Side, b: CsrMatrix, supp: Int32Array): Orth;
  applyBasis(cx: UpdateContext, sd: Side, o: Orth, G: Float64Array): void;
}

/** One method as written in its module: its own Orth variant in and out. */
export interface MethodSpec<M extends UpdateMethod> {
  readonly name: M;
  readonly extended: boolean;
  scratch(dim: number, s: number, k: number): number;
  orthogonalize(cx: UpdateContext, sd: Side, b: CsrMatrix, supp: Int32Array): OrthOf<M>;
  applyBasis(cx: UpdateContext, sd: Side, o: OrthOf<M>, G: Float64Array): void;
}

/** The strategy of a method: its spec, with applyBasis checking that it gets its own variant (INTERNAL otherwise). */
export function defineMethod<M extends UpdateMethod>(spec: MethodSpec<M>): UpdateStrategy {
  return {
    name: spec.name,
    extended: spec.extended,
    scratch: spec.scratch,
    orthogonalize: spec.orthogonalize,
    applyBasis(cx, sd, o, G) {
      if (o.method !== spec.name) throw internalError(`${spec.name} was handed a ${o.method} batch to apply`);
      spec.applyBasis(cx, sd, o as OrthOf<M>, G);
    },
  };
}
