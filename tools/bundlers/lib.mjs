// Bundles a fixture the way a user's project would, with no loader or worker
// configuration: esbuild (ESM, code splitting), Vite (production build) and
// webpack 5 (production mode). The fixtures live in ./fixtures, so the
// @lowrank packages resolve through this folder's node_modules to the
// workspace builds (dist/, the files a tarball ships).
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";

export const here = import.meta.dirname;
export const root = resolve(here, "..", "..");
export const fixture = (name) => join(here, "fixtures", name);
export const freshDir = (prefix) => mkdtempSync(join(tmpdir(), prefix));

/** esbuild: one ESM bundle with splitting (so lazy imports stay lazy), minified. */
export async function esbuildBundle(entry, outdir, { minify = true } = {}) {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [entry], outdir, bundle: true, splitting: true, format: "esm", platform: "browser",
    target: "es2022", minify, logLevel: "error", assetNames: "[name]-[hash]",
  });
  return files(outdir);
}

/**
 * Vite's production build of `entry` (a JS file, or an index.html), as
 * `vite build` does it with no configuration file. The target is es2022
 * only because the fixtures use top-level await.
 */
export async function viteBundle(entry, outDir, { vite = "vite" } = {}) {
  // "vite" is the workspace's Vite 7; "vite8" (an npm alias) is Vite 8, on Rolldown.
  const { build } = await import(vite);
  const html = entry.endsWith(".html");
  // As `vite build` from a shell: NODE_ENV production (a test runner sets "test"),
  // which selects the "production" export condition.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      root: resolve(entry, ".."), configFile: false, logLevel: "error", base: "./",
      build: {
        outDir, emptyOutDir: true, target: "es2022", minify: true, reportCompressedSize: false,
        rollupOptions: html ? undefined : { input: entry, preserveEntrySignatures: false },
      },
    });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
  return files(outDir);
}

/**
 * webpack 5 in production mode, default rules (no loaders, no experiments).
 * `minimize: false` skips Terser only (slow on the embedded binaries), for tests
 * that check behaviour rather than size.
 */
export async function webpackBundle(entry, outDir, { minimize = true } = {}) {
  const { default: webpack } = await import("webpack");
  const stats = await new Promise((done, fail) => {
    webpack({
      mode: "production", context: here, entry, target: "web", devtool: false,
      output: { path: outDir, filename: "[name].js", chunkFilename: "[name]-[contenthash].js", publicPath: "auto" },
      performance: { hints: false }, optimization: { minimize },
    }, (err, s) => (err ? fail(err) : done(s)));
  });
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  return files(outDir);
}

/** Every file under `dir`: path relative to it, and size in bytes. */
export function files(dir, base = dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p, base) : [{ name: p.slice(base.length + 1), path: p, bytes: statSync(p).size }];
  });
}

/**
 * The first 64 base64 characters of each of a package's embedded WASM
 * variants: a bundle that contains one of them ships that binary.
 */
export function wasmFingerprints(pkg) {
  const dir = join(root, "packages", pkg, "dist", "generated");
  return readdirSync(dir)
    .filter((f) => /^wasm-.*\.js$/.test(f))
    .map((f) => {
      const m = readFileSync(join(dir, f), "utf8").match(/"(AGFzbQ[A-Za-z0-9+/]{58})/);
      if (!m) throw new Error(`${dir}/${f} embeds no WASM`);
      return { variant: f.slice(5, -3), prefix: m[1] };
    });
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".map": "application/json" };

/** A static server of `dir` on a free port, cross-origin isolated (so pages may start the worker pool). */
export function serve(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "index.html") : path;
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    }).end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() })));
}

/** Debian's or the system's Chromium, or null (the browser checks are then skipped). */
export const chromium = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
})();
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];
