// The README's example, run as written (its import line replaced by this
// package's source).
import { readmeExample, runExample } from "@lowrank/test-utils/readme";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

describe("README example", () => {
  it("runs and prints the update's shape and error, an embedding, and auto's two picks", async () => {
    const { names, lines } = await runExample(readmeExample(new URL("../README.md", import.meta.url)), { "@lowrank/svd-update": lib });
    expect(names).toEqual(["EvolvingSvd", "truncatedSvd", "singularValueError"]);
    expect(lines).toHaveLength(3);
    const m = lines[0].match(/^400 x 300, 10 updates, max singular-value error (\S+) ok$/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(1e-9);
    const embedding = lines[1].match(/^document 399 embedding: (.*)$/);
    expect(embedding).not.toBeNull();
    const v = embedding![1].split(" ").map(Number);
    expect(v).toHaveLength(5);
    expect(v.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true);
    expect(v.some((x) => x !== 0)).toBe(true);
    expect(lines[2]).toBe("auto chose: deng, recompute");
  }, 60_000);
});
