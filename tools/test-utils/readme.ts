// Runs a README's example as written: its `import { ... } from "<pkg>"` lines
// are replaced by the given modules (the package's source in its tests), the
// rest runs as an async function body, and what it prints is returned.
import { readFileSync } from "node:fs";
import { expect } from "vitest";

/** The first ```js block after `heading` in the README at `url`. */
export function readmeExample(url: URL, heading = "## Example"): string {
  const readme = readFileSync(url, "utf8");
  const block = readme.slice(readme.indexOf(heading)).match(/```js\n([\s\S]*?)```/);
  expect(block, `a js block under ${heading}`).not.toBeNull();
  return block![1];
}

/**
 * Runs `code` with each imported name bound to the export of `modules[spec]`
 * (every import must name a module given, and every name must be exported).
 * Returns the imported names in order and the lines passed to console.log.
 */
export async function runExample(code: string, modules: Record<string, object>): Promise<{ names: string[]; lines: string[] }> {
  const names: string[] = [], values: unknown[] = [];
  let body = code;
  for (const m of [...code.matchAll(/^import \{([^}]*)\} from "([^"]+)";$/gm)]) {
    const mod = modules[m[2]] as Record<string, unknown> | undefined;
    expect(mod, `README imports ${m[2]}`).toBeDefined();
    for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      expect(mod![name], `${m[2]} exports ${name}`).toBeDefined();
      names.push(name);
      values.push(mod![name]);
    }
    body = body.replace(m[0], "");
  }
  const lines: string[] = [];
  const log = { log: (...args: unknown[]) => lines.push(args.map(String).join(" ")) };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, "console", body)(...values, log);
  return { names, lines };
}
