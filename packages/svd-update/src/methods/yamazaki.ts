// Yamazaki et al. (2015): the batch's residual (I - V Vᵀ) Eᵀ formed densely
// and replaced by an approximate space from randomized power iteration
// (approxRank columns, approxIters iterations); the factors are rotated
// densely.
import { applyDenseBasis } from "../side.js";
import { defineMethod, type UpdateStrategy } from "./method.js";
import { counted, spaceOptions, denseResidualRows, denseScratch, project } from "./projection.js";
import { rpiBasis } from "./residual-space.js";

const EMPTY = new Float64Array(0);

/** yamazaki: projection, the dense residual, a randomized range finder of l = min(approxRank, s) columns. O(nnz k + s dim k + (iters + 1) l (s dim + l dim)). */
export const yamazaki: UpdateStrategy = defineMethod({
  name: "yamazaki",
  extended: false,
  scratch: denseScratch,
  orthogonalize(cx, sd, b, supp) {
    const { s, C0 } = project(cx, sd, b, supp);
    const sp = spaceOptions(cx, s), dim = sd.dim;
    const Xt = denseResidualRows(cx, sd, b, C0);
    const z = counted(cx, sp.l, rpiBasis(cx.st, { s, p: dim, kc: 0, Xb: Xt, Xc: EMPTY, Pg: sd.P, K: sd.K, identity: true, k: cx.k }, sp));
    return { method: "yamazaki", C0, R: z.R, sq: z.lq, Q: z.B };
  },
  applyBasis: applyDenseBasis,
});
