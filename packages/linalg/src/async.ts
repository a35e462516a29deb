// Asynchronous forms of the long synchronous factorisations, taking an
// AbortSignal, and the checked `createWorkspace`. docs/ARCHITECTURE.md ("Long
// runs") describes the contract they follow.
import { MAX_WASM_BYTES } from "./arena.js";
import { eigh, type EighResult } from "./eigh.js";
import { LowrankError } from "./errors.js";
import { LongRun, SIGNAL, yieldToEventLoop } from "./long-run.js";
import { createWorkspace as moduleWorkspace } from "./module.js";
import { BACKEND, opt, readOptions } from "./options.js";
import { EIGH_OPTIONS, SVD_OPTIONS } from "./schemas.js";
import type { Dtype, DtypeOption, WithDtype } from "./dtype.js";
import { svd, type SvdOptions, type SvdResult } from "./svd.js";
import type { Backend, MatrixLike } from "./types.js";
import { readMatrix } from "./validate.js";
import type { Workspace } from "./workspace.js";
import type { SymmetricOptions } from "./eigh.js";

/**
 * {@link svd} as a promise that honours an AbortSignal. The signal is checked
 * before any work (an already-aborted signal rejects with ABORTED at once),
 * after the input is read and the event loop has had a turn, and once more
 * after the factorisation. The factorisation itself is one synchronous
 * kernel pipeline over one workspace (see svd's Method) and is not
 * interrupted inside: the signal cannot stop it halfway, and the result is
 * bit-for-bit that of `svd`. Errors: those of `svd`, and ABORTED.
 *
 * @example
 * const { U, s, V } = await svdAsync(A, { rank: 5, signal: controller.signal });
 */
export async function svdAsync<D extends Dtype = "float64">(
  A: MatrixLike, opts?: SvdOptions & DtypeOption<D> & { signal?: AbortSignal },
): Promise<WithDtype<SvdResult & { kind: "svd"; version: number }, D>> {
  const o = readOptions("svdAsync", opts, { ...SVD_OPTIONS, ...SIGNAL });
  const run = new LongRun("svdAsync", { signal: o.signal });
  const a = readMatrix(A, "A");
  await yieldToEventLoop();
  run.check();
  const result = svd(a, { rank: o.rank, k: o.k, method: o.method, dtype: o.dtype as D, backend: o.backend });
  run.check();
  return result;
}

/**
 * {@link eigh} as a promise that honours an AbortSignal, checked as in
 * {@link svdAsync} (before any work, after the input is read and the event
 * loop has had a turn, after the decomposition; the tridiagonal reduction and
 * QL iteration run as one synchronous block, bit-for-bit those of `eigh`).
 * Errors: those of `eigh`, and ABORTED.
 *
 * @example
 * const { values, vectors } = await eighAsync(S, { signal });
 */
export async function eighAsync<D extends Dtype = "float64">(
  S: MatrixLike, opts?: SymmetricOptions & DtypeOption<D> & { signal?: AbortSignal },
): Promise<WithDtype<EighResult, D>> {
  const o = readOptions("eighAsync", opts, { ...EIGH_OPTIONS, ...SIGNAL });
  const run = new LongRun("eighAsync", { signal: o.signal });
  const s = readMatrix(S, "S");
  await yieldToEventLoop();
  run.check();
  const result = eigh(s, { symmetryTol: o.symmetryTol, dtype: o.dtype as D, backend: o.backend });
  run.check();
  return result;
}

/**
 * A workspace with its own WASM instance (or plain arrays on js) reserving
 * `bytes` bytes of arena, for long or asynchronous runs. `bytes` must be a
 * finite number >= 0 (INVALID_ARGUMENT otherwise; fractions round up) and fit
 * wasm32 memory (TOO_LARGE past 4 GiB), on both backends.
 *
 * @example
 * const ws = await createWorkspace("wasm", 1 << 20);
 */
export async function createWorkspace(backend: Backend | undefined, bytes: number): Promise<Workspace> {
  const b = backend === undefined ? undefined : BACKEND(backend, "createWorkspace: backend");
  const n = Math.ceil(opt.number({ min: 0 })(bytes, "createWorkspace: bytes"));
  if (n > MAX_WASM_BYTES) throw new LowrankError("TOO_LARGE", `createWorkspace: ${n} bytes do not fit wasm32 memory (4 GiB)`);
  return moduleWorkspace(b, n);
}
