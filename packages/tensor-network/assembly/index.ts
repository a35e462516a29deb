// Entry point of @lowrank/tensor-network's WASM module: linalg's kernels
// (GEMM, QR, Jacobi SVD, eigh, ...) plus the tensor kernels of this package.
export * from "../../linalg/assembly/index";
export { modeProduct, unfoldingGram, gramTask, gemmBatchTask, tridiagonalEig, eigBatchTask } from "./mode-product";
export { khatriRao, mttkrp, mttkrpFinish } from "./mttkrp";
export { permute, maskedNormal, maskedResidual } from "./network";
export { lqR, lqRows, lqRWorkSize } from "./lq";
export { scanPieces, scanTask } from "./scan";
