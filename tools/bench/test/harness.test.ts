// Proves the benches run (CI): runs the harness in --quick mode and checks the
// shape of what it prints and writes. Never asserts a timing.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const runMjs = path.resolve(here, "../run.mjs");
const out = mkdtempSync(path.join(os.tmpdir(), "lowrank-bench-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function harness(args: string[], quick = true): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The flag sidesteps Node 20's exit deadlock (nodejs/node#54918; tools/pack-check/lib.mjs, NODE_FLAGS).
    execFile(process.execPath, ["--no-concurrent-recompilation", runMjs, ...(quick ? ["--quick"] : []), "--out", out, ...args], { timeout: 50_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The header cells of the first Markdown table in `text`. */
function header(text: string): string[] {
  const line = text.split("\n").find((l) => l.startsWith("| case |"));
  expect(line, "a table header").toBeDefined();
  return line!.split("|").slice(1, -1).map((c) => c.trim());
}

describe("bench harness --quick", () => {
  it("runs linalg's benches and writes a table and JSON with the expected columns", async () => {
    const { code, stdout, stderr } = await harness(["--filter", "linalg"]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("## @lowrank/linalg");
    const cols = header(stdout);
    expect(cols.slice(0, 4)).toEqual(["case", "size", "TS reference", "WASM simd"]);
    expect(cols).toContain("speed-up (TS / best WASM)");
    // One outside library names its column; with several (ml-matrix, and numpy for the threads
    // rows when /usr/bin/python3 has it) the column says "outside anchor" and each cell names its library.
    if (cols.includes("outside anchor")) {
      expect(cols).toContain("anchor / best WASM");
      expect(stdout).toContain("(ml-matrix)");
    } else {
      expect(cols).toContain("ml-matrix");
      expect(cols).toContain("ml-matrix / best WASM");
    }
    expect(cols.some((c) => c.startsWith("GFLOP/s ("))).toBe(true);

    const md = readFileSync(path.join(out, "linalg.md"), "utf8");
    expect(header(md)).toEqual(cols);

    const json = JSON.parse(readFileSync(path.join(out, "linalg.json"), "utf8"));
    expect(json.package).toBe("@lowrank/linalg");
    expect(json.quick).toBe(true);
    expect(json.errors).toEqual([]);
    const cases = new Set(json.rows.map((r: { case: string }) => r.case));
    for (const c of ["gemm", "dot", "axpy"]) expect(cases).toContain(c);
    for (const r of json.rows) {
      for (const k of ["case", "size", "ts", "simd", "relaxed", "anchor", "bestWasm", "speedup", "anchorRatio", "gflops", "extra"]) {
        expect(r).toHaveProperty(k);
      }
      expect(r.bestWasm).toBeGreaterThan(0);
      if (r.extra?.threads !== undefined) {
        // The threads rows: WASM at 1 and 2 threads, against numpy when it is there; no TypeScript column.
        expect(r.ts).toBeNull();
        if (r.anchor !== null) expect(r.anchorName).toMatch(/numpy/);
      } else if (r.extra && "first / 30th" in r.extra) {
        // The warm rows: a first call right after init() against its 30th repetition, WASM only.
        expect(r.ts).toBeNull();
        expect(r.extra["first / 30th"]).toMatch(/^\d+(\.\d+)?x$/);
      } else {
        expect(r.ts).toBeGreaterThan(0);
        expect(r.simd).toBeGreaterThan(0);
        // ml-matrix in JavaScript; the factorisations against numpy's LAPACK when /usr/bin/python3 has it.
        expect(r.anchorName).toMatch(/^(ml-matrix|numpy \S+ \(1 thread\))$/);
      }
    }
    expect(json.rows.some((r: { extra?: { threads?: number } }) => r.extra?.threads === 2)).toBe(true);
    // Every factorisation case either ran or says why not.
    for (const c of ["svd (thin)", "qr (thin Q, R)", "eigh"]) {
      const ran = cases.has(c);
      const skipped = json.skipped.some((s: { case: string }) => s.case === c);
      expect(ran || skipped, c).toBe(true);
    }
  });

  it("collects TypeScript and .mjs benches from a fixture tree, and exits non-zero when one throws", async () => {
    const { code, stdout, stderr } = await harness(["--root", path.join(here, "fixtures")]);
    expect(code).toBe(1);
    expect(stderr).toContain("fixture failure");
    // The healthy package still gets its table and files; the broken one keeps none.
    expect(stdout).toContain("## @fixture/demo");
    const json = JSON.parse(readFileSync(path.join(out, "demo.json"), "utf8"));
    expect(json.rows).toHaveLength(1);
    expect(json.rows[0]).toMatchObject({ case: "sum", relaxed: null, anchorName: "plain JS", speedup: 2, anchorRatio: 6 });
    expect(json.notes).toEqual(["fixture note"]);
    expect(json.skipped).toMatchObject([{ case: "missing", reason: "not there" }]);
    expect(header(stdout)).not.toContain("WASM relaxed-simd");
    expect(stdout).toContain("a\\|b");
    expect(() => readFileSync(path.join(out, "broken.json"))).toThrow();
  });

  it("--update-readme replaces only the marked section (full mode, fixture)", async () => {
    const readme = path.join(here, "fixtures/packages/demo/README.md");
    const before = readFileSync(readme, "utf8");
    try {
      const { code, stderr } = await harness(["--root", path.join(here, "fixtures"), "--filter", "demo", "--update-readme"], false);
      expect(code, stderr).toBe(0);
      const after = readFileSync(readme, "utf8");
      expect(after.startsWith("# demo fixture\n\nText before the table.\n\n<!-- bench:start -->\n| case |")).toBe(true);
      expect(after).toContain("fixture note");
      expect(after).not.toContain("QUICK MODE");
      expect(after.endsWith("<!-- bench:end -->\n\nText after the table.\n")).toBe(true);
    } finally {
      writeFileSync(readme, before);
    }
  });

  it("refuses --update-readme with --quick", async () => {
    const { code, stderr } = await harness(["--update-readme"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--update-readme with --quick");
  });
});
