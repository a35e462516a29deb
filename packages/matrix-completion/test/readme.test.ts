// The README's example, run as written (its import line replaced by this package's source).
import { readmeExample, runExample } from "@lowrank/test-utils/readme";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

describe("README example", () => {
  it("runs and prints a sensible held-out RMSE and three recommendations", async () => {
    const { lines } = await runExample(readmeExample(new URL("../README.md", import.meta.url)), { "@lowrank/matrix-completion": lib });
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^held-out RMSE \d\.\d{3} method bpmf$/);
    const rmseValue = Number(lines[0].split(" ")[2]);
    expect(rmseValue).toBeGreaterThan(0);
    expect(rmseValue).toBeLessThan(0.6);
    expect(lines[1]).toMatch(/^u0 -> m\d+ \(\d\.\d\d\), m\d+ \(\d\.\d\d\), m\d+ \(\d\.\d\d\)$/);
  });
});
