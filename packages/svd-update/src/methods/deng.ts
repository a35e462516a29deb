// Deng et al. (ICLR 2024), the default method: the batch's remainder
// (I - V Vᵀ) Eᵀ is orthonormalised exactly, in the sparse form q = b - V c
// (b on the batch's support, c in R^k) by sparseGramSchmidt, and the factors
// are kept in the extended form P K, so an update touches only K and the
// support rows of P (side.ts).
import { applyExtendedBasis } from "../side.js";
import { defineMethod, type UpdateStrategy } from "./method.js";
import { project } from "./projection.js";

/**
 * deng: projection, then modified Gram-Schmidt on the (b, c) pairs, dropping
 * a direction whose remainder is at most dropTol ||e_j||.
 * O(nnz k + p s k + s² (p + k)).
 */
export const deng: UpdateStrategy = defineMethod({
  name: "deng",
  extended: true,
  scratch: () => 0,
  orthogonalize(cx, sd, b, supp) {
    const { s, p, idx, Ec, C0 } = project(cx, sd, b, supp);
    const st = cx.st, k = cx.k;
    const Chat = st.f64(s * k), R = st.f64(s * s);
    Chat.set(C0);
    // Ec becomes B: the sparse parts of the orthonormal directions.
    const sq = st.kernels.sparseGramSchmidt(s, p, k, Ec, Chat, R, cx.tol2, 0);
    cx.counts.dropped += s - sq;
    return { method: "deng", C0, R, sq, p, idx, B: Ec, Chat };
  },
  applyBasis: applyExtendedBasis,
});
