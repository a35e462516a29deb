// Every name a package's public entry points export is named in its README,
// so the README's API tables cannot fall behind the code. The unstable
// subpaths (linalg's /kernels and /internal) are described as a whole and
// not listed name by name.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packages = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "packages");

const ENTRIES: [string, string, () => Promise<Record<string, unknown>>][] = [
  ["linalg", "@lowrank/linalg", () => import("@lowrank/linalg")],
  ["matrix-completion", "@lowrank/matrix-completion", () => import("@lowrank/matrix-completion")],
  ["matrix-completion", "@lowrank/matrix-completion/spark", () => import("@lowrank/matrix-completion/spark")],
  ["svd-update", "@lowrank/svd-update", () => import("@lowrank/svd-update")],
  ["tensor-network", "@lowrank/tensor-network", () => import("@lowrank/tensor-network")],
  ["sensitivity-sampling", "@lowrank/sensitivity-sampling", () => import("@lowrank/sensitivity-sampling")],
  ["datasets", "@lowrank/datasets", () => import("@lowrank/datasets")],
  ["datasets", "@lowrank/datasets/node", () => import("@lowrank/datasets/node")],
];

describe("READMEs name every export", () => {
  it.each(ENTRIES)("%s: %s", async (dir, _entry, load) => {
    const readme = readFileSync(join(packages, dir, "README.md"), "utf8");
    const names = Object.keys(await load());
    expect(names.length).toBeGreaterThan(0);
    const missing = names.filter((n) => !new RegExp(`\\b${n.replace(/\$/g, "\\$")}\\b`).test(readme));
    expect(missing).toEqual([]);
  });
});
