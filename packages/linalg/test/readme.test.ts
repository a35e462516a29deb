// The README's example, run as written (its import line replaced by this package's source).
import { readmeExample, runExample } from "@lowrank/test-utils/readme";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

describe("README example", () => {
  it("runs and prints the variant and ok", async () => {
    const { names, lines } = await runExample(readmeExample(new URL("../README.md", import.meta.url)), { "@lowrank/linalg": lib });
    expect(names).toEqual(["init", "gemm", "svd", "Rng"]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^(relaxed-simd|simd) ok$/);
  });
});
