// A single import costs what it uses: bundles built as users build them,
// with sizes held to bounds (docs/ARCHITECTURE.md, "Tree-shaking").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { esbuildBundle, fixture, freshDir, viteBundle, wasmFingerprints, webpackBundle } from "../lib.mjs";

/**
 * `import { Rng } from "@lowrank/linalg"`, minified: the generator and the
 * error class, about 3.2 KB. Bundled whole (one dist file per package) it
 * was 18.9 KB and more (the TypeScript kernels, the runtime, the embedded simd
 * binary); the bound leaves room for the generator to grow, not for a module
 * to sneak back in.
 */
const RNG_BOUND = 5 * 1024;

const shipsWasm = (text: string, prints: { prefix: string }[]) => prints.some((p) => text.includes(p.prefix));

describe("tree-shaking", () => {
  // The entry file is what a page loads. webpack writes nothing else; esbuild also writes
  // linalg's lazy WASM chunks (it emits a chunk for every import() it parses, even in
  // modules it then drops), which nothing references.
  it.each([
    ["esbuild", esbuildBundle, "rng.js"],
    ["webpack", webpackBundle, "main.js"],
  ] as const)(`import { Rng } from "@lowrank/linalg" bundles under ${RNG_BOUND} bytes with %s, and runs`, async (name, bundle, entryName) => {
    const out = await bundle(fixture("rng.js"), freshDir("lowrank-rng-"));
    if (name === "webpack") expect(out.map((f) => f.name)).toEqual([entryName]);
    const entry = out.find((f) => f.name === entryName)!;
    expect(entry.bytes).toBeLessThan(RNG_BOUND);
    const code = readFileSync(entry.path, "utf8");
    for (const f of out) if (f !== entry) expect(code).not.toContain(f.name);
    expect(shipsWasm(code, wasmFingerprints("linalg"))).toBe(false);
    // The bundle runs and draws the same numbers as the package itself.
    const { Rng } = await import("@lowrank/linalg");
    const rng = new Rng(42);
    const ctx: { __result?: number[] } = {};
    runInNewContext(code.replace(/^export\s*\{[^}]*\};?\s*$/m, ""), ctx);
    expect(ctx.__result).toEqual([rng.uniform(), rng.normal()]);
  }, 60_000);

  it("a bundle of matrix-completion and svd-update ships their WASM and none of linalg's (Vite)", async () => {
    const dir = freshDir("lowrank-dependent-");
    const out = await viteBundle(fixture("completion.js"), dir);
    const text = out.filter((f) => f.name.endsWith(".js")).map((f) => readFileSync(f.path, "utf8")).join("\n");
    expect(shipsWasm(text, wasmFingerprints("linalg"))).toBe(false);
    // The packages' own binaries are there: simd in the main chunk, relaxed-simd in lazy chunks.
    for (const pkg of ["matrix-completion", "svd-update"]) {
      const prints = wasmFingerprints(pkg);
      for (const v of ["simd", "relaxed-simd"]) expect(shipsWasm(text, prints.filter((p) => p.variant === v))).toBe(true);
    }
  }, 60_000);

  it("with esbuild, the entry chunk of the same bundle holds none of linalg's WASM", async () => {
    // esbuild emits a chunk for every import() it parses, even in modules it then drops:
    // linalg's lazy variants are written out but never fetched. What loads is the entry.
    const out = await esbuildBundle(fixture("completion.js"), freshDir("lowrank-dependent-esbuild-"));
    const entry = readFileSync(out.find((f) => f.name === "completion.js")!.path, "utf8");
    expect(shipsWasm(entry, wasmFingerprints("linalg"))).toBe(false);
    expect(shipsWasm(entry, wasmFingerprints("matrix-completion").filter((p) => p.variant === "simd"))).toBe(true);
  }, 60_000);
});
