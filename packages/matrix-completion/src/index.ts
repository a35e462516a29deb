// Public API of @lowrank/matrix-completion.
export { complete, type CompleteOptions } from "./complete.js";
export { CompletionModel, type IterationRecord, type Method, type ModelRegularization, type Recommendation } from "./model.js";
export type { Observations } from "./observations.js";
export { rmse } from "./rmse.js";
export { trainTestSplit } from "./split.js";
export { parseRatings, type ParsedRatings } from "./parse-ratings.js";
export { foldIn } from "./fold-in.js";
export { init } from "./module.js";
export type { SketchKind } from "./kernels.js";
export { LowrankError, type Backend } from "@lowrank/linalg";
