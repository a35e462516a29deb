// Public API of @lowrank/svd-update.
export { init } from "@lowrank/linalg";
export { truncatedSvd, type TruncatedSvdOptions, type TruncatedSvdProgress } from "./truncated.js";
export type { TruncatedSvdResult } from "@lowrank/linalg";
export type { LanczosProgress } from "@lowrank/linalg/internal";
export { svdResiduals, type SvdResidualsOptions } from "./residuals.js";
export { EvolvingSvd, type UpdateAsyncOptions, type RecomputeOptions } from "./evolving.js";
export type { EvolvingSvdOptions, EvolvingSvdStats, UpdateMethod } from "./options.js";
export { EVOLVING_FORMAT_VERSION, type SavedEvolvingSvd } from "./persist.js";
export { COST as autoCostModel, type AutoChoice, type AutoDecision } from "./auto.js";
export { singularValueError, residualMetric } from "./metrics.js";
export { LowrankError, type CsrMatrix, type DenseMatrix, type SvdResult } from "@lowrank/linalg";
