import { describe, expect, it } from "vitest";
import { init, LowrankError } from "../src/index.js";
import { JsWorkspace, WasmWorkspace } from "../src/internal.js";
import { linalgModule } from "../src/module.js";

describe("leasedWorkspace (a private instance handed back for the next run)", () => {
  it("gives the next run the instance the last one released, its arena empty and its new blocks zeroed", async () => {
    await init();
    const a = await linalgModule.leasedWorkspace("wasm", 1 << 20);
    expect(a.ws).toBeInstanceOf(WasmWorkspace);
    expect(a.threads).toBe(1);
    const first = (a.ws as WasmWorkspace<never>).instance;
    const x = a.ws.f64(1000);
    x.fill(7);
    a.release();
    a.release(); // a second release does nothing
    expect(first.arena.used).toBe(0);

    const b = await linalgModule.leasedWorkspace("wasm", 4 << 20);
    expect((b.ws as WasmWorkspace<never>).instance).toBe(first);
    const y = b.ws.f64(1000);
    expect(y.every((v) => v === 0)).toBe(true);
    // The sum through the instance's kernels: the reused instance still computes.
    y.fill(2);
    expect(b.ws.kernels.dot(1000, y, y)).toBe(4000);
    b.release();
  });

  it("gives runs that overlap different instances, and keeps one idle", async () => {
    await init();
    const a = await linalgModule.leasedWorkspace("wasm", 1 << 16);
    const b = await linalgModule.leasedWorkspace("wasm", 1 << 16);
    const ia = (a.ws as WasmWorkspace<never>).instance, ib = (b.ws as WasmWorkspace<never>).instance;
    expect(ia).not.toBe(ib);
    const va = a.ws.f64(8), vb = b.ws.f64(8);
    va.fill(1);
    vb.fill(2);
    expect(va.every((v) => v === 1)).toBe(true);
    a.release();
    b.release();
    const c = await linalgModule.leasedWorkspace("wasm", 1 << 16);
    expect((c.ws as WasmWorkspace<never>).instance).toBe(ib);
    c.release();
  });

  it("is plain arrays on js, and refuses more than wasm32 addresses", async () => {
    const j = await linalgModule.leasedWorkspace("js", 1 << 20);
    expect(j.ws).toBeInstanceOf(JsWorkspace);
    j.release();
    const err = await linalgModule.leasedWorkspace("wasm", 2 ** 33).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LowrankError);
    expect((err as LowrankError).code).toBe("TOO_LARGE");
  });
});
