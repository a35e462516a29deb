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

// Building blocks for the other @lowrank packages (and for users who write their own kernels).
export { hasSimd, hasRelaxedSimd, bestVariant } from "./platform.js";
export { Arena, arenaBytes, align16, MAX_WASM_BYTES } from "./arena.js";
export {
  WasmLoader, WasmModule, WasmInstance, initRuntime, runtimeVariant, runtimeStatus,
  type WasmSources, type WasmSource, type InitOptions, type InitResult, type RuntimeStatus, type TaskRunner,
} from "./runtime.js";
export { defineKernelModule, checkBackend, type KernelModule, type KernelModuleSpec, type LeasedWorkspace, type PooledWorkspace } from "./runtime-module.js";
// Threads: the worker pool (docs/ARCHITECTURE.md, "Threads").
export { threadPool, stopThreads, threadedInstance, type ThreadSpec } from "./threads.js";
export { withParallelGemm } from "./threads-gemm.js";
export { JsWorkspace, WasmWorkspace, type Workspace } from "./workspace.js";
// The kernel set (jsKernels, LinalgKernels, bindLinalg and the twins' helpers) is
// not part of this entry: the other @lowrank packages import it from the
// "@lowrank/linalg/kernels" subpath (unstable).
export { pointerOf } from "./wasm.js";
export { linalgWasm, linalgModule, withLinalg } from "./module.js";
export { svdAsync, eighAsync, createWorkspace } from "./async.js";
export { checkCsr, checkDense, checkFinite, checkVector, toF64 } from "./validate.js";
export {
  asMatrix, asVector, asTensor, asCsr, asIndices, asF64, checkSize, checkDim, checkFiniteValues, MAX_ENTRIES, MAX_TOTAL_ENTRIES,
  type InputOptions,
} from "./input.js";
export { opt, readOptions, BACKEND, type OptionCheck, type OptionSchema, type OptionsOf, type NumberBounds } from "./options.js";
export { LongRun, LONG_RUN, SIGNAL, YIELD_MS, throwIfAborted, yieldToEventLoop, type LongRunOptions, type ProgressRecord } from "./long-run.js";
export { readMatrixMarket, writeMatrixMarket, isCsr } from "./matrix-market.js";
export { completeColumns } from "./factor-util.js";
export { qrBlockedWorkSize, QR_NB, QR_CROSSOVER } from "./kernels/qr-blocked.js";
// Drivers: the shared Jacobi SVD step, SPD solve, tall-block orthonormal basis and small LU solves (see drivers.ts).
export {
  jacobiSvd, luInverse, luSolve, orthonormalize, orthonormalizeWorkSize, spdSolve, SPD_RIDGE_TRIES, triangleWithIdentity,
} from "./drivers.js";
// The thick-restart Lanczos truncated SVD of a CSR matrix (svd-update's truncatedSvd, matrix-completion's spectral
// start): settings, workspace sizes, the asynchronous and synchronous drivers, and the steps of its two forms.
export {
  defaultBasisSize, lanczosBytes, lanczosSettings, lanczosSteps, type LanczosProgress, type LanczosSettings, type LanczosViews,
} from "./lanczos-gkl.js";
export { gramBytes, gramFloor, gramSteps } from "./lanczos-gram.js";
export { lanczosSvdIn, lanczosSync, lanczosSyncBytes, lanczosTruncatedSvd, type RunWorkspace, type TruncatedSvdResult } from "./lanczos-svd.js";
export { encodeTypedArrays, decodeTypedArrays, readSerialized, RESULT_VERSION, checkResultVersion } from "./serialize.js";
// Float32 outputs: the `dtype` option and its one conversion (docs/ARCHITECTURE.md, "Inputs").
export { castResult, DTYPE, type Dtype, type DtypeOption, type AsFloat32, type WithDtype } from "./dtype.js";
