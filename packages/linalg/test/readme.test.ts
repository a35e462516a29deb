// The README's example, run as written (its import line replaced by this package's source).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

describe("README example", () => {
  it("runs and prints the variant and ok", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = readme.match(/## Example\s+```js\n([\s\S]*?)```/);
    expect(block).not.toBeNull();
    let body = block![1];
    const names: string[] = [], values: unknown[] = [];
    for (const m of [...body.matchAll(/^import \{([^}]*)\} from "([^"]+)";$/gm)]) {
      expect(m[2]).toBe("@lowrank/linalg");
      for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
        expect((lib as Record<string, unknown>)[name], `@lowrank/linalg exports ${name}`).toBeDefined();
        names.push(name);
        values.push((lib as Record<string, unknown>)[name]);
      }
      body = body.replace(m[0], "");
    }
    expect(names).toEqual(["init", "gemm", "svd", "Rng"]);
    const lines: string[] = [];
    const log = { log: (...args: unknown[]) => lines.push(args.map(String).join(" ")) };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    await new AsyncFunction(...names, "console", body)(...values, log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^(relaxed-simd|simd) ok$/);
  });
});
