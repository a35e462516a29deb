// Entry point of @lowrank/svd-update's WASM module: linalg's kernels plus this package's own.
export * from "../../linalg/assembly/index";
export { gatherRows, scatterAddRows } from "./rows";
export { sparseGramSchmidt } from "./sparse-gram-schmidt";
export { appendCore, csrSupport, projectBatch, rotateFactor, scatterBatch, smallSvdCore } from "./batch";
export { gklExpand, pairCoordinates } from "./approx-space";
export { csrGramMatvec, csrMatvec, csrMatvecT, csrTask } from "./lanczos";
