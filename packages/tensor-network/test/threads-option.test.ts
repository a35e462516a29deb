// The `threads` option of tucker, cp and modeProduct: refused unless an integer in [1, 64], on both backends,
// before any work (docs/ARCHITECTURE.md, "Threads").
import { describe, expect, it } from "vitest";
import { expectCode } from "@lowrank/test-utils";
import { cp, modeProduct, tucker } from "../src/index.js";

const X = { shape: [4, 3, 2], data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i + 1)) };
const M = { rows: 2, cols: 3, data: new Float64Array([1, 0, 0, 0, 1, 0]) };
const bad: unknown[] = [0, -1, 1.5, 65, NaN, Infinity, "2", null];

describe("threads option", () => {
  it.each(["js", "wasm"] as const)("tucker, cp and modeProduct refuse a bad thread count on %s", async (backend) => {
    for (const threads of bad) {
      const t = threads as number;
      await expectCode(() => tucker(X, { rank: [2, 2, 2], backend, threads: t }), "INVALID_ARGUMENT");
      await expectCode(() => cp(X, { rank: 2, backend, threads: t }), "INVALID_ARGUMENT");
      await expectCode(() => modeProduct(X, M, 1, { backend, threads: t }), "INVALID_ARGUMENT");
    }
    // and take a good one
    expect((await tucker(X, { rank: [2, 2, 2], backend, threads: 1 })).kind).toBe("tucker");
    expect((await cp(X, { rank: 2, backend, threads: 2 })).kind).toBe("cp");
    expect(modeProduct(X, M, 1, { backend, threads: 2 }).shape).toEqual([4, 2, 2]);
  });
});
