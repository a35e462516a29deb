// Public API of @lowrank/sensitivity-sampling. The runtime, the input forms,
// the options and the long-run contract are linalg's (docs/ARCHITECTURE.md).
export { init } from "@lowrank/linalg";
export {
  leverageScores, leverageScoresAsync, rootLeverageScores,
  type LeverageOptions, type LeverageAsyncOptions, type LeverageResult, type SketchKind,
} from "./leverage.js";
export { projectionBounds, srhtSize } from "./leverage-sketch.js";
export { lewisWeights, type LewisOptions, type LewisProgress, type LewisResult } from "./lewis.js";
export { lpSensitivities, type SensitivityOptions, type SensitivityProgress, type SensitivityResult } from "./sensitivities.js";
export { sample, type SampleOptions, type SampleResult } from "./sample.js";
export { coreset, type CoresetOptions, type CoresetResult, type CoresetScores } from "./coreset.js";
export { lpRegression, type LpRegressionOptions, type LpRegressionResult } from "./regression.js";
export { lpObjective } from "./objective.js";
export { serialize, deserialize, RESULT_FORMAT_VERSION, type SerializedResult } from "./serialize.js";
export {
  OnlineLeverageSampler, OnlineLewisSampler, onlineLewisWeight, type OnlineSamplerOptions, type OnlineLewisOptions, type OnlineBatch,
} from "./online.js";
export type { IrlsStep } from "./irls.js";
