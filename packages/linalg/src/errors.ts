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
  | "NOT_INITIALIZED";

/**
 * The one error type every @lowrank package throws for bad input or a run it
 * cannot complete. `code` says why; the message says where and what was seen.
 *
 * @example
 * try { gemm(A, B); } catch (e) { if (e instanceof LowrankError && e.code === "SHAPE") ... }
 */
export class LowrankError extends Error {
  readonly code: LowrankErrorCode;
  constructor(code: LowrankErrorCode, message: string) {
    super(`[${code}] ${message}`);
    this.name = "LowrankError";
    this.code = code;
  }
}
