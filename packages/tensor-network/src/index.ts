// Public API of @lowrank/tensor-network.
export type { Tensor, TensorLike, MatrixLike, NestedNumbers, TensorNetworkLike, DecompositionLike, TuckerDecomposition, CpDecomposition, TensorNetwork, GeneralTensorNetwork, Decomposition, IterativeOptions, ThreadOptions, UnfoldingSvd } from "./types.js";
export { LowrankError, type LowrankErrorCode, type DenseMatrix, type Backend } from "@lowrank/linalg";
export { init } from "@lowrank/linalg";
export { unfold, fold, norm, relativeError, modeProduct, type ModeProductOptions } from "./tensor.js";
export { tucker, type TuckerOptions, type TuckerResult } from "./tucker.js";
export { tensorTrain, type TensorTrainOptions, type TensorTrainResult } from "./tensor-train.js";
export { reconstruct } from "./reconstruct.js";
export { parameterCount, compressionRatio } from "./decomposition.js";
export { serialize, deserialize, DECOMPOSITION_FORMAT_VERSION, type DecompositionKind, type SerializedDecomposition, type SavedResult, type SavedKind } from "./serialize.js";
export { cp, type CpOptions, type CpResult } from "./cp.js";
export { tensorRing, type TensorRingOptions, type TensorRingResult } from "./tensor-ring.js";
export type { CompletionChoice } from "./auto-completion.js";
export { ttDot, ttNorm, ttAdd, ttScale } from "./tt-arithmetic.js";
export { ttRound, type TtRoundOptions } from "./tt-round.js";
export { coreShape, type CoreShapeOptions, type CoreShapeResult } from "./core-shape.js";
export { searchStructure, type SearchStructureOptions, type SearchStructureResult, type GeneralSearchOptions, type GeneralSearchResult } from "./search-structure.js";
