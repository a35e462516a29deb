// The twin layout (one src/kernels/<name>.ts per assembly/<name>.ts, exporting
// that file's kernel names) and the twins' agreement with the simd build, bit
// for bit, for the kernels whose TypeScript twin sums in the SIMD order.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withLinalg } from "../src/internal.js";
import { jsKernels, type LinalgKernels } from "../src/kernels/index.js";
import { gemm, gemmTask, gemmTaskCols, gemmTaskRows } from "../src/kernels/gemm.js";
import { madd, rank1x4 } from "../src/kernels/simd.js";
import { axpyAt } from "../src/kernels/blas1.js";
import { describeVariants, randn } from "./factor-helpers.js";

const root = join(import.meta.dirname, "..");

/** Names an AssemblyScript file exports (functions and constants, @inline or not). */
function asExports(file: string): string[] {
  const text = readFileSync(join(root, "assembly", file), "utf8");
  return [...text.matchAll(/^(?:@inline\s+)?export\s+(?:function|const)\s+(\w+)/gm)].map((m) => m[1]).sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe("twin layout", () => {
  const asFiles = readdirSync(join(root, "assembly")).filter((f) => f.endsWith(".ts") && f !== "index.ts");

  it.each(asFiles)("assembly/%s has a twin exporting the same kernel names", async (file) => {
    const twin = await import(`../src/kernels/${file.replace(/\.ts$/, ".js")}`);
    const names = asExports(file);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(twin[name], `${file}: ${name}`).toBeDefined();
  });

  it("no other file under src/ shares a kernel file's name", () => {
    const kernelNames = new Set(asFiles);
    const clashes = filesUnder(join(root, "src"))
      .filter((p) => !p.includes(join("src", "kernels")) && kernelNames.has(p.split(/[\\/]/).pop()!));
    expect(clashes).toEqual([]);
  });
});

describe("simd primitives' twins", () => {
  it("madd is c + a b, unfused", () => {
    const a = 1 + 2 ** -30, b = 1 - 2 ** -30, c = -1;
    expect(madd(a, b, c)).toBe(c + a * b);
    expect(madd(a, b, c)).toBe(0); // a b = 1 - 2^-60 rounds to 1: no fusion
  });

  it("rank1x4 is four successive axpys, bit for bit", () => {
    const n = 7, F = randn(4, n, 3).data, g0 = randn(1, n, 4).data;
    const got = g0.slice(), want = g0.slice();
    const a = [0.3, -1.7, 2.5, 1e-3];
    rank1x4(n, got, 0, F, 0, F, n, F, 2 * n, F, 3 * n, a[0], a[1], a[2], a[3]);
    for (let q = 0; q < 4; q++) axpyAt(n, a[q], F, q * n, want, 0);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});

describe("gemmTask twin", () => {
  it("the tasks of the fixed grid together give gemm's result bit for bit", () => {
    const m = gemmTaskRows() + 5, n = gemmTaskCols() + 3, k = 9;
    const A = randn(m, k, 1).data, B = randn(n, k, 2).data, C0 = randn(m, n, 3).data;
    const want = C0.slice(), got = C0.slice();
    gemm(false, true, m, n, k, 0.5, A, k, B, k, 2, want, n);
    const tasks = Math.ceil(m / gemmTaskRows()) * Math.ceil(n / gemmTaskCols());
    expect(tasks).toBe(4);
    for (let t = tasks - 1; t >= 0; t--) {
      gemmTask({ transA: false, transB: true, m, n, k, alpha: 0.5, A, lda: k, B, ldb: k, beta: 2, C: got, ldc: n }, t);
    }
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});

/** Householder QR and thin Q of A (m x n) with one kernel set; A may hold zero runs in its columns. */
function qrRun(backend: "js" | "wasm", A: Float64Array, m: number, n: number) {
  return withLinalg(backend, 8 * (2 * m * n + 2 * n) + 1024, (ws) => {
    const K: LinalgKernels = ws.kernels;
    const a = ws.f64(m * n), Q = ws.f64(m * n), tau = ws.f64(n), work = ws.f64(n);
    a.set(A);
    K.householderQr(m, n, a, n, tau, work);
    K.householderQ(m, n, a, n, tau, Q, n, work);
    return { a: ws.output(a), Q: ws.output(Q), tau: ws.output(tau) };
  });
}

describeVariants("householder twins", (variant) => {
  // Sizes around the four-row grouping and the pair/odd tails of rank1x4; some columns get zero runs.
  const shapes: [number, number][] = [[5, 3], [9, 7], [13, 6], [30, 11], [64, 33]];
  it("householderQr and householderQ agree with the TS twin (bit for bit on simd)", () => {
    for (const [m, n] of shapes) {
      const A = randn(m, n, 10 + m).data;
      for (let i = 2; i < m; i += 5) A[i * n] = 0; // breaks runs of nonzero reflector entries in column 0
      const w = qrRun("wasm", A, m, n), j = qrRun("js", A, m, n);
      if (variant === "simd") {
        expect(Array.from(w.a)).toEqual(Array.from(j.a));
        expect(Array.from(w.Q)).toEqual(Array.from(j.Q));
        expect(Array.from(w.tau)).toEqual(Array.from(j.tau));
      } else {
        for (let i = 0; i < m * n; i++) expect(Math.abs(w.Q[i] - j.Q[i])).toBeLessThan(1e-13);
      }
    }
  });

  it("dot and axpy agree with the TS twin (bit for bit on simd)", () => {
    for (const n of [1, 3, 4, 7, 33]) {
      const x = randn(1, n, n).data, y = randn(1, n, n + 1).data;
      const [wd, wy] = withLinalg("wasm", 16 * n + 1024, (ws) => {
        const a = ws.f64(n), b = ws.f64(n);
        a.set(x);
        b.set(y);
        const d = ws.kernels.dot(n, a, b);
        ws.kernels.axpy(n, 0.7, a, b);
        return [d, ws.output(b)] as const;
      });
      const jy = y.slice();
      const jd = jsKernels.dot(n, x, y);
      jsKernels.axpy(n, 0.7, x, jy);
      if (variant === "simd") {
        expect(wd).toBe(jd);
        expect(Array.from(wy)).toEqual(Array.from(jy));
      } else {
        expect(Math.abs(wd - jd)).toBeLessThan(1e-13 * n);
      }
    }
  });
});
