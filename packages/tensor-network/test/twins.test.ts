// Every AssemblyScript kernel file has its TypeScript twin module under
// src/kernels/ with the same exported names (docs/ARCHITECTURE.md, "Twins"),
// and no other source file shares its name; the js kernel set holds every
// kernel the WASM binding binds from this package's assembly files.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsTensorKernels } from "../src/kernels/index.js";

const root = join(import.meta.dirname, "..");
const exported = (file: string) => [...readFileSync(file, "utf8").matchAll(/^export function (\w+)/gm)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : [join(dir, e.name)]));
}

describe("kernel twins", () => {
  const files = readdirSync(join(root, "assembly")).filter((f) => f.endsWith(".ts") && f !== "index.ts");

  it("one twin per assembly file, with the same exported kernels", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const as = exported(join(root, "assembly", f));
      expect(as.length, f).toBeGreaterThan(0);
      expect(exported(join(root, "src", "kernels", f)), f).toEqual(as);
    }
  });

  it("no other file under src/ has a kernel file's name", () => {
    for (const f of files) {
      const same = sources(join(root, "src")).filter((p) => p.endsWith(`/${f}`));
      expect(same, f).toEqual([join(root, "src", "kernels", f)]);
    }
  });

  it("the js kernel set holds every kernel of this package's assembly files", () => {
    for (const f of files) {
      for (const name of exported(join(root, "assembly", f))) {
        if (name.endsWith("WorkSize")) continue; // sizes, not kernels: exported from kernels/index.ts
        if (name.endsWith("Task")) continue; // task kernels run on the pool from src/threads.ts, not from the kernel set
        expect(typeof (jsTensorKernels as unknown as Record<string, unknown>)[name], name).toBe("function");
      }
    }
  });
});
