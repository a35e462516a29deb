// Tucker with missing entries by imputation (the EM scheme of TensorLy's
// masked tucker), run by tucker.ts when a mask is given.
import type { LongRun } from "@lowrank/linalg";
import { hooiSweep, project, startsAt, stHosvd, type TuckerWork } from "./hooi.js";
import { fillWithMean, refill } from "./impute.js";
import { atRoundingLevel, prod } from "./validate.js";

/** The loop's limits and its outputs. */
export interface ImputeSettings {
  maxIter: number;
  tol: number;
  /** The caller's run: one progress record per iteration. */
  run: LongRun<{ iteration: number; error: number }>;
  /** Receives ‖mask ∘ (X - X̂)‖ / ‖mask ∘ X‖ per iteration. */
  errors: number[];
  /** Ridge on the core (0: none): the core is shrunk to P(x) / (1 + lambda). */
  lambda?: number;
}

/** core /= 1 + lambda, in place (nothing when lambda is 0). */
function shrink(core: Float64Array, lambda: number): Float64Array {
  if (lambda > 0) for (let i = 0; i < core.length; i++) core[i] /= 1 + lambda;
  return core;
}

/**
 * Fills the missing entries with the mean of the observed ones, then
 * alternates a Tucker step on the filled tensor (ST-HOSVD first, HOOI sweeps
 * after) with refilling the missing entries from the reconstruction; stops
 * when the observed-entry error changes by less than `tol` or is at rounding
 * level, or after `maxIter` iterations. Works in place on t.x (the filled
 * tensor). Returns the core.
 *
 * With `lambda` > 0 this is EM for ‖mask ∘ (X - X̂)‖² + λ ‖core‖²: with
 * orthonormal factors the M step's core is P(x) / (1 + λ) (P the projection
 * x ×_n U_nᵀ) and its factors are HOOI's on x, since the penalised residual
 * ‖x‖² - ‖P(x)‖² / (1 + λ) is least where ‖P(x)‖ is largest.
 */
export async function tuckerCompletion(t: TuckerWork, mask: Uint8Array, o: ImputeSettings): Promise<Float64Array> {
  const { ws, x, shape, r, U, bufA, bufB } = t;
  const { maxIter, tol, run, errors } = o;
  const lambda = o.lambda ?? 0;
  const observedNorm2 = fillWithMean(x, mask);
  let core = stHosvd(t);
  for (let it = 0; it <= maxIter; it++) {
    if (it > 0) core = hooiSweep(t);
    shrink(core, lambda);
    // X̂ = core ×_1 U_1 ... ×_N U_N, in bufA/bufB (the core is consumed by the first product).
    let cur = core;
    const dims = r.slice();
    for (let k = 0; k < shape.length; k++) {
      const out = startsAt(cur, bufA) ? bufB : bufA;
      ws.kernels.modeProduct(false, prod(dims, 0, k), r[k], prod(dims, k + 1), shape[k], cur, U[k], r[k], out);
      dims[k] = shape[k];
      cur = out;
    }
    const err = refill(x, cur, mask, observedNorm2);
    const prev = errors.length > 0 ? errors[errors.length - 1] : Infinity;
    errors.push(err);
    await run.step({ iteration: it + 1, error: err });
    if (Math.abs(prev - err) < tol || atRoundingLevel(err, tol, shape.length)) break;
  }
  // The last refill changed x after the core was formed: recompute it so core and factors match X̂.
  return shrink(project(t, -1).data, lambda);
}
