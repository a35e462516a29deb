// One row's regularised least-squares solve through its normal equations:
// G = Σ f fᵀ (+ the bias column), b = Σ t f, then Cholesky and two triangular
// solves. Shared by alsHalfStep and the small-row path of sketchedHalfStep.
// Twin: src/kernels/normal-solve.ts.
import { cholesky } from "../../linalg/assembly/cholesky-rows";
import { triangularSolve } from "../../linalg/assembly/triangular";
import { axpyInline } from "../../linalg/assembly/blas1";
import { gram1, gram4 } from "./gram";

/** Address of the factor row of observation q's column. */
@inline function factorRow(F: usize, idx: usize, q: i32, k: i32): usize {
  return F + (<usize>load<i32>(idx + (<usize>q << 2)) * <usize>k << 3);
}

/** Observation q's part of the right-hand side b (and of the bias row and corner of G). */
@inline function addTarget(
  q: i32, k: i32, idx: usize, vals: usize, F: usize, otherBias: usize, mu: f64, fitBias: bool, d: i32, G: usize, b: usize,
): void {
  const j = load<i32>(idx + (<usize>q << 2));
  const f = F + (<usize>j * <usize>k << 3);
  const t = load<f64>(vals + (<usize>q << 3)) - mu - load<f64>(otherBias + (<usize>j << 3));
  if (fitBias) {
    const gk = G + (<usize>(k * d) << 3);
    axpyInline(k, 1.0, f, gk);
    store<f64>(gk + (<usize>k << 3), load<f64>(gk + (<usize>k << 3)) + 1.0);
    store<f64>(b + (<usize>k << 3), load<f64>(b + (<usize>k << 3)) + t);
  }
  axpyInline(k, t, f, b);
}

/**
 * Solves row i: unknowns x (k) and, when fitBias, the row's bias as entry k.
 * Design row of observation q is [F_j, 1] with target vals[q] - mu - otherBias[j].
 * G (d x d, d = k + fitBias) and b (d) are scratch; the solution is left in b.
 * Returns false when G is not positive definite (no ridge and too few observations).
 */
export function normalSolve(
  start: i32, end: i32, k: i32, idx: usize, vals: usize, F: usize, otherBias: usize,
  mu: f64, reg: f64, regBias: f64, fitBias: bool, G: usize, b: usize,
): bool {
  const d = fitBias ? k + 1 : k;
  formNormal(start, end, k, idx, vals, F, otherBias, mu, fitBias, G, b);
  for (let r = 0; r < k; r++) {
    const p = G + (<usize>(r * d + r) << 3);
    store<f64>(p, load<f64>(p) + reg);
  }
  if (fitBias) {
    const p = G + (<usize>(k * d + k) << 3);
    store<f64>(p, load<f64>(p) + regBias);
  }
  if (cholesky(d, G, d) < 0) return false;
  triangularSolve(true, false, false, d, 1, G, d, b, 1);
  triangularSolve(true, true, false, d, 1, G, d, b, 1);
  return true;
}

/**
 * The unregularised normal equations of the row whose observations are q in [start, end):
 * G (lower triangle, d x d, zeroed first) = Σ [F_j, 1][F_j, 1]ᵀ and b = Σ t [F_j, 1] (the 1 when fitBias).
 */
@inline export function formNormal(
  start: i32, end: i32, k: i32, idx: usize, vals: usize, F: usize, otherBias: usize, mu: f64, fitBias: bool, G: usize, b: usize,
): void {
  const d = fitBias ? k + 1 : k;
  memory.fill(G, 0, <usize>(d * d) << 3);
  memory.fill(b, 0, <usize>d << 3);
  let q = start;
  for (; q + 4 <= end; q += 4) {
    gram4(k, d, G, factorRow(F, idx, q, k), factorRow(F, idx, q + 1, k), factorRow(F, idx, q + 2, k), factorRow(F, idx, q + 3, k));
    for (let u = 0; u < 4; u++) addTarget(q + u, k, idx, vals, F, otherBias, mu, fitBias, d, G, b);
  }
  for (; q < end; q++) {
    gram1(k, d, G, factorRow(F, idx, q, k));
    addTarget(q, k, idx, vals, F, otherBias, mu, fitBias, d, G, b);
  }
}
