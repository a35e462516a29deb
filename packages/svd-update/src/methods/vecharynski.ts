// Vecharynski and Saad (2014): the batch's residual (I - V Vᵀ) Eᵀ formed
// densely and replaced by an approximate space from Golub-Kahan-Lanczos
// bidiagonalisation (approxRank vectors at most); the factors are rotated
// densely.
import { applyDenseBasis } from "../side.js";
import { defineMethod, type UpdateStrategy } from "./method.js";
import { counted, spaceOptions, denseResidualRows, denseScratch, project } from "./projection.js";
import { gklBasis } from "./residual-space.js";

const EMPTY = new Float64Array(0);

/** vecharynski: projection, the dense residual, l = min(approxRank, s) GKL steps. O(nnz k + s dim k + l (s dim + l (dim + s) + dim k)). */
export const vecharynski: UpdateStrategy = defineMethod({
  name: "vecharynski",
  extended: false,
  scratch: denseScratch,
  orthogonalize(cx, sd, b, supp) {
    const { s, C0 } = project(cx, sd, b, supp);
    const sp = spaceOptions(cx, s), dim = sd.dim;
    const Xt = denseResidualRows(cx, sd, b, C0);
    const z = counted(cx, sp.l, gklBasis(cx.st, { s, p: dim, kc: 0, Xb: Xt, Xc: EMPTY, Pg: sd.P, K: sd.K, identity: true, k: cx.k }, sp));
    return { method: "vecharynski", C0, R: z.R, sq: z.lq, Q: z.B };
  },
  applyBasis: applyDenseBasis,
});
