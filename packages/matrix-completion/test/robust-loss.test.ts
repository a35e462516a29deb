// robust-altmin's training loss comes from its last half-step (each row's
// squared residual from the first pass, less gamma² / |D p|² per CG step:
// src/robust-altmin.ts) instead of a pass of its own. It must be the squared
// error of the factors the fit returns, with either sketch, on both backends,
// and when some rows are too short for the sketch and are solved exactly.
import { lowRankMatrix, observe } from "@lowrank/datasets";
import { beforeAll, describe, expect, it } from "vitest";
import { complete, init, type CompleteOptions, type CompletionModel, type Observations } from "../src/index.js";

/** Σ (U_i · V_j - v)² / |Omega| of the model's own factors, summed directly. */
function directLoss(model: CompletionModel, obs: Observations): number {
  const k = model.rank;
  let s = 0;
  for (let q = 0; q < obs.values.length; q++) {
    const i = obs.rowIndex[q], j = obs.colIndex[q];
    let p = 0;
    for (let t = 0; t < k; t++) p += model.U[i * k + t] * model.V[j * k + t];
    s += (p - obs.values[q]) ** 2;
  }
  return s / obs.values.length;
}

// Noisy rank 4, so the loss stays well away from zero; rows ~48, columns ~36 observations.
const obs = observe(lowRankMatrix(120, 160, 4, { seed: 21, noise: 0.05 }).M, 0.3, { seed: 22 });

const cases: [string, CompleteOptions][] = [
  ["CountSketch", { sketchSize: 16 }],
  ["SRHT", { sketch: "srht", sketchSize: 16 }],
  ["odd rank, rows of 9-16 columns", { rank: 9, sketchSize: 19, lambda: 1e-6 }],
  // Sketch rows above most columns' and some rows' counts: those are solved exactly and add their squared errors after the solve.
  ["rows solved exactly", { sketchSize: 45 }],
];

describe("robust-altmin's carried training loss", () => {
  beforeAll(async () => {
    await init();
  });
  for (const backend of ["wasm", "js"] as const) {
    for (const [name, opts] of cases) {
      it(`is the squared error of the returned factors (${name}, ${backend})`, async () => {
        const model = await complete(obs, { method: "robust-altmin", rank: 4, maxIter: 3, tol: 0, backend, ...opts });
        const last = model.history[model.history.length - 1];
        const direct = directLoss(model, obs);
        expect(direct).toBeGreaterThan(1e-4);
        expect(Math.abs(last.loss - direct)).toBeLessThan(1e-9 * direct);
        expect(last.trainRmse).toBeCloseTo(Math.sqrt(direct), 10);
      });
    }
  }
});
