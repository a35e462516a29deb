// Helpers for the install-alone check: pack workspace packages, install the
// tarballs with npm in a fresh folder, and pull the runnable example out of a README.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, existsSync } from "node:fs";
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
  const out = execFileSync("pnpm", ["pack", "--pack-destination", dest], { cwd: dir, encoding: "utf8" });
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

// NODE_PATH is cleared: pnpm's bin shims point it at the workspace's hoisted
// store, through which an installed tarball could resolve a package it does
// not declare; the checks must see only what the fresh folder holds.
export function run(cmd, args, cwd, env = {}) {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_PATH: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
}
