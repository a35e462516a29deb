// The generated kernel bindings (src/generated/exports.ts, written by
// tools/wasm-build from the AssemblyScript sources) must describe the
// compiled binaries exactly: the same exported functions, the same arities.
import { describe, expect, it } from "vitest";

const PACKAGES = ["linalg", "matrix-completion", "svd-update", "tensor-network", "sensitivity-sampling"];

describe.each(PACKAGES)("%s: generated bindings match the binary", (p) => {
  it("same export names and parameter counts, in both variants", async () => {
    const { SIGNATURES } = (await import(`../../../packages/${p}/src/generated/exports.ts`)) as { SIGNATURES: Record<string, string> };
    for (const variant of ["simd", "relaxed-simd"]) {
      const b64 = ((await import(`../../../packages/${p}/src/generated/wasm-${variant}.ts`)) as { default: string }).default;
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      if (variant === "relaxed-simd" && !WebAssembly.validate(bytes)) continue;
      const module = new WebAssembly.Module(bytes);
      const fns = WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name).sort();
      expect(fns).toEqual(Object.keys(SIGNATURES).sort());
      const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
      const instance = new WebAssembly.Instance(module, { env: { memory, "Math.log": Math.log, abort() {} } });
      for (const [name, sig] of Object.entries(SIGNATURES)) {
        const arity = sig.split(">")[0].length;
        expect((instance.exports[name] as (...a: unknown[]) => unknown).length, `${p} ${name}`).toBe(arity);
      }
    }
  });
});
