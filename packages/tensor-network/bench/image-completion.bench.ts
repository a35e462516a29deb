// Tensor completion of a photograph with missing pixels: TT-ALS with the
// weighted (observed entries only) and the EM (imputation) completion, same
// ranks, same start (see photo.ts for how rows are reported).
import { Rng } from "@lowrank/linalg";
import { compressionRatio, init, reconstruct, relativeError, tensorTrain } from "../src/index.js";
import { note, pick } from "../../../tools/bench/lib.mjs";
import { grayBlock, photoRow, quaternary, timed } from "./photo.js";

const { variant } = await init();
const n = pick(256, 16);
const gray = grayBlock(n, pick(100, 0), pick(100, 0));
const X = quaternary({ shape: [n, n], data: gray.data });
const rank = pick(6, 2);
const summary: string[] = [];
for (const observed of [0.5, 0.3]) {
  const rng = new Rng(1);
  const mask = Uint8Array.from(X.data, () => (rng.uniform() < observed ? 1 : 0));
  const missing = { shape: X.shape, data: X.data.map((v, i) => (mask[i] ? v : NaN)) };
  const res: Record<string, { ms: number; err: number; sweeps: number }> = {};
  for (const completion of ["weighted", "em"] as const) {
    const [tt, ms] = await timed(() => tensorTrain(missing, { mask, maxRank: rank, completion, maxIter: 100, tol: 1e-5, returnErrors: true }));
    const err = relativeError(X, reconstruct(tt));
    res[completion] = { ms, err, sweeps: tt.errors!.length };
    photoRow(variant, `TT completion (${completion === "em" ? "EM imputation" : "weighted ALS"}), ${observed * 100}% of pixels observed`, `${X.shape.join("×")} boats gray ${n}² block`, ms,
      compressionRatio(tt), err, `TT ranks ≤ ${rank}, ${tt.errors!.length} sweeps, observed-entry error ${tt.errors!.at(-1)!.toFixed(4)}`);
  }
  summary.push(`${observed * 100}% observed: weighted ALS ${res.weighted.sweeps} sweeps against EM's ${res.em.sweeps}, EM took ${(res.em.ms / res.weighted.ms).toFixed(1)}× the time, error ${res.weighted.err.toFixed(4)} against ${res.em.err.toFixed(4)}`);
}
const full = await tensorTrain(X, { maxRank: rank });
note(`Completion rows: a ${n}×${n} block of the grayscale \`boats\` (from row 100, column 100 of the 819×1024 original) as a 4^${Math.round((2 * Math.log(n)) / Math.log(4))} tensor, pixels missing uniformly at random (NaN), TT-ALS with ranks ≤ ${rank} from the same random start, stopping when the observed-entry error changes by less than 1e-5 (100 sweeps at most); relative error on all pixels. ${summary.join("; ")}. TT-SVD of the complete block with the same ranks: ${relativeError(X, reconstruct(full)).toFixed(4)}.`);
