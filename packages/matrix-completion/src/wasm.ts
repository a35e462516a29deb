// The completion kernel set bound to one WASM instance: the generated binding
// of every export (src/generated/exports.ts, from assembly/), linalg's
// binding of its own kernels, and the one adapter whose TypeScript signature
// differs from the export's (alsHalfStep's and the bpmf half-steps' booleans as 0/1, their optional views as 0).
import { pointerOf, type WasmInstance } from "@lowrank/linalg/internal";
import { bindLinalg } from "@lowrank/linalg/kernels";
import { bindExports, type Exports } from "./generated/exports.js";
import type { CompletionKernels } from "./kernels/index.js";

const bound = new WeakMap<object, CompletionKernels>();

/** The completion kernels on `instance`; each call checks its views live in that instance's memory. */
export function bindCompletion(instance: WasmInstance<Exports>): CompletionKernels {
  const cached = bound.get(instance);
  if (cached) return cached;
  const x = instance.exports, p = pointerOf(instance.memory);
  const g = bindExports(x, p);
  // An optional view: its pointer, or 0 for none.
  const q = (a: Float64Array | null) => (a ? p(a) : 0);
  const k: CompletionKernels = {
    ...g,
    ...bindLinalg(instance),
    alsHalfStep: (n, kk, ptr, idx, vals, F, ob, X, bias, mu, lambda, lambdaBias, weighted, fitBias, work) =>
      g.alsHalfStep(n, kk, ptr, idx, vals, F, ob, X, bias, mu, lambda, lambdaBias, weighted ? 1 : 0, fitBias ? 1 : 0, work),
    bpmfHalfStep: (n, kk, ptr, idx, vals, F, ob, X, bias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, ow, rs, errs, Fw) =>
      x.bpmfHalfStep(n, kk, p(ptr), p(idx), p(vals), p(F), p(ob), p(X), p(bias), mu, alpha, p(Lam), p(h0), fitBias ? 1 : 0, p(z), p(M), p(meanBias), p(work), q(ow), q(rs), q(errs), q(Fw)),
    bpmfWeightRows: (m, kk, fitBias, F, ow, Fw) => x.bpmfWeightRows(m, kk, fitBias ? 1 : 0, p(F), p(ow), p(Fw)),
    bpmfHalfStepScored: (n, kk, ptr, idx, vals, F, ob, X, bias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, acc, div, sums, ow, rs, Fw, Fs, sb) =>
      x.bpmfHalfStepScored(n, kk, p(ptr), p(idx), p(vals), p(F), p(ob), p(X), p(bias), mu, alpha, p(Lam), p(h0), fitBias ? 1 : 0, p(z), p(M), p(meanBias), p(work), p(acc), div, p(sums), q(ow), q(rs), q(Fw), q(Fs), q(sb)),
  };
  bound.set(instance, k);
  return k;
}
