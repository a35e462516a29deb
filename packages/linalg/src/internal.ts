// Building blocks of @lowrank/linalg for the other @lowrank packages and for
// authors of kernels ("@lowrank/linalg/internal"): the runtime (modules,
// instances, arena, workspaces, the worker pool), the shared drivers and the
// Lanczos truncated SVD's pieces. Unstable: they change with the packages that
// use them, and they trust their arguments as the kernels do (sizes, leading
// dimensions, views), so a wrong call can read past a buffer. User code takes
// the main entry (docs/ARCHITECTURE.md, "Layers").
export { Arena, arenaBytes, align16 } from "./arena.js";
export { WasmLoader, WasmModule, WasmInstance, initRuntime, runtimeModules, lastInitPhases, type WasmSources, type WasmSource, type TaskRunner } from "./runtime.js";
export {
  defineKernelModule, type KernelModule, type KernelModuleSpec, type LeasedWorkspace, type PooledWorkspace,
} from "./runtime-module.js";
// Threads: the worker pool (docs/ARCHITECTURE.md, "Threads").
export { threadPool, threadedInstance, type ThreadSpec } from "./threads.js";
export { withParallelGemm } from "./threads-gemm.js";
export { JsWorkspace, WasmWorkspace, type Workspace } from "./workspace.js";
// The kernel set (jsKernels, LinalgKernels, bindLinalg and the twins' helpers) is on the
// "@lowrank/linalg/kernels" subpath (unstable).
export { pointerOf } from "./wasm.js";
export { linalgWasm, linalgModule, withLinalg } from "./module.js";
export { createWorkspace } from "./async.js";
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
