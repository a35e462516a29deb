// Public API of @lowrank/sensitivity-sampling.
export { init } from "./module.js";
export { leverageScores, rootLeverageScores, projectionBounds, srhtSize, type LeverageOptions, type LeverageResult, type SketchKind } from "./leverage.js";
export { lewisWeights, type LewisOptions, type LewisResult } from "./lewis.js";
export { lpSensitivities, type SensitivityOptions, type SensitivityResult } from "./sensitivities.js";
export { sample, type SampleOptions, type SampleResult } from "./sample.js";
export { coreset, type CoresetOptions, type CoresetResult, type CoresetScores } from "./coreset.js";
export { lpRegression, type LpRegressionOptions, type LpRegressionResult } from "./regression.js";
export { lpObjective } from "./objective.js";
export { OnlineLeverageSampler, OnlineLewisSampler, type OnlineSamplerOptions, type OnlineLewisOptions, type OnlineBatch } from "./online.js";
export type { IrlsStep } from "./irls.js";

// Building blocks for other packages and custom kernels.
export { jsSensitivityKernels, onlineLewisWeight, type SensitivityKernels } from "./kernels.js";
export { bindSensitivity, type SensitivityExports } from "./wasm.js";
export { sensitivityWasm, withSensitivity, createSensitivityWorkspace } from "./module.js";
