// The README's example, run as written (its import line replaced by this package's source).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as lib from "../src/index.js";

describe("README example", () => {
  it("runs and prints a sensible held-out RMSE and three recommendations", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = readme.match(/## Example\s+```js\n([\s\S]*?)```/);
    expect(block).not.toBeNull();
    const code = block![1];
    const imported = code.match(/^import \{([^}]*)\} from "@lowrank\/matrix-completion";$/m);
    expect(imported).not.toBeNull();
    const names = imported![1].split(",").map((s) => s.trim()).filter(Boolean);
    const body = code.replace(imported![0], "");
    const lines: string[] = [];
    const log = { log: (...args: unknown[]) => lines.push(args.map(String).join(" ")) };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    const run = new AsyncFunction(...names, "console", body);
    await run(...names.map((n) => (lib as Record<string, unknown>)[n]), log);
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^held-out RMSE \d\.\d{3} lambda \d\.\d{4}$/);
    const rmseValue = Number(lines[0].split(" ")[2]);
    expect(rmseValue).toBeGreaterThan(0);
    expect(rmseValue).toBeLessThan(0.6);
    expect(lines[1]).toMatch(/^u0 -> m\d+ \(\d\.\d\d\), m\d+ \(\d\.\d\d\), m\d+ \(\d\.\d\d\)$/);
  });
});
