import { describe, expect, it } from "vitest";
import { regressionDesign } from "../src/index.js";
import { loadBostonHousing, loadCpsWages } from "../src/node.js";
import { expectLowrankError } from "./helpers/expect-error.js";

describe("loadBostonHousing", () => {
  it("is 506 x 13 with target medv", () => {
    const { A, b, featureNames, targetName } = loadBostonHousing();
    expect([A.rows, A.cols, b.length]).toEqual([506, 13, 506]);
    expect(featureNames[0]).toBe("crim");
    expect(targetName).toBe("medv");
    expect(A.data[5]).toBeCloseTo(6.575, 12);
    expect(b[0]).toBe(24);
  });

  it("adds an intercept and standardises the other columns", () => {
    const { A, featureNames, means, scales } = loadBostonHousing({ intercept: true, standardize: true });
    expect([A.rows, A.cols]).toEqual([506, 14]);
    expect(featureNames[0]).toBe("(intercept)");
    for (let j = 0; j < 14; j++) {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < 506; i++) {
        s += A.data[i * 14 + j];
        ss += A.data[i * 14 + j] ** 2;
      }
      if (j === 0) expect(s).toBe(506);
      else {
        expect(Math.abs(s / 506)).toBeLessThan(1e-12);
        expect(ss / 505).toBeCloseTo(1, 12);
      }
    }
    expect(means![6]).toBeCloseTo(6.2846, 3);
    expect(scales![0]).toBe(1);
  });
});

describe("loadCpsWages", () => {
  it("has 534 rows, 16 dummy-coded or 10 integer-coded columns", () => {
    const dummy = loadCpsWages({ intercept: true });
    expect([dummy.A.rows, dummy.A.cols]).toEqual([534, 17]);
    expect(dummy.featureNames).toContain("gender=male");
    expect(dummy.featureNames).toContain("occupation=sales");
    expect(dummy.featureNames).not.toContain("gender=female");
    const codes = loadCpsWages({ categorical: "codes" });
    expect([codes.A.rows, codes.A.cols]).toEqual([534, 10]);
    expect(codes.b[0]).toBe(5.1);
    const log = loadCpsWages({ logWage: true, features: ["education", "experience"] });
    expect(log.targetName).toBe("log(wage)");
    expect(log.b[0]).toBeCloseTo(Math.log(5.1), 14);
    expect(log.A.cols).toBe(2);
  });

  it("rejects unknown features and non-finite records", () => {
    expectLowrankError(() => loadCpsWages({ features: ["height" as "age"] }), "INVALID_ARGUMENT");
    expectLowrankError(() => regressionDesign([{ x: Number.NaN, y: 1 }], ["x"], "y"), "NON_FINITE");
    expectLowrankError(() => regressionDesign([{ x: 1, y: 1 }, { x: 1, y: 2 }], ["x"], "y", { standardize: true }), "RANK");
    expectLowrankError(() => regressionDesign([], ["x"], "y"), "EMPTY");
  });
});
