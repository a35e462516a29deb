// `lambda: "auto"` of weighted TT/TR completion: the ridge chosen on a
// hold-out of the observed entries, as matrix completion's complete() does
// (see docs/ARCHITECTURE.md, tensor-network).
import { LowrankError, Rng, type Tensor } from "@lowrank/linalg";
import { reconstruct } from "./reconstruct.js";
import type { TensorRingResult } from "./tensor-ring.js";
import { trAls, type TrAlsSettings } from "./tr-als.js";

/** The ladder, largest first: each fit starts from the previous one's cores. */
export const LAMBDA_LADDER = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4];
/** Share of the observed entries held out to score the ladder. */
const HOLD_OUT = 0.1;
/** Sweeps per rung of the ladder (the final fit uses the caller's limits). */
const RUNG_SWEEPS = 30;

/** The run's lambda: a number as given, or with "auto" the ladder's rung of least held-out error. */
export async function resolveLambda(X: Tensor, ranks: number[], mask: Uint8Array | null, lambda: number | "auto" | undefined, s: TrAlsSettings): Promise<number> {
  if (lambda !== "auto") return lambda ?? 0;
  if (!mask || (s.completion ?? "weighted") !== "weighted") throw new LowrankError("INVALID_ARGUMENT", 'lambda: "auto" needs a mask and completion "weighted"');
  const rng = new Rng((s.seed ?? 0) + 1);
  const train = Uint8Array.from(mask), held: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] && rng.uniform() < HOLD_OUT) {
      train[i] = 0;
      held.push(i);
    }
  }
  if (held.length === 0) return LAMBDA_LADDER[2];
  let best = LAMBDA_LADDER[0], bestErr = Infinity, warm: TensorRingResult | null = null;
  for (const lam of LAMBDA_LADDER) {
    s.check?.();
    warm = await trAls(X, ranks, {
      ...s, observed: train, lambda: lam, maxIter: RUNG_SWEEPS, returnErrors: false, warm: warm ? warm.cores.map((c) => ({ shape: c.shape, data: c.data })) : undefined,
      afterSweep: async () => {},
    });
    const Y = reconstruct({ kind: "tensor-network", cores: warm.cores }, { backend: s.backend }).data;
    let err = 0;
    for (const i of held) err += (Y[i] - X.data[i]) ** 2;
    if (err < bestErr) {
      bestErr = err;
      best = lam;
    }
  }
  return best;
}
