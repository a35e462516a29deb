// first-call.mjs in Chromium: the same cases (first-call-cases.mjs), each in
// a fresh browser context (a new page and V8 isolate) several times, on a
// page served cross-origin isolated (COOP/COEP) so that init() starts the
// worker pool as in a user's isolated page. Wall time only (a page has no
// CPU clock). The packages' built dist is bundled with esbuild into a
// temporary folder; Chromium from /usr/bin/chromium via playwright-core, as
// apps/demo's tests do (skips with a note when it is missing).
//
//   node --no-concurrent-recompilation tools/bench/first-call-browser.mjs [--runs 5] [--threads N] [--all] [case ...]
// (--all: every package loaded before init(), as in first-call.mjs.)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { ALL, TABLE_HEAD, tableRow } from "./first-call-cases.mjs";

const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!chromium) {
  console.log("skipped: no Chromium at /usr/bin/chromium");
  process.exit(0);
}
let runs = 5, threads, all = false;
const which = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else if (args[i] === "--threads") threads = Number(args[++i]);
  else if (args[i] === "--all") all = true;
  else which.push(args[i]);
}
const cases = which.length ? which : ALL;

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "lowrank-first-call-"));
const pkg = (p, entry = "index.js") => JSON.stringify(join(root, "packages", p, "dist", entry));
writeFileSync(join(out, "entry.mjs"), `
import * as linalg from ${pkg("linalg")};
import * as internal from ${pkg("linalg", "internal.js")};
import { probe } from ${JSON.stringify(join(root, "tools/bench/first-call-cases.mjs"))};
// Each case loads only the packages it calls, or with --all every one (a loaded package's module is compiled and warmed by init()).
const loaders = {
  "tensor-network": () => import(${pkg("tensor-network")}),
  "matrix-completion": () => import(${pkg("matrix-completion")}),
  "sensitivity-sampling": () => import(${pkg("sensitivity-sampling")}),
};
const needs = { tucker: "tensor-network", complete: "matrix-completion", leverage: "sensitivity-sampling" };
window.runCase = async (which, threads) => {
  const pkgs = { linalg };
  for (const p of ${all} ? Object.keys(loaders) : needs[which] ? [needs[which]] : []) pkgs[p] = await loaders[p]();
  return probe(which, pkgs, internal, { threads });
};
window.ready = true;
`);
const { build } = await import("esbuild");
await build({
  entryPoints: [join(out, "entry.mjs")], bundle: true, splitting: true, format: "esm", outdir: join(out, "b"),
  platform: "browser", target: "es2022", logLevel: "error",
  external: ["node:*"],
});
writeFileSync(join(out, "b", "index.html"), `<!doctype html><meta charset="utf-8"><script type="module" src="./entry.js"></script>`);

const TYPES = { ".html": "text/html", ".js": "text/javascript" };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
  try {
    const body = readFileSync(join(out, "b", path.endsWith("/") ? `${path}index.html` : path));
    res.writeHead(200, {
      "content-type": TYPES[extname(path) || ".html"] ?? "application/octet-stream",
      "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp",
    }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const url = `http://127.0.0.1:${server.address().port}/`;
const { chromium: launcher } = await import("playwright-core");
const browser = await launcher.launch({
  executablePath: chromium,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  console.log(`Chromium ${browser.version()}; load before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  for (const l of TABLE_HEAD) console.log(l);
  for (const c of cases) {
    const rs = [];
    for (let r = 0; r < runs; r++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForFunction(() => window.ready === true);
      try {
        rs.push(await page.evaluate(([w, t]) => window.runCase(w, t), [c, threads]));
      } catch (e) {
        console.log(`${c}: failed in the page: ${String(e).split("\n")[0]} ${errors.join(" | ")}`);
      }
      await context.close();
    }
    if (rs.length === 0) continue;
    console.log(tableRow(c, rs));
    if (process.env.FIRST_CALL_VERBOSE) for (const r of rs) console.log(`   ${JSON.stringify(r)}`);
  }
  console.log(`load after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
} finally {
  await browser.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
}
