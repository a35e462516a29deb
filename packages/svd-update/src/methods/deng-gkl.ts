// deng-gkl: Deng et al.'s extended form with an approximate residual space
// from Golub-Kahan-Lanczos (Vecharynski and Saad 2014) instead of the exact
// Gram-Schmidt, still in the sparse (b, c) form: at most approxRank new
// directions per batch.
import { applyExtendedBasis } from "../side.js";
import { defineMethod, type UpdateStrategy } from "./method.js";
import { counted, spaceOptions, project } from "./projection.js";
import { gklBasis } from "./residual-space.js";

/** deng-gkl: projection, then l = min(approxRank, s) GKL steps on the pairs. O(nnz k + p s k + l (s (p + k) + l (p + k + s) + p k)). */
export const dengGkl: UpdateStrategy = defineMethod({
  name: "deng-gkl",
  extended: true,
  scratch: () => 0,
  orthogonalize(cx, sd, b, supp) {
    const { s, p, idx, Ec, C0 } = project(cx, sd, b, supp);
    const st = cx.st, k = cx.k, sp = spaceOptions(cx, s);
    // GKL re-projects its vectors on V: the support rows of P (V's support rows are Pg K).
    const Pg = st.f64(p * k);
    st.kernels.gatherRows(p, k, idx, sd.P, Pg);
    const z = counted(cx, sp.l, gklBasis(st, { s, p, kc: k, Xb: Ec, Xc: C0, Pg, K: sd.K, identity: sd.identity, k }, sp));
    return { method: "deng-gkl", C0, R: z.R, sq: z.lq, p, idx, B: z.B, Chat: z.C };
  },
  applyBasis: applyExtendedBasis,
});
