import { describe, expect, it } from "vitest";
import { hasRelaxedSimd, init } from "../src/index.js";
import { linalgModule } from "../src/internal.js";

describe("warm calls", () => {
  it("init() repeats a registered call in rounds, not again for the same setting, again for another variant; a call registered later runs in the background", async () => {
    let calls = 0, throws = 0;
    linalgModule.warmCall(() => void calls++);
    linalgModule.warmCall(() => {
      throws++;
      throw new Error("a failing warm call is skipped, not fatal");
    });
    await init({ variant: "simd", threads: 1 });
    expect(calls).toBeGreaterThanOrEqual(3); // at least WARM_FLOOR rounds, whatever the budget
    expect(throws).toBe(calls);
    const after = calls;
    await init({ variant: "simd", threads: 1 });
    expect(calls).toBe(after);
    if (hasRelaxedSimd()) {
      await init({ variant: "relaxed-simd", threads: 1 });
      expect(calls).toBeGreaterThan(after);
    }
    let late = 0;
    linalgModule.warmCall(() => void late++);
    expect(late).toBe(0); // not inside warmCall itself
    await new Promise((r) => setTimeout(r, 200));
    expect(late).toBeGreaterThan(0);
  });
});
