// Public API of @lowrank/svd-update.
export { init } from "./module.js";
export { truncatedSvd, type TruncatedSvdOptions, type TruncatedSvdProgress } from "./truncated.js";
export { EvolvingSvd } from "./evolving.js";
export type { EvolvingSvdOptions, EvolvingSvdStats, UpdateMethod } from "./options.js";
export { COST as autoCostModel, type AutoChoice, type AutoDecision } from "./auto.js";
export { singularValueError, residualMetric } from "./metrics.js";
export { LowrankError, type CsrMatrix, type DenseMatrix, type SvdResult } from "@lowrank/linalg";

// Building blocks for users who compose the kernels themselves.
export { jsSvdUpdateKernels, type SvdUpdateKernels } from "./kernels.js";
export { bindSvdUpdate, type SvdUpdateExports } from "./wasm.js";
export { svdUpdateWasm } from "./module.js";
