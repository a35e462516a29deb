// The README's example, run as written (its import lines replaced by this
// package's source and linalg).
import * as linalg from "@lowrank/linalg";
import { readmeExample, runExample } from "@lowrank/test-utils/readme";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

describe("README example", () => {
  it("runs and prints the rank, the three sums and a coreset within 1% of the l1 optimum", async () => {
    const modules = { "@lowrank/sensitivity-sampling": lib, "@lowrank/linalg": linalg };
    const { names, lines } = await runExample(readmeExample(new URL("../README.md", import.meta.url)), modules);
    expect(names).toContain("coreset");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^(relaxed-simd|simd) 8 8\.000000 8\.000000 8\.000$/);
    const m = lines[1].match(/^(\d+) of 20000 rows: l1 objective ratio (\d\.\d{4})$/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(300);
    expect(Number(m![1])).toBeLessThan(500);
    expect(Number(m![2])).toBeGreaterThanOrEqual(1);
    expect(Number(m![2])).toBeLessThan(1.01);
  }, 60_000);
});
