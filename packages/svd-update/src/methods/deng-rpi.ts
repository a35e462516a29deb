// deng-rpi: Deng et al.'s extended form with an approximate residual space
// from randomized power iteration (Yamazaki et al. 2015) instead of the exact
// Gram-Schmidt, still in the sparse (b, c) form.
import { applyExtendedBasis } from "../side.js";
import { defineMethod, type UpdateStrategy } from "./method.js";
import { counted, spaceOptions, project } from "./projection.js";
import { rpiBasis } from "./residual-space.js";

const EMPTY = new Float64Array(0);

/** deng-rpi: projection, then a randomized range finder of l = min(approxRank, s) columns with approxIters power iterations. */
export const dengRpi: UpdateStrategy = defineMethod({
  name: "deng-rpi",
  extended: true,
  scratch: () => 0,
  orthogonalize(cx, sd, b, supp) {
    const { s, p, idx, Ec, C0 } = project(cx, sd, b, supp);
    const k = cx.k, sp = spaceOptions(cx, s);
    // The power iteration never re-projects on V, so it needs no rows of the basis (Pg).
    const z = counted(cx, sp.l, rpiBasis(cx.st, { s, p, kc: k, Xb: Ec, Xc: C0, Pg: EMPTY, K: sd.K, identity: sd.identity, k }, sp));
    return { method: "deng-rpi", C0, R: z.R, sq: z.lq, p, idx, B: z.B, Chat: z.C };
  },
  applyBasis: applyExtendedBasis,
});
