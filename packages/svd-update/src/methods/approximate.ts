// The four methods that replace the exact orthonormalisation of a batch's
// residual (I - V Vᵀ) Eᵀ by a small approximate space (residual-space.ts):
// Golub-Kahan-Lanczos bidiagonalisation (Vecharynski and Saad 2014) or
// randomized power iteration (Yamazaki et al. 2015), either on the dense
// residual rows with the factors rotated densely (vecharynski, yamazaki), or
// in Deng et al.'s sparse (b, c) form with the factors kept as P K
// (deng-gkl, deng-rpi). At most approxRank new directions per batch.
import type { SvdWorkspace } from "../kernels/index.js";
import { applyDenseBasis, applyExtendedBasis } from "../side.js";
import { defineMethod, type OrthOf, type UpdateStrategy } from "./method.js";
import { counted, spaceOptions, denseResidualRows, denseScratch, project } from "./projection.js";
import { gklBasis, rpiBasis, type PairBasis, type PairBatch, type SpaceOptions } from "./residual-space.js";

const EMPTY = new Float64Array(0);

type SpaceBuilder = (st: SvdWorkspace, x: PairBatch, sp: SpaceOptions) => PairBasis;

/** A dense approximate method: projection, the dense residual rows (dim x s), then the space of `basis` on them. */
function denseMethod<M extends "vecharynski" | "yamazaki">(name: M, basis: SpaceBuilder): UpdateStrategy {
  return defineMethod({
    name,
    extended: false,
    scratch: denseScratch,
    orthogonalize(cx, sd, b, supp) {
      const { s, C0 } = project(cx, sd, b, supp);
      const sp = spaceOptions(cx, s), dim = sd.dim;
      const Xt = denseResidualRows(cx, sd, b, C0);
      const z = counted(cx, sp.l, basis(cx.st, { s, p: dim, kc: 0, Xb: Xt, Xc: EMPTY, Pg: sd.P, K: sd.K, identity: true, k: cx.k }, sp));
      return { method: name, C0, R: z.R, sq: z.lq, Q: z.B } as OrthOf<M>;
    },
    applyBasis: applyDenseBasis,
  });
}

/**
 * An extended approximate method: projection, then the space of `basis` on
 * the (b, c) pairs. With `reproject` the builder re-projects its vectors on V
 * and needs the support rows of P (V's support rows are Pg K); the power
 * iteration does not.
 */
function extendedMethod<M extends "deng-gkl" | "deng-rpi">(name: M, basis: SpaceBuilder, reproject: boolean): UpdateStrategy {
  return defineMethod({
    name,
    extended: true,
    scratch: () => 0,
    orthogonalize(cx, sd, b, supp) {
      const { s, p, idx, Ec, C0 } = project(cx, sd, b, supp);
      const st = cx.st, k = cx.k, sp = spaceOptions(cx, s);
      let Pg: Float64Array = EMPTY;
      if (reproject) {
        Pg = st.f64(p * k);
        st.kernels.gatherRows(p, k, idx, sd.P, Pg);
      }
      const z = counted(cx, sp.l, basis(st, { s, p, kc: k, Xb: Ec, Xc: C0, Pg, K: sd.K, identity: sd.identity, k }, sp));
      return { method: name, C0, R: z.R, sq: z.lq, p, idx, B: z.B, Chat: z.C } as OrthOf<M>;
    },
    applyBasis: applyExtendedBasis,
  });
}

/** vecharynski: projection, the dense residual, l = min(approxRank, s) GKL steps. O(nnz k + s dim k + l (s dim + l (dim + s) + dim k)). */
export const vecharynski: UpdateStrategy = denseMethod("vecharynski", gklBasis);

/** yamazaki: projection, the dense residual, a randomized range finder of l = min(approxRank, s) columns. O(nnz k + s dim k + (iters + 1) l (s dim + l dim)). */
export const yamazaki: UpdateStrategy = denseMethod("yamazaki", rpiBasis);

/** deng-gkl: projection, then l = min(approxRank, s) GKL steps on the pairs. O(nnz k + p s k + l (s (p + k) + l (p + k + s) + p k)). */
export const dengGkl: UpdateStrategy = extendedMethod("deng-gkl", gklBasis, true);

/** deng-rpi: projection, then a randomized range finder of l = min(approxRank, s) columns with approxIters power iterations. */
export const dengRpi: UpdateStrategy = extendedMethod("deng-rpi", rpiBasis, false);
