// Public API of @lowrank/matrix-completion.
export { complete, type CompleteOptions } from "./complete.js";
export { CompletionModel, type CompletionFactors, type FitStatus, type IterationRecord, type Method, type ModelIds, type ModelRegularization, type Recommendation } from "./model.js";
export type { Observations, ObservationsInput } from "./observations.js";
export { MODEL_FORMAT_VERSION, type CompletionModelJSON } from "./persist.js";
export { rmse } from "./rmse.js";
export { trainTestSplit, type SplitOptions } from "./split.js";
export { parseRatings, type ParsedRatings, type ParseRatingsOptions } from "./parse-ratings.js";
export { foldIn, type FoldInRow } from "./fold-in.js";
export { compress, type CompressOptions } from "./compress.js";
export type { SketchKind } from "./robust-altmin.js";
// One init for every @lowrank package: it compiles and warms this package's module with the others.
export { init, LowrankError, type Backend } from "@lowrank/linalg";
