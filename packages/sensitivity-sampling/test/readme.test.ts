// The README's example, run as written (its import lines replaced by this
// package's source and linalg).
import { readFileSync } from "node:fs";
import * as linalg from "@lowrank/linalg";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

describe("README example", () => {
  it("runs and prints the rank, the three sums and a coreset within 1% of the l1 optimum", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = readme.match(/## Example\s+```js\n([\s\S]*?)```/);
    expect(block).not.toBeNull();
    let body = block![1];
    const modules: Record<string, Record<string, unknown>> = {
      "@lowrank/sensitivity-sampling": lib as Record<string, unknown>,
      "@lowrank/linalg": linalg as Record<string, unknown>,
    };
    const names: string[] = [], values: unknown[] = [];
    for (const m of [...body.matchAll(/^import \{([^}]*)\} from "([^"]+)";$/gm)]) {
      const mod = modules[m[2]];
      expect(mod, `README imports ${m[2]}`).toBeDefined();
      for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
        expect(mod[name], `${m[2]} exports ${name}`).toBeDefined();
        names.push(name);
        values.push(mod[name]);
      }
      body = body.replace(m[0], "");
    }
    expect(names).toContain("coreset");
    const lines: string[] = [];
    const log = { log: (...args: unknown[]) => lines.push(args.map(String).join(" ")) };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    await new AsyncFunction(...names, "console", body)(...values, log);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^(relaxed-simd|simd) 8 8\.000000 8\.000000 8\.000$/);
    const m = lines[1].match(/^(\d+) of 20000 rows: l1 objective ratio (\d\.\d{4})$/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(300);
    expect(Number(m![1])).toBeLessThan(500);
    expect(Number(m![2])).toBeGreaterThanOrEqual(1);
    expect(Number(m![2])).toBeLessThan(1.01);
  }, 60_000);
});
