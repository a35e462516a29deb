// `lambda: "auto"` of weighted TT/TR completion: the ridge chosen on a
// hold-out of the observed entries, as matrix completion's complete() does
// (see docs/ARCHITECTURE.md, tensor-network).
import { LowrankError, Rng, type Tensor } from "@lowrank/linalg";
import { reconstruct } from "./reconstruct.js";
import { trAls, type TrAlsSettings } from "./tr-als.js";

/**
 * The ladder. Each rung is a full fit from the same random start: warm starts
 * down the ladder were measured to favour the last rungs (they had run more
 * sweeps), picking 1e-4 where 3e-3 was 4 dB better.
 */
export const LAMBDA_LADDER = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4];
/** Share of the last mode's fibres whose observed entries are held out to score the ladder. */
const HOLD_OUT = 0.1;

/** The run's lambda: a number as given, or with "auto" the ladder's rung of least held-out error. */
export async function resolveLambda(X: Tensor, ranks: number[], mask: Uint8Array | null, lambda: number | "auto" | undefined, s: TrAlsSettings): Promise<number> {
  if (lambda === undefined) return 0;
  if (!mask || (s.completion ?? "weighted") !== "weighted") throw new LowrankError("INVALID_ARGUMENT", "lambda needs a mask and completion \"weighted\"");
  if (lambda !== "auto") return lambda;
  const rng = new Rng((s.seed ?? 0) + 1);
  const train = Uint8Array.from(mask), held: number[] = [];
  // Whole fibres of the last mode at a time (a photograph's pixels: its channels go together).
  const last = X.shape[X.shape.length - 1];
  for (let f = 0; f < mask.length; f += last) {
    if (rng.uniform() >= HOLD_OUT) continue;
    for (let i = f; i < f + last; i++) {
      if (!mask[i]) continue;
      train[i] = 0;
      held.push(i);
    }
  }
  if (held.length === 0) return LAMBDA_LADDER[2];
  let best = LAMBDA_LADDER[0], bestErr = Infinity;
  for (const lam of LAMBDA_LADDER) {
    s.check?.();
    const fit = await trAls(X, ranks, { ...s, observed: train, lambda: lam, returnErrors: false, afterSweep: async () => {} });
    const Y = reconstruct({ kind: "tensor-network", cores: fit.cores }, { backend: s.backend }).data;
    let err = 0;
    for (const i of held) err += (Y[i] - X.data[i]) ** 2;
    if (err < bestErr) {
      bestErr = err;
      best = lam;
    }
  }
  return best;
}
