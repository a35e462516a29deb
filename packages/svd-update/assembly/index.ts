// Entry point of @lowrank/svd-update's WASM module: linalg's kernels plus this package's own.
export * from "../../linalg/assembly/index";
export { gatherRows, scatterAddRows } from "./rows";
export { sparseGramSchmidt } from "./sparse-gram-schmidt";
export { appendCore, csrSupport, projectBatch, rotateFactor, scatterBatch, smallSvdCore } from "./batch";
export { gklExpand, pairCoordinates } from "./approx-space";
// The Lanczos SVD's CSR products (linalg's, not in its index: only modules that run the Lanczos SVD carry them).
export { csrGramMatvec, csrMatvec, csrMatvecT, csrTask } from "../../linalg/assembly/csr-vector";
