// Entry point of @lowrank/linalg's WASM module. Other packages compile these
// same kernels into their own modules by re-exporting this file from theirs.
export { dot, axpy, scal, nrm2 } from "./blas1";
export { gemm, gemmWorkSize, gemmTask, gemmTaskRows, gemmTaskCols, gemmPackTask, gemmComputeTask, gemmPackTasks, gemmPackedSize, gemmPieceRows, gemmPieceCols } from "./gemm";
export { gemv } from "./gemv";
export { spmm, spmmT } from "./sparse";
export { rngFillUniform, rngFillNormal } from "./xoshiro";
export { householderQr, householderQ } from "./householder";
export { householderQrBlocked, householderQBlocked, qrBlockedWorkSize } from "./qr-blocked";
export { jacobiRows } from "./jacobi-svd";
export { jacobiRowsScaled } from "./jacobi-scaled";
export { tridiagonalize, tridiagonalizeUpper, tridiagonalQt, tridiagonalQl, tridiagonalQlBatched, tridiagonalApplyQt } from "./tridiagonal";
export { tridiagonalizeBlocked } from "./tridiagonal-blocked";
export { secularEigen, secularSvd } from "./secular";
export { bidiagonalize, bidiagonalQr } from "./bidiagonal";
export { cholesky } from "./cholesky-rows";
export { triangularSolve } from "./triangular";
export { pingTask } from "./ping";

/** First byte past the module's static data: where the JS-side arena may start. */
export function heapBase(): usize {
  return __heap_base;
}
