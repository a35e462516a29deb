#!/usr/bin/env node
// Benchmark harness: runs every packages/*/bench/*.bench.{ts,mjs}, one child
// Node process per package, and prints / writes one Markdown table per package.
// See tools/bench/README.md.
//
//   node tools/bench/run.mjs [--quick] [--filter <package>]... [--update-readme] [--out <dir>]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { MARKER } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
let root = path.resolve(here, "../..");

const USAGE = `usage: node tools/bench/run.mjs [options]
  --quick            tiny sizes, one repetition, no warm-up (what CI runs); writes to a temporary folder unless --out
  --filter <pkg>     only this package (folder name or package name); repeatable
  --update-readme    replace the text between <!-- bench:start --> and <!-- bench:end --> in each package README
  --out <dir>        where <package>.json / .md go (default bench/results)
  --root <dir>       the monorepo whose packages/*/bench to run (default this repo; the harness test uses fixtures)
  --help             this text`;

function parseArgs(argv) {
  const opts = { quick: false, filters: [], updateReadme: false, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes("=")) return a.slice(a.indexOf("=") + 1);
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--quick") opts.quick = true;
    else if (a === "--update-readme") opts.updateReadme = true;
    else if (a === "--filter" || a.startsWith("--filter=")) opts.filters.push(value());
    else if (a === "--out" || a.startsWith("--out=")) opts.out = path.resolve(value());
    else if (a === "--root" || a.startsWith("--root=")) root = path.resolve(value());
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  if (opts.quick && opts.updateReadme) fail("--update-readme with --quick would put tiny-size numbers in the READMEs");
  opts.out ??= opts.quick ? path.join(os.tmpdir(), "lowrank-bench-quick") : path.join(root, "bench", "results");
  return opts;
}

function fail(msg) {
  console.error(`bench: ${msg}\n${USAGE}`);
  process.exit(2);
}

/** Packages with a bench/ folder holding *.bench.ts or *.bench.mjs files. */
function discover(filters) {
  const pkgRoot = path.join(root, "packages");
  const found = [];
  for (const dir of readdirSync(pkgRoot).sort()) {
    const benchDir = path.join(pkgRoot, dir, "bench");
    if (!existsSync(benchDir)) continue;
    const files = readdirSync(benchDir)
      .filter((f) => /\.bench\.(ts|mjs)$/.test(f))
      .sort()
      .map((f) => path.join(benchDir, f));
    if (files.length === 0) continue;
    let name = dir;
    try {
      name = JSON.parse(readFileSync(path.join(pkgRoot, dir, "package.json"), "utf8")).name ?? dir;
    } catch {}
    if (filters.length && !filters.some((f) => f === dir || f === name)) continue;
    found.push({ dir, name, path: path.join(pkgRoot, dir), files });
  }
  return found;
}

/** Runs one package's bench files in one child process and collects what they report. */
function runPackage(pkg, quick) {
  const tsx = import.meta.resolve("tsx");
  const args = ["--experimental-wasm-relaxed-simd", "--expose-gc", "--import", tsx, path.join(here, "child.mjs"), ...pkg.files];
  const result = { rows: [], notes: [], skips: [], errors: [], exitCode: 0 };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: pkg.path,
      env: { ...process.env, LOWRANK_BENCH_QUICK: quick ? "1" : "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let file = null;
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (!line.startsWith(MARKER)) {
        process.stderr.write(`[${pkg.dir}] ${line}\n`);
        return;
      }
      let msg;
      try {
        msg = JSON.parse(line.slice(MARKER.length));
      } catch {
        result.errors.push({ file, message: `unparsable bench line: ${line}` });
        return;
      }
      const rel = (f) => path.relative(pkg.path, f);
      if (msg.kind === "file") {
        file = rel(msg.file);
        process.stderr.write(`[${pkg.dir}] ${file}\n`);
      } else if (msg.kind === "row") {
        result.rows.push({ file, ...msg.row });
        process.stderr.write(`[${pkg.dir}]   ${msg.row.case} ${msg.row.size}\n`);
      } else if (msg.kind === "note") result.notes.push(msg.text);
      else if (msg.kind === "skip") {
        result.skips.push({ file, case: msg.case, reason: msg.reason });
        process.stderr.write(`[${pkg.dir}]   skipped ${msg.case}: ${msg.reason}\n`);
      } else if (msg.kind === "error") {
        result.errors.push({ file: rel(msg.file), message: msg.message, stack: msg.stack });
        process.stderr.write(`[${pkg.dir}] ${rel(msg.file)} threw: ${msg.stack ?? msg.message}\n`);
      }
    });
    createInterface({ input: child.stderr }).on("line", (line) => process.stderr.write(`[${pkg.dir}] ${line}\n`));
    child.on("close", (code, signal) => {
      result.exitCode = code ?? 1;
      if (signal) result.errors.push({ file, message: `bench process killed by ${signal}` });
      else if (code !== 0 && result.errors.length === 0) result.errors.push({ file, message: `bench process exited with ${code}` });
      resolve(result);
    });
  });
}

// ---- derived numbers and formatting ----

const num = (x) => (typeof x === "number" && Number.isFinite(x) ? x : null);

function derive(r) {
  const ts = num(r.ts), simd = num(r.simd), relaxed = num(r.relaxed), anchor = num(r.anchor);
  let bestWasm = null, bestVariant = null;
  if (simd !== null) (bestWasm = simd), (bestVariant = "simd");
  if (relaxed !== null && (bestWasm === null || relaxed < bestWasm)) (bestWasm = relaxed), (bestVariant = "relaxed-simd");
  const gf = (ms) => (r.flops > 0 && ms !== null && ms > 0 ? r.flops / (ms * 1e6) : null);
  return {
    case: r.case,
    size: r.size,
    file: r.file,
    ts, simd, relaxed, anchor,
    anchorName: anchor !== null ? (r.anchorName ?? "anchor") : null,
    flops: num(r.flops),
    bestWasm,
    bestVariant,
    speedup: ts !== null && bestWasm ? ts / bestWasm : null,
    anchorRatio: anchor !== null && bestWasm ? anchor / bestWasm : null,
    gflops: r.flops > 0 ? { ts: gf(ts), simd: gf(simd), relaxed: gf(relaxed), anchor: gf(anchor) } : null,
    extra: r.extra ?? {},
  };
}

function fmtTime(ms) {
  if (ms === null) return "–";
  const f = (v, unit) => `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
  if (ms >= 1000) return f(ms / 1000, "s");
  if (ms >= 1) return f(ms, "ms");
  if (ms >= 1e-3) return f(ms * 1e3, "µs");
  return f(ms * 1e6, "ns");
}
const fmtRatio = (x) => (x === null ? "–" : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`);
const fmtGf = (x) => (x === null ? "–" : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The Markdown table and its footer for one package. */
function renderTable(rows, notes, skips, meta) {
  const hasRelaxed = rows.some((r) => r.relaxed !== null);
  const anchorNames = [...new Set(rows.map((r) => r.anchorName).filter(Boolean))];
  const hasFlops = rows.some((r) => r.gflops);
  const extraKeys = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))];
  const oneAnchor = anchorNames.length === 1 ? anchorNames[0] : null;

  const cols = [
    ["case", (r) => r.case],
    ["size", (r) => r.size],
    ["TS reference", (r) => fmtTime(r.ts)],
    ["WASM simd", (r) => fmtTime(r.simd)],
  ];
  if (hasRelaxed) cols.push(["WASM relaxed-simd", (r) => fmtTime(r.relaxed)]);
  cols.push(["speed-up (TS / best WASM)", (r) => fmtRatio(r.speedup)]);
  if (anchorNames.length) {
    cols.push([oneAnchor ?? "outside anchor", (r) => (r.anchor === null ? "–" : oneAnchor ? fmtTime(r.anchor) : `${fmtTime(r.anchor)} (${r.anchorName})`)]);
    cols.push([`${oneAnchor ?? "anchor"} / best WASM`, (r) => fmtRatio(r.anchorRatio)]);
  }
  if (hasFlops) {
    const parts = ["TS", "simd", ...(hasRelaxed ? ["relaxed"] : []), ...(anchorNames.length ? [oneAnchor ?? "anchor"] : [])];
    const keys = ["ts", "simd", ...(hasRelaxed ? ["relaxed"] : []), ...(anchorNames.length ? ["anchor"] : [])];
    cols.push([`GFLOP/s (${parts.join(" / ")})`, (r) => (r.gflops ? keys.map((k) => fmtGf(r.gflops[k])).join(" / ") : "–")]);
  }
  for (const k of extraKeys) cols.push([k, (r) => (k in r.extra ? r.extra[k] : "–")]);

  const lines = [];
  lines.push(`| ${cols.map((c) => cell(c[0])).join(" | ")} |`);
  lines.push(`| ${cols.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`);
  for (const r of rows) lines.push(`| ${cols.map((c) => cell(c[1](r))).join(" | ")} |`);

  const foot = [];
  foot.push(
    `Median time per call (${meta.quick ? "QUICK MODE: tiny sizes, one run, no warm-up, numbers meaningless" : "after warm-up, several runs"}), ` +
      "including the public API's copy into and out of WASM memory. Speed-up and anchor ratios divide by the faster WASM variant; above 1 means WASM is faster.",
  );
  if (!hasRelaxed) foot.push("WASM relaxed-simd: no time reported (engine without relaxed SIMD, or not measured), column left out.");
  for (const n of notes) foot.push(n);
  for (const s of skips) foot.push(`Skipped ${s.case}: ${s.reason}`);
  foot.push(`Node ${meta.node}, ${meta.cpu}, ${meta.date}.`);
  return `${lines.join("\n")}\n\n${foot.map((f) => `- ${f}`).join("\n")}\n`;
}

function updateReadme(pkg, table) {
  const file = path.join(pkg.path, "README.md");
  const start = "<!-- bench:start -->", end = "<!-- bench:end -->";
  if (!existsSync(file)) {
    console.error(`bench: ${path.relative(root, file)} does not exist; README not updated`);
    return false;
  }
  const text = readFileSync(file, "utf8");
  const i = text.indexOf(start), j = text.indexOf(end);
  if (i < 0 || j < i) {
    console.error(`bench: ${path.relative(root, file)} has no ${start} ... ${end} section; README not updated`);
    return false;
  }
  writeFileSync(file, `${text.slice(0, i + start.length)}\n${table}${text.slice(j)}`);
  console.error(`bench: updated ${path.relative(root, file)}`);
  return true;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const packages = discover(opts.filters);
  if (packages.length === 0) fail(opts.filters.length ? `no package with benches matches ${opts.filters.join(", ")}` : "no bench files found");
  mkdirSync(opts.out, { recursive: true });
  const cpus = os.cpus();
  const meta = {
    quick: opts.quick,
    node: process.version,
    cpu: `${cpus[0]?.model?.trim() ?? "unknown CPU"} (${cpus.length} logical cores)`,
    date: new Date().toISOString().slice(0, 10),
  };
  let failed = false;
  for (const pkg of packages) {
    process.stderr.write(`bench: ${pkg.name} (${pkg.files.length} file${pkg.files.length === 1 ? "" : "s"})\n`);
    const res = await runPackage(pkg, opts.quick);
    const rows = res.rows.map(derive);
    const table = renderTable(rows, res.notes, res.skips, meta);
    const json = {
      package: pkg.name,
      ...meta,
      files: pkg.files.map((f) => path.relative(pkg.path, f)),
      rows,
      notes: res.notes,
      skipped: res.skips,
      errors: res.errors.map(({ file, message }) => ({ file, message })),
    };
    process.stdout.write(`\n## ${pkg.name}\n\n${table}\n`);
    if (res.errors.length || res.exitCode !== 0) {
      // Keep the last good results and README: a partial table would replace them.
      failed = true;
      for (const e of res.errors) console.error(`bench: ${pkg.name}: ${e.file ?? "?"}: ${e.message}`);
      console.error(`bench: ${pkg.name} failed; its results and README were left as they were`);
      continue;
    }
    const base = path.join(opts.out, pkg.dir);
    writeFileSync(`${base}.json`, JSON.stringify(json, null, 2) + "\n");
    writeFileSync(`${base}.md`, `# Benchmarks: ${pkg.name}\n\n${table}`);
    process.stderr.write(`bench: wrote ${path.relative(process.cwd(), base)}.json and .md\n`);
    if (opts.updateReadme) updateReadme(pkg, table);
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
