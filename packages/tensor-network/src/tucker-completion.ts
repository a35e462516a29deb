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
}

/**
 * Fills the missing entries with the mean of the observed ones, then
 * alternates a Tucker step on the filled tensor (ST-HOSVD first, HOOI sweeps
 * after) with refilling the missing entries from the reconstruction; stops
 * when the observed-entry error changes by less than `tol` or is at rounding
 * level, or after `maxIter` iterations. Works in place on t.x (the filled
 * tensor). Returns the core.
 */
export async function tuckerCompletion(t: TuckerWork, mask: Uint8Array, o: ImputeSettings): Promise<Float64Array> {
  const { ws, x, shape, r, U, bufA, bufB } = t;
  const { maxIter, tol, run, errors } = o;
  const observedNorm2 = fillWithMean(x, mask);
  let core = stHosvd(t);
  for (let it = 0; it <= maxIter; it++) {
    if (it > 0) core = hooiSweep(t);
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
  return project(t, -1).data;
}
