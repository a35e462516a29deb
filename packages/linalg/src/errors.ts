/** Machine-readable reason for a {@link LowrankError}. */
export type LowrankErrorCode =
  | "SHAPE"
  | "NON_FINITE"
  | "RANK"
  | "INDEX"
  | "EMPTY"
  | "TOO_LARGE"
  | "NOT_CONVERGED"
  | "ABORTED"
  | "INVALID_ARGUMENT"
  | "NOT_INITIALIZED"
  | "INTERNAL";

/**
 * The codes, what they mean, and who is at fault:
 *
 * | code | meaning |
 * | --- | --- |
 * | SHAPE | an input's dimensions or lengths do not fit (together) |
 * | NON_FINITE | NaN or Infinity in an input, or a result that cannot be represented |
 * | RANK | a rank or count out of its range (above min(m, n), below 1) |
 * | INDEX | an index outside its dimension, or not an integer |
 * | EMPTY | an input with no entries where some are needed |
 * | TOO_LARGE | a size that cannot fit (wasm32 memory, the engine's array limits, or a result out of double range) |
 * | NOT_CONVERGED | an iteration that did not meet its tolerance where the caller asked for a hard stop |
 * | ABORTED | the caller's AbortSignal fired |
 * | INVALID_ARGUMENT | a wrong type, an option out of range or unknown, an unsupported form of input |
 * | NOT_INITIALIZED | the WebAssembly module is not compiled and cannot be compiled synchronously here |
 * | INTERNAL | a broken internal invariant: a bug in lowrank, please report it |
 */
export const LOWRANK_ERROR_CODES: readonly LowrankErrorCode[] = [
  "SHAPE", "NON_FINITE", "RANK", "INDEX", "EMPTY", "TOO_LARGE", "NOT_CONVERGED", "ABORTED", "INVALID_ARGUMENT", "NOT_INITIALIZED", "INTERNAL",
];

/**
 * The one error type every `@lowrank` package throws for bad input or a run it
 * cannot complete. `code` says why; the message says where and what was seen.
 *
 * @example
 * try { gemm(A, B); } catch (e) { if (e instanceof LowrankError && e.code === "SHAPE") ... }
 */
export class LowrankError extends Error {
  readonly code: LowrankErrorCode;
  constructor(code: LowrankErrorCode, message: string) {
    // String(): the class is exported, and a symbol in a template literal would throw a TypeError here.
    super(`[${String(code)}] ${String(message)}`);
    this.name = "LowrankError";
    this.code = code;
  }
}

/** An INTERNAL error: a broken invariant inside lowrank, never the caller's input. */
export function internalError(message: string): LowrankError {
  return new LowrankError("INTERNAL", `${String(message)} (a lowrank bug: please report it with the call that raised it)`);
}
