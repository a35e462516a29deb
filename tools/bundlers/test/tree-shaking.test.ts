// A single import costs what it uses: bundles built as users build them,
// with sizes held to bounds (docs/ARCHITECTURE.md, "Tree-shaking").
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
// @ts-ignore plain ESM helpers
import { esbuildBundle, files, fixture, freshDir, root, viteBundle, wasmFingerprints, webpackBundle } from "../lib.mjs";

/**
 * `import { Rng } from "@lowrank/linalg"`, minified: the generator and the
 * error class, about 3.2 KB (esbuild, webpack and Vite alike). When each
 * package was one dist file it was 67 KB with esbuild (the TypeScript
 * kernels, the runtime and the embedded simd binary came along). The bound
 * leaves room for the generator to grow, not for a module to sneak back in.
 */
const RNG_BOUND = 5 * 1024;

const shipsWasm = (text: string, prints: { prefix: string }[]) => prints.some((p) => text.includes(p.prefix));

describe("tree-shaking", () => {
  // dist keeps each source file's imports as written (tsup bundle: false), so a relative
  // import must name its file exactly as Node resolves it: with its .js extension.
  it("every relative import in each package's dist names a file that exists", () => {
    const missing: string[] = [];
    let count = 0;
    for (const pkg of readdirSync(join(root, "packages"))) {
      const dist = join(root, "packages", pkg, "dist");
      if (!existsSync(dist)) continue;
      for (const f of files(dist).filter((x: { name: string }) => x.name.endsWith(".js"))) {
        for (const m of readFileSync(f.path, "utf8").matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"(\.{1,2}\/[^"]+)"/g)) {
          count++;
          if (!existsSync(resolve(dirname(f.path), m[1]))) missing.push(`${pkg}/dist/${f.name}: ${m[1]}`);
        }
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

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

  // What a page can fetch: the entry and, transitively, every output file another names.
  // Bundlers may write more (esbuild a chunk for every import() it parses, Vite an asset
  // for every `new URL` it transforms, even in modules they then drop); nothing names those.
  const reachable = (out: { name: string; path: string }[], entry: string) => {
    const text = new Map(out.map((f) => [f.name, readFileSync(f.path, "utf8")]));
    const seen = new Set([entry]);
    for (const name of seen) for (const f of out) if (!seen.has(f.name) && text.get(name)!.includes(f.name.split("/").pop()!)) seen.add(f.name);
    return [...seen].map((n) => text.get(n)!).join("\n");
  };

  it.each([
    ["Vite", viteBundle, (n: string) => /^assets\/completion-[\w-]+\.js$/.test(n)],
    ["esbuild", esbuildBundle, (n: string) => n === "completion.js"],
  ] as const)("%s: a bundle of matrix-completion and svd-update loads their WASM and none of linalg's", async (name, bundle, isEntry) => {
    const out = await bundle(fixture("completion.js"), freshDir(`lowrank-dependent-${name}-`));
    const loads = reachable(out, out.find((f) => isEntry(f.name))!.name);
    expect(shipsWasm(loads, wasmFingerprints("linalg"))).toBe(false);
    // The packages' own binaries are there: simd in the entry, relaxed-simd lazily.
    for (const pkg of ["matrix-completion", "svd-update"]) {
      const prints = wasmFingerprints(pkg);
      for (const v of ["simd", "relaxed-simd"]) expect(shipsWasm(loads, prints.filter((p) => p.variant === v))).toBe(true);
    }
  }, 60_000);
});
