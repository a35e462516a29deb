// Helpers for the install-alone check: pack workspace packages, install the
// tarballs with npm in a fresh folder, and pull the runnable example out of a README.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, existsSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..", "..");

/** Public workspace packages: name, folder, and their @lowrank dependencies. */
export function publicPackages() {
  const dir = join(root, "packages");
  return readdirSync(dir)
    .map((d) => join(dir, d))
    .filter((d) => existsSync(join(d, "package.json")))
    .map((d) => {
      const pkg = JSON.parse(readFileSync(join(d, "package.json"), "utf8"));
      const deps = Object.keys(pkg.dependencies ?? {}).filter((n) => n.startsWith("@lowrank/"));
      return { name: pkg.name, dir: d, deps, private: !!pkg.private };
    })
    .filter((p) => !p.private);
}

/** `pnpm pack` of a package into `dest`; returns the tarball path. */
export function pack(dir, dest) {
  const out = run("pnpm", ["pack", "--pack-destination", dest], dir);
  const line = out.trim().split("\n").filter((l) => l.endsWith(".tgz")).pop();
  if (!line) throw new Error(`pnpm pack printed no tarball:\n${out}`);
  return line.startsWith("/") ? line : join(dest, line.trim());
}

/**
 * The runnable examples of a README: the ```js blocks under its "Example"
 * heading (or anywhere, if it has none). `node` is the first block; `browser`
 * is the first block not fenced ```js node (an example that imports a
 * Node-only entry point), or null when every block needs Node.
 */
export function readmeExample(dir) {
  const text = readFileSync(join(dir, "README.md"), "utf8");
  const at = text.search(/^##+ .*example/im);
  const from = at >= 0 ? text.slice(at) : text;
  const blocks = [...from.matchAll(/```(?:js|javascript|mjs)([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({
    code: m[2],
    nodeOnly: /\bnode\b/.test(m[1]),
  }));
  if (blocks.length === 0) throw new Error(`${dir}/README.md has no \`\`\`js example block`);
  return { node: blocks[0].code, browser: blocks.find((b) => !b.nodeOnly)?.code ?? null };
}

export function freshDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * V8 flags for the Node children the checks start. Node 20 can deadlock at
 * exit when an optimizing compile job still running on a background thread
 * needs a garbage collection that only the exiting main thread could do
 * (nodejs/node#54918; seen here running a README example: the process
 * printed everything, then never exited). Compiling on the main thread
 * leaves no such job behind; what the examples compute is unchanged.
 */
export const NODE_FLAGS = ["--no-concurrent-recompilation"];

// NODE_PATH is cleared: pnpm's bin shims point it at the workspace's hoisted
// store, through which an installed tarball could resolve a package it does
// not declare; the checks must see only what the fresh folder holds.
//
// Every child has a deadline: a test runner cannot interrupt a synchronous
// call, so a child that never exits would hang the whole run. Past it the
// child is killed and the error carries the command and the end of its output.
export function run(cmd, args, cwd, env = {}, timeoutMs = 240_000) {
  const script = nodeScript(cmd);
  if (script) [cmd, args] = [process.execPath, [...NODE_FLAGS, ...(script === true ? [] : [script]), ...args]];
  try {
    return execFileSync(cmd, args, {
      cwd, encoding: "utf8", env: { ...process.env, NODE_PATH: "", ...env }, stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 << 20,
    });
  } catch (e) {
    const tail = (t) => String(t ?? "").slice(-4000);
    const why = e.signal === "SIGKILL" ? `killed after ${timeoutMs / 1000} s` : `exit ${e.status ?? e.code}`;
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}): ${why}\n--- stdout\n${tail(e.stdout)}\n--- stderr\n${tail(e.stderr)}`);
  }
}

/** For node itself: true; for a command that is a Node script (npm, pnpm): its path; otherwise null. */
function nodeScript(cmd) {
  if (cmd === process.execPath) return true;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const p = join(dir, cmd);
    if (!dir || !existsSync(p)) continue;
    const real = realpathSync(p);
    return /\.[cm]?js$/.test(real) ? real : null;
  }
  return null;
}

/**
 * Tarballs of the registry packages that `names` (workspace packages) depend
 * on, transitively, packed from the workspace's installed copies: the exact
 * locked versions, so the install-alone checks need no network (npm runs
 * with --offline).
 */
export function thirdPartyTarballs(dirs, dest) {
  const seen = new Map();
  const visit = (fromDir, pkgJson) => {
    for (const dep of Object.keys(pkgJson.dependencies ?? {})) {
      if (dep.startsWith("@lowrank/")) continue;
      const dir = realpathSync(resolveDep(fromDir, dep));
      if (seen.has(dir)) continue;
      seen.set(dir, null);
      visit(dir, JSON.parse(readFileSync(join(dir, "package.json"), "utf8")));
    }
  };
  for (const d of dirs) visit(d, JSON.parse(readFileSync(join(d, "package.json"), "utf8")));
  return [...seen.keys()].map((dir) => {
    const out = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dest, dir], dest);
    return join(dest, out.trim().split("\n").pop().trim());
  });
}

/**
 * The folder `dep` resolves to from a package folder, as Node resolves it:
 * node_modules/<dep> in that folder or an ancestor (in pnpm's store a
 * package's dependencies are its siblings, which this walk finds too).
 */
function resolveDep(fromDir, dep) {
  for (let d = fromDir; ; d = resolve(d, "..")) {
    const p = join(d, "node_modules", dep);
    if (existsSync(join(p, "package.json"))) return p;
    if (d === resolve(d, "..")) throw new Error(`cannot find ${dep} from ${fromDir}`);
  }
}
