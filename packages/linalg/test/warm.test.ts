import { describe, expect, it } from "vitest";
import { encodeBase64 } from "../src/base64.js";
import { hasRelaxedSimd, init } from "../src/index.js";
import { linalgModule } from "../src/internal.js";
import { decodeBase64 } from "../src/runtime-instance.js";

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

describe("warm-up machinery", () => {
  it("a module's kernel warm-up gives back all the arena it takes (after the first, binding, pass)", async () => {
    const instance = await (await linalgModule.loader.load("simd")).instantiate(1 << 20);
    linalgModule.loader.warm(instance); // binds: permanent blocks, below any mark
    const mark = instance.arena.mark(), used = instance.arena.used;
    linalgModule.loader.warm(instance);
    expect(instance.arena.mark()).toBe(mark);
    expect(instance.arena.used).toBe(used);
  });

  it("decodes a module's base64 as the table decoder does (the engine's decoder where there is one)", () => {
    const bytes = new Uint8Array(1000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 151 + 7) % 256;
    for (const n of [0, 1, 2, 3, 999, 1000]) {
      const text = encodeBase64(bytes.subarray(0, n));
      expect(Array.from(decodeBase64(text))).toEqual(Array.from(bytes.subarray(0, n)));
    }
  });
});
