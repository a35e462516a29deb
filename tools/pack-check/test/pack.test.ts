import { writeFileSync, mkdirSync, readFileSync, existsSync, lstatSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { join, extname } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-ignore plain ESM helper
import { freshDir, pack, publicPackages, readmeExample, root, run, thirdPartyTarballs } from "../lib.mjs";

const chromium = (() => {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (existsSync(p)) return p;
  return null;
})();

const packages: Array<{ name: string; dir: string; deps: string[] }> = publicPackages();
const tarballDir = freshDir("lowrank-tarballs-");
const tarballs = new Map<string, string>();
function tarball(name: string): string {
  if (!tarballs.has(name)) {
    const p = packages.find((q) => q.name === name);
    if (!p) throw new Error(`no workspace package ${name}`);
    tarballs.set(name, pack(p.dir, tarballDir));
  }
  return tarballs.get(name)!;
}
/** The package and the @lowrank packages it depends on, transitively. */
function closure(name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const p = packages.find((q) => q.name === name)!;
  return [name, ...p.deps.flatMap((d) => closure(d, seen))];
}
/**
 * Everything `npm install` needs for the package, as tarballs: its own, its
 * @lowrank dependencies', and the locked registry packages they depend on
 * (packed from the workspace), so the install runs --offline.
 */
function installSet(name: string): string[] {
  const names = closure(name);
  const dirs = names.map((n) => packages.find((q) => q.name === n)!.dir);
  return [...names.map(tarball), ...thirdPartyTarballs(dirs, freshDir("lowrank-deps-"))];
}

function serve(dir: string): Promise<{ url: string; close: () => void }> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent((req.url ?? "/").split("?")[0]) === "/" ? "index.html" : decodeURIComponent(req.url!.split("?")[0]));
    if (!path.startsWith(dir) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as { port: number }).port;
    r({ url: `http://127.0.0.1:${port}/`, close: () => server.close() });
  }));
}

describe.each(packages)("$name installed alone from its tarball", ({ name, dir }) => {
  const app = freshDir("lowrank-install-");
  const example = () => readmeExample(dir);

  it("installs with npm outside the workspace", () => {
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", ...installSet(name)], app);
    expect(existsSync(join(app, "node_modules", ...name.split("/"), "package.json"))).toBe(true);
  }, 300_000);

  it("ships the MIT LICENSE in its tarball", () => {
    const licence = join(app, "node_modules", ...name.split("/"), "LICENSE");
    expect(existsSync(licence)).toBe(true);
    expect(readFileSync(licence, "utf8")).toMatch(/^MIT License[\s\S]*Copyright \(c\) 2026 the lowrank authors/);
  });

  // The corpora behind @lowrank/datasets/node are optional peers: installing the package
  // for its generators pulls none of them, and a loader says which one to install.
  it.runIf(name === "@lowrank/datasets")("installs no corpus (under 5 MB with linalg), and a loader names the package to install", () => {
    const installed = join(app, "node_modules");
    const pkg = JSON.parse(readFileSync(join(installed, "@lowrank", "datasets", "package.json"), "utf8"));
    expect(Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith("@stdlib/"))).toEqual([]);
    expect(Object.keys(pkg.peerDependencies ?? {}).every((d) => pkg.peerDependenciesMeta?.[d]?.optional === true)).toBe(true);
    expect(existsSync(join(installed, "@stdlib"))).toBe(false);
    let bytes = 0;
    for (const f of readdirSync(installed, { recursive: true }) as string[]) {
      const st = lstatSync(join(installed, f));
      if (st.isFile()) bytes += st.size;
    }
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    writeFileSync(join(app, "check-corpus.mjs"), `import { loadSotu } from "@lowrank/datasets/node";\ntry { loadSotu({ stopWords: false }); } catch (e) { console.log(e.code + " " + e.message); }\n`);
    // NODE_PATH cleared: the workspace's bin shims point it at pnpm's hoisted store, where the corpora are.
    expect(run(process.execPath, ["check-corpus.mjs"], app, {}, 60_000)).toMatch(/^INVALID_ARGUMENT .*`npm install @stdlib\/datasets-sotu`/);
  });

  it("loads with require() (Node 20.19+ requires ESM) and with import, giving the same exports", () => {
    // Two plain scripts in the install folder: nothing but the tarballs is on the resolution path.
    writeFileSync(join(app, "check-require.cjs"), `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)})).sort()));\n`);
    writeFileSync(join(app, "check-import.mjs"), `console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(name)})).sort()));\n`);
    const required = JSON.parse(run(process.execPath, ["--no-warnings", "check-require.cjs"], app, {}, 25_000));
    const imported = JSON.parse(run(process.execPath, ["check-import.mjs"], app, {}, 25_000));
    expect(required.length).toBeGreaterThan(0);
    // require() of an ES module gives its namespace, plus the __esModule marker Node adds for interop.
    expect(required.filter((k: string) => k !== "__esModule")).toEqual(imported.filter((k: string) => k !== "__esModule"));
  }, 60_000);

  it("runs the README example from plain Node ESM", () => {
    writeFileSync(join(app, "example.mjs"), example().node);
    const out = run(process.execPath, ["example.mjs"], app, {}, 100_000);
    expect(out.length).toBeGreaterThan(0);
  }, 120_000);

  it.skipIf(!chromium)(
    "runs the README's browser example from a Vite production build in Chromium, with no loader configuration",
    async (ctx) => {
      if (example().browser === null) ctx.skip("every README example imports a Node-only entry point");
      mkdirSync(join(app, "web"), { recursive: true });
      writeFileSync(join(app, "web", "index.html"), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body data-status="running"><script type="module" src="./main.js"></script></body></html>');
      // The example's console output is collected; the page reports done or error on <body data-status>.
      writeFileSync(
        join(app, "web", "main.js"),
        `const logs = []; const orig = console.log; console.log = (...a) => { logs.push(a.join(" ")); orig(...a); };\n` +
          `try { await import("./example.js"); document.body.dataset.status = "done"; }\n` +
          `catch (e) { document.body.dataset.status = "error"; document.body.dataset.error = String(e && e.stack || e); }\n` +
          `document.body.dataset.logs = logs.join("\\n");\n`,
      );
      writeFileSync(join(app, "web", "example.js"), example().browser!);
      // The examples use top-level await, which Vite's default browser target predates; nothing else is configured.
      writeFileSync(join(app, "web", "vite.config.js"), 'export default { build: { target: "es2022" } };\n');
      const vite = join(root, "node_modules", "vite", "bin", "vite.js");
      run(process.execPath, [vite, "build", "--logLevel", "warn", "--outDir", "dist", "--emptyOutDir"], join(app, "web"), {}, 120_000);
      const { chromium: launcher } = await import("playwright-core");
      const server = await serve(join(app, "web", "dist"));
      const browser = await launcher.launch({
        executablePath: chromium!,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        await page.goto(server.url);
        await page.waitForFunction(() => document.body.dataset.status !== "running", null, { timeout: 60_000 });
        const status = await page.evaluate(() => document.body.dataset.status);
        const detail = await page.evaluate(() => document.body.dataset.error ?? "");
        expect(detail).toBe("");
        expect(status).toBe("done");
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
        server.close();
      }
    },
    180_000,
  );
});

describe("publint", () => {
  it.each(packages.map((p) => [p.name, p.dir]))("%s passes publint", (_name, dir) => {
    const bin = join(root, "node_modules", "publint", "src", "cli.js");
    const out = run(process.execPath, [existsSync(bin) ? bin : join(root, "node_modules", ".bin", "publint"), "--strict"], dir, {}, 50_000);
    expect(out).not.toMatch(/error/i);
  }, 60_000);
});
