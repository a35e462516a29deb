// The README's example, run as written (its import line replaced by this
// package's source).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

describe("README example", () => {
  it("runs and prints the update's shape and error, an embedding, and auto's two picks", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = readme.match(/## Example\s+```js\n([\s\S]*?)```/);
    expect(block).not.toBeNull();
    let body = block![1];
    const names: string[] = [], values: unknown[] = [];
    for (const m of [...body.matchAll(/^import \{([^}]*)\} from "([^"]+)";$/gm)]) {
      expect(m[2]).toBe("@lowrank/svd-update");
      for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
        const value = (lib as Record<string, unknown>)[name];
        expect(value, `@lowrank/svd-update exports ${name}`).toBeDefined();
        names.push(name);
        values.push(value);
      }
      body = body.replace(m[0], "");
    }
    expect(names).toEqual(["EvolvingSvd", "truncatedSvd", "singularValueError"]);
    const lines: string[] = [];
    const log = { log: (...args: unknown[]) => lines.push(args.map(String).join(" ")) };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    await new AsyncFunction(...names, "console", body)(...values, log);
    expect(lines).toHaveLength(3);
    const m = lines[0].match(/^400 x 300, 10 updates, max singular-value error (\S+) ok$/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(1e-9);
    const embedding = lines[1].match(/^document 399 embedding: (.*)$/);
    expect(embedding).not.toBeNull();
    const v = embedding![1].split(" ").map(Number);
    expect(v).toHaveLength(5);
    expect(v.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true);
    expect(v.some((x) => x !== 0)).toBe(true);
    expect(lines[2]).toBe("auto chose: deng, recompute");
  }, 60_000);
});
