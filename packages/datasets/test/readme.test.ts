// The README's examples, run as written (their import lines replaced by this
// package's source): the main-entry one, and the /node one with its corpus.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as main from "../src/index.js";
import * as node from "../src/node.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const example = readme.slice(readme.indexOf("## Example"), readme.indexOf("## Real data"));
const blocks = [...example.matchAll(/```js( node)?\n([\s\S]*?)```/g)].map((m) => ({ node: !!m[1], code: m[2] }));

async function run(code: string, entry: string, lib: Record<string, unknown>): Promise<string[]> {
  const imported = code.match(new RegExp(`^import \\{([^}]*)\\} from "${entry}";$`, "m"));
  expect(imported, `an import from ${entry}`).not.toBeNull();
  const names = imported![1].split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) expect(lib[n], `${entry} exports ${n}`).toBeDefined();
  const lines: string[] = [];
  const log = { log: (...args: unknown[]) => lines.push(args.map(String).join(" ")) };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, "console", code.replace(imported![0], ""))(...names.map((n) => lib[n]), log);
  return lines;
}

describe("README examples", () => {
  it("has a browser-safe first example (the one the install check runs) and a /node one", () => {
    expect(blocks.map((b) => b.node)).toEqual([false, true]);
    expect(blocks[0].code).not.toContain("/node");
  });

  it("the main-entry example prints the shapes it builds", async () => {
    const lines = await run(blocks[0].code, "@lowrank/datasets", main);
    expect(lines).toHaveLength(1);
    // 7 terms: the, cat, sat, on, mat, dog, and ("a" is below the default minLength 2).
    const [docs, terms, shape, rows, bLength, observed, s0] = lines[0].split(" ");
    expect([docs, terms, shape, rows, bLength, observed]).toEqual(["3", "7", "8x9x10", "1000", "1000", "15000"]);
    expect(Number(s0)).toBeGreaterThan(1);
  });

  it("the /node example loads the boats photograph at a quarter size", async () => {
    expect(await run(blocks[1].code, "@lowrank/datasets/node", node)).toEqual(["204 256"]);
  });
});
