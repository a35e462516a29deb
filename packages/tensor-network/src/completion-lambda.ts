// `lambda: "auto"` of tensor completion: the ridge chosen on a hold-out of
// the observed entries, as matrix completion's complete() does (see
// docs/ARCHITECTURE.md, tensor-network). Weighted TT/TR use it through
// resolveLambda, Tucker and CP (imputation) through resolveRidge.
import { LowrankError, opt, Rng, type Tensor } from "@lowrank/linalg";
import { reconstruct } from "./reconstruct.js";
import { trAls, type TrAlsSettings } from "./tr-als.js";

/**
 * The ladder of weighted TT/TR (λ |Ω_i| per core slice). Each rung is a full
 * fit from the same random start: warm starts down the ladder were measured
 * to favour the last rungs (they had run more sweeps), picking 1e-4 where
 * 3e-3 was 4 dB better.
 */
export const LAMBDA_LADDER = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4];
/**
 * The ladder of Tucker and CP, whose ridge is relative (core shrunk by
 * 1 / (1 + λ); λ mean(diag V) on CP's normal equations). It ends at 0, so a
 * tensor the model fits exactly keeps its exact fit.
 */
export const RIDGE_LADDER = [0.1, 0.03, 0.01, 0.003, 0];
/** The `lambda` option of every completion method: a number in [0, 1e6] or "auto". */
export const LAMBDA_OPTION = opt.either(opt.number({ min: 0, max: 1e6 }), opt.oneOf(["auto"] as const), 'a number in [0, 1e6] or "auto"');
/** Share of the last mode's fibres whose observed entries are held out to score the ladder. */
const HOLD_OUT = 0.1;

/**
 * Of `ladder`, the λ whose fit on the observed entries less a hold-out (whole
 * fibres of the last mode, 10% of them: a photograph's pixels with their
 * channels) has the least squared error on the held-out ones; `fit` returns
 * the dense reconstruction of a fit on the mask it is given. With nothing
 * held out, the ladder's middle rung.
 */
export async function holdOutLambda(
  X: Tensor, mask: Uint8Array, seed: number, ladder: number[],
  fit: (train: Uint8Array, lambda: number) => Promise<Float64Array>, check?: () => void,
): Promise<number> {
  const rng = new Rng(seed + 1);
  const train = Uint8Array.from(mask), held: number[] = [];
  const last = X.shape[X.shape.length - 1];
  for (let f = 0; f < mask.length; f += last) {
    if (rng.uniform() >= HOLD_OUT) continue;
    for (let i = f; i < f + last; i++) {
      if (!mask[i]) continue;
      train[i] = 0;
      held.push(i);
    }
  }
  if (held.length === 0) return ladder[ladder.length >> 1];
  let best = ladder[0], bestErr = Infinity;
  for (const lam of ladder) {
    check?.();
    const Y = await fit(train, lam);
    let err = 0;
    for (const i of held) err += (Y[i] - X.data[i]) ** 2;
    if (err < bestErr) {
      bestErr = err;
      best = lam;
    }
  }
  return best;
}

/** The run's lambda: a number as given, or with "auto" the ladder's rung of least held-out error. */
export async function resolveLambda(X: Tensor, ranks: number[], mask: Uint8Array | null, lambda: number | "auto" | undefined, s: TrAlsSettings): Promise<number> {
  if (lambda === undefined) return 0;
  if (!mask || (s.completion ?? "weighted") !== "weighted") throw new LowrankError("INVALID_ARGUMENT", "lambda needs a mask and completion \"weighted\"");
  if (lambda !== "auto") return lambda;
  return holdOutLambda(X, mask, s.seed ?? 0, LAMBDA_LADDER, async (train, lam) => {
    const fit = await trAls(X, ranks, { ...s, observed: train, lambda: lam, returnErrors: false, afterSweep: async () => {} });
    return reconstruct({ kind: "tensor-network", cores: fit.cores }, { backend: s.backend }).data;
  }, s.check);
}

/**
 * Tucker's and CP's lambda: 0 when absent, a number as given, or with "auto"
 * RIDGE_LADDER's rung of least held-out error (`fit` runs the method on a
 * mask with a number). INVALID_ARGUMENT without a mask.
 */
export async function resolveRidge(
  fn: string, X: Tensor, mask: Uint8Array | null, lambda: number | "auto" | undefined, seed: number,
  fit: (train: Uint8Array, lambda: number) => Promise<Float64Array>, check?: () => void,
): Promise<number> {
  if (lambda === undefined) return 0;
  if (!mask) throw new LowrankError("INVALID_ARGUMENT", `${fn}: lambda needs a mask (completion)`);
  if (lambda !== "auto") return lambda;
  return holdOutLambda(X, mask, seed, RIDGE_LADDER, fit, check);
}
