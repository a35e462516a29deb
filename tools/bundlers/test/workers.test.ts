// Every package in one Web Worker, built with zero configuration by esbuild,
// Vite 7 and 8 (their default "iife" worker format) and webpack 5, run in headless
// Chromium; the worker's results are checked against the same job in Node.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-ignore plain ESM helpers
import { CHROMIUM_ARGS, chromium, fixture, freshDir, root, serve, viteBundle, webpackBundle } from "../lib.mjs";
// @ts-ignore plain ESM fixture
import { job } from "../fixtures/worker/job.js";

type JobResult = Awaited<ReturnType<typeof job>>;

/** The page, as each bundler leaves it: dist/index.html loading the bundled main.js. */
const builds: Record<string, (dir: string) => Promise<void>> = {
  // esbuild does not follow `new Worker(new URL(...))`: the worker is a second entry point,
  // written next to main.js where the URL points.
  async esbuild(dir) {
    const { build } = await import("esbuild");
    await build({
      entryPoints: [fixture("worker/main.js"), fixture("worker/worker.js")], outdir: dir,
      bundle: true, splitting: true, format: "esm", platform: "browser", target: "es2022", minify: true, logLevel: "error",
    });
    copyFileSync(fixture("worker/index.html"), join(dir, "index.html"));
  },
  async "vite 7"(dir) {
    await viteBundle(fixture("worker/index.html"), dir);
  },
  async "vite 8"(dir) {
    await viteBundle(fixture("worker/index.html"), dir, { vite: "vite8" });
  },
  async webpack(dir) {
    await webpackBundle(fixture("worker/main.js"), dir, { minimize: false });
    writeFileSync(join(dir, "index.html"), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script src="./main.js"></script></body></html>');
  },
};

describe.skipIf(!chromium)("every package in a Web Worker, zero configuration", () => {
  let browser: import("playwright-core").Browser;
  let expected: JobResult;
  beforeAll(async () => {
    expected = await job();
    const { chromium: launcher } = await import("playwright-core");
    browser = await launcher.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Serves `dir`, opens it, and returns what the page stored in globalThis.__worker. */
  async function open(dir: string, errors: string[]) {
    const server = await serve(dir);
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => (globalThis as { __worker?: unknown }).__worker !== undefined, null, { timeout: 60_000 });
      return await page.evaluate(() => (globalThis as { __worker?: unknown }).__worker);
    } finally {
      await page.close();
      server.close();
    }
  }

  it("the linalg README's worker example runs as written (esbuild, its documented command)", async () => {
    const readme = readFileSync(join(root, "packages", "linalg", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Workers"));
    const block = (file: string) => section.match(new RegExp("```js\n// " + file.replace(".", "\\.") + "\n([\\s\\S]*?)```"))![1];
    // Inside this folder, so that @lowrank/* resolve; the page records the first console.log.
    const src = join(root, "tools", "bundlers", ".scratch", "readme-worker");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "main.js"), block("main.js"));
    writeFileSync(join(src, "worker.js"), block("worker.js"));
    const dir = freshDir("lowrank-worker-readme-");
    const { build } = await import("esbuild");
    await build({
      entryPoints: [join(src, "main.js"), join(src, "worker.js")], outdir: dir,
      bundle: true, splitting: true, format: "esm", logLevel: "error", target: "es2022",
    });
    writeFileSync(join(dir, "index.html"), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body>' +
      '<script>console.log = (x) => { globalThis.__worker = x; };</script><script type="module" src="./main.js"></script></body></html>');
    const errors: string[] = [];
    const r = (await open(dir, errors)) as { variant: string; s: number[] };
    expect(errors).toEqual([]);
    expect(["simd", "relaxed-simd"]).toContain(r.variant);
    // The five largest singular values of a 200 x 100 Gaussian matrix: descending, near sqrt(200) + sqrt(100) = 24.1.
    expect(r.s).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(r.s[i]).toBeLessThanOrEqual(r.s[i - 1]);
    expect(r.s[0]).toBeGreaterThan(20);
    expect(r.s[0]).toBeLessThan(28);
  }, 60_000);

  it.each(Object.keys(builds))("%s: the worker runs every package and agrees with Node; the page starts the pool", async (name) => {
    const dir = freshDir(`lowrank-worker-${name.replace(" ", "")}-`);
    await builds[name](dir);
    const errors: string[] = [];
    const reply = (await open(dir, errors)) as {
      ok: boolean; error?: string; result: JobResult;
      main: { variant?: string; threads?: number; best?: string; error?: string };
    };
    expect(reply.error ?? "").toBe("");
    expect(errors).toEqual([]);
    // The page: init() with the pool loaded the best variant and the threaded modules (both lazy).
    expect(reply.main.error ?? "").toBe("");
    expect(reply.main.variant).toBe(reply.main.best);
    expect(reply.main.threads).toBe(2);
    const r = reply.result;
    // init() in the worker picked the engine's best variant, and loaded it (relaxed-simd is a lazy module).
    expect(r.best).not.toBeNull();
    expect(r.variant).toBe(r.best);
    // Real results: each package's answer, then agreement with Node (the variants differ by rounding only).
    for (let i = 0; i < 3; i++) expect(r.svd[i]).toBeCloseTo(r.singularValues[i], 10);
    expect(r.completionRmse).toBeLessThan(1e-2);
    expect(r.tuckerError).toBeLessThan(1e-12);
    expect(r.leverageSum).toBeCloseTo(4, 10);
    expect(r.sparseSvd).toHaveLength(2);
    for (const key of ["svd", "sparseSvd", "singularValues"] as const) {
      r[key].forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[key][i], 9));
    }
    expect(r.completionRmse).toBeCloseTo(expected.completionRmse, 6);
  }, 120_000);
});
