// Entry point of @lowrank/matrix-completion's WASM module: linalg's kernels
// (re-exported so bindLinalg works on this instance) plus this package's.
export * from "../../linalg/assembly/index";
// linalg's CSR products of the Lanczos SVD (the spectral start, src/spectral-init.ts).
export { csrGramMatvec, csrMatvec, csrMatvecT } from "../../linalg/assembly/csr-vector";
export { alsHalfStep } from "./als-half-step";
export { bpmfAccumulate, bpmfHalfStep, bpmfWeightRows } from "./bpmf";
export { bpmfNormals } from "./bpmf-normals";
export { bpmfGammas, bpmfScaleRows } from "./bpmf-scales";
export { bpmfPrior } from "./bpmf-prior";
export { bpmfHalfStepScored } from "./bpmf-scored";
export { sketchTable, sketchedPrepare, sketchedStep } from "./sketched-solve";
export { squaredError } from "./predict";
export { alsHalfStepTask, bpmfHalfStepTask, sketchedPrepareTask, sketchedStepTask, squaredErrorTask } from "./tasks";
