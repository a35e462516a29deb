// Public API of @lowrank/linalg.
export type { Backend, BackendOptions, CsrMatrix, DenseMatrix, Tensor, WasmVariant } from "./types.js";
export type { MatrixLike, VectorLike, CsrLike } from "./types.js";
export { LowrankError, LOWRANK_ERROR_CODES, internalError, type LowrankErrorCode } from "./errors.js";
export { init } from "./init.js";
export { Rng } from "./rng.js";
export { gemm, gemv, dot, axpy, type GemmOptions } from "./blas.js";
export { spmm, spmmT } from "./spmm.js";
export { qr, type QrResult } from "./qr.js";
export { svd, type SvdOptions, type SvdResult } from "./svd.js";
export { eigh, type EighResult, type SymmetricOptions } from "./eigh.js";
export { cholesky } from "./cholesky.js";
export { solveTriangular, lstsq, type TriangularOptions, type LstsqOptions, type LstsqResult } from "./solve.js";

// The runtime's state and the worker pool, for users.
export { hasSimd, hasRelaxedSimd, bestVariant } from "./platform.js";
export { MAX_WASM_BYTES } from "./arena.js";
export { runtimeVariant, runtimeStatus, type InitOptions, type InitResult, type RuntimeStatus } from "./runtime.js";
export { checkBackend } from "./runtime-module.js";
export { stopThreads } from "./threads.js";
export { svdAsync, eighAsync, createWorkspace } from "./async.js";
// The accepted input forms, option checks and the long-run contract (docs/ARCHITECTURE.md, "Inputs").
export { checkCsr, checkDense, checkFinite, checkVector, toF64 } from "./validate.js";
export {
  asMatrix, asVector, asTensor, asCsr, asIndices, asF64, checkSize, checkDim, checkFiniteValues, MAX_ENTRIES, MAX_TOTAL_ENTRIES,
  type InputOptions,
} from "./input.js";
export { opt, readOptions, BACKEND, type OptionCheck, type OptionSchema, type OptionsOf, type NumberBounds } from "./options.js";
export { LongRun, LONG_RUN, SIGNAL, YIELD_MS, throwIfAborted, yieldToEventLoop, type LongRunOptions, type ProgressRecord } from "./long-run.js";
export { readMatrixMarket, writeMatrixMarket, isCsr } from "./matrix-market.js";
export type { Workspace } from "./workspace.js";
export type { TruncatedSvdResult } from "./lanczos-svd.js";
export type { LanczosProgress } from "./lanczos-gkl.js";
// Building blocks for the other @lowrank packages and for kernel authors (runtime, arena, workspaces, drivers,
// the Lanczos driver): the "@lowrank/linalg/internal" subpath, unstable, unchecked (docs/ARCHITECTURE.md, "Layers").
export { encodeTypedArrays, decodeTypedArrays, readSerialized, RESULT_VERSION, checkResultVersion } from "./serialize.js";
// Float32 outputs: the `dtype` option and its one conversion (docs/ARCHITECTURE.md, "Inputs").
export { castResult, DTYPE, type Dtype, type DtypeOption, type AsFloat32, type WithDtype } from "./dtype.js";
