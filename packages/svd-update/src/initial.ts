// The fresh truncated SVD an EvolvingSvd starts from (`create`) and returns to
// (`recompute`): truncatedSvd's thick-restart Lanczos by default, in a
// workspace of its own, or the randomized subspace iteration in the
// EvolvingSvd's workspace (on the worker pool when it is free, see
// openRunWorkspace). `method: "auto"`'s recomputations inside an update run
// the same method synchronously in the EvolvingSvd's workspace (update.ts).
import { LowrankError, type Backend, type CsrMatrix, type LongRun } from "@lowrank/linalg";
import { lanczosSettings, lanczosTruncatedSvd } from "@lowrank/linalg/internal";
import type { FactorLayout } from "./layout.js";
import { randomizedSvdIn, resolveTsvd, tsvdBytes, type SvdViews, type TruncatedSvdProgress } from "./truncated.js";
import { openRunWorkspace, scopedAsync } from "./workspace.js";

/** The method of the initial / recomputed SVD. */
export type InitialSvdMethod = "lanczos" | "randomized";

/** The options that choose and tune it (create's and recompute's). */
export interface InitialSvdOptions {
  oversample?: number;
  powerIters?: number;
  basisSize?: number;
  maxIter?: number;
  seed?: number;
  tol?: number;
}

const ONLY: Record<string, InitialSvdMethod> = { oversample: "randomized", powerIters: "randomized", basisSize: "lanczos", maxIter: "lanczos" };

/**
 * The method a call runs: the one asked for, else "randomized" when its
 * options (oversample, powerIters) are given, else "lanczos" (as
 * truncatedSvd). Errors: INVALID_ARGUMENT for an option of the other method.
 */
export function initialMethod(fn: string, asked: InitialSvdMethod | undefined, o: InitialSvdOptions): InitialSvdMethod {
  const method = asked ?? (o.oversample !== undefined || o.powerIters !== undefined ? "randomized" : "lanczos");
  for (const [key, only] of Object.entries(ONLY)) {
    if (only !== method && o[key as keyof InitialSvdOptions] !== undefined) {
      throw new LowrankError("INVALID_ARGUMENT", `${fn}: ${key} applies to the "${only}" SVD (this call runs "${method}")`);
    }
  }
  return method;
}

/** The rank asked for, checked against the shape. Errors: RANK. */
export function checkRank(k: number | undefined, m: number, n: number): number {
  if (k === undefined) throw new LowrankError("RANK", "EvolvingSvd.create: rank is required (an integer, 1 <= rank <= min(rows, cols))");
  if (k > Math.min(m, n)) throw new LowrankError("RANK", `rank ${k} exceeds min(rows, cols) = ${Math.min(m, n)}`);
  return k;
}

/** Bytes the randomized run takes from the EvolvingSvd's workspace (none for Lanczos, which has its own). */
export function initialBytes(method: InitialSvdMethod, C: CsrMatrix, k: number, o: InitialSvdOptions): number {
  if (method === "lanczos") return 0;
  return tsvdBytes(C.rows, C.cols, C.indptr[C.rows], resolveTsvd({ ...o, rank: k }, C.rows, C.cols));
}

/**
 * Computes the rank-k SVD of C and hands its factors to `take` (inside the
 * workspace scope of a randomized run, whose factors are views of it).
 * Errors: as truncatedSvd.
 */
export async function initialSvd(
  f: FactorLayout, backend: Backend | undefined, method: InitialSvdMethod, C: CsrMatrix, o: InitialSvdOptions,
  run: LongRun<TruncatedSvdProgress>, take: (r: SvdViews) => void,
): Promise<void> {
  const k = f.k;
  if (method === "lanczos") {
    const lo = lanczosSettings({ ...o, rank: k }, C.rows, C.cols);
    const r = await lanczosTruncatedSvd(C, lo, run, (bytes) => openRunWorkspace(backend, bytes, "EvolvingSvd"));
    take({ U: r.U.data, s: r.s, V: r.V.data });
    return;
  }
  const ro = resolveTsvd({ ...o, rank: k }, C.rows, C.cols);
  await scopedAsync(f.st, async () => take(await randomizedSvdIn(f.st, C, ro, run)));
}
