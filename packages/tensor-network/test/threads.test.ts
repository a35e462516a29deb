// The tensor kernels and Tucker on the worker pool (docs/ARCHITECTURE.md,
// "Threads"): the same bits for 1, 2, 3 and 4 threads on every parallel entry
// point, and the pool really ran tasks (so a serial fallback cannot pass).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { init, runtimeStatus, stopThreads, type Tensor } from "@lowrank/linalg";
import { arenaBytes, threadPool } from "@lowrank/linalg/internal";
import { randnTensor } from "@lowrank/test-utils";
import { cp, modeProduct, reconstruct, tucker } from "../src/index.js";
import { jsTensorKernels } from "../src/kernels/index.js";
import { tensorModule } from "../src/module.js";
import { variants } from "./helpers.js";

/** The first index where a and b differ in any bit, or -1. */
function firstDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length), y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

function jobs(): number {
  const p = threadPool();
  if (!p) throw new Error("no pool");
  return p.stats.jobs;
}

/** Runs every parallel kernel once on `threads` threads; returns the outputs, concatenated. */
function kernels(X: Tensor, threads: number): Float64Array {
  const [a, b, c] = X.shape, J = 7, R = 6;
  const S = a * b * c;
  const bytes = arenaBytes(4 * S + 200_000, 0, 64);
  return tensorModule.run("wasm", bytes, (ws) => {
    const K = ws.kernels, x = ws.input(X.data);
    const parts: Float64Array[] = [];
    const M = ws.input(randnTensor([J, Math.max(a, b, c)], 3).data);
    // Mode products: first mode (one GEMM per left block, left = 1), middle, last (right = 1).
    for (const [left, n, right] of [[1, a, b * c], [a, b, c], [a * b, c, 1]]) {
      const out = ws.f64(left * J * right);
      K.modeProduct(false, left, n, right, J, x, M, Math.max(a, b, c), out);
      parts.push(out.slice());
    }
    // Unfolding Grams: summed over the left blocks in order (middle mode), one GEMM (last mode).
    for (const [left, n, right] of [[1, a, b * c], [a, b, c], [a * b, c, 1]]) {
      const G = ws.f64(n * n);
      K.unfoldingGram(left, n, right, x, G);
      parts.push(G.slice());
    }
    // MTTKRP, both branches (left >= right and left < right).
    for (const [left, n, right] of [[a * b, c, 1], [a, b, c], [1, a, b * c]]) {
      const KL = ws.input(randnTensor([left, R], 5).data), KR = ws.input(randnTensor([right, R], 6).data);
      const out = ws.f64(n * R), scratch = ws.f64(left >= right ? R * n * right + R * right : left * n * R);
      K.mttkrp(left, n, right, R, x, KL, KR, out, scratch);
      parts.push(out.slice());
    }
    const G = ws.f64(b * b);
    K.gemm(false, true, b, b, a * c, 1, x, a * c, x, a * c, 0, G, b);
    parts.push(G.slice());
    // The eigenproblem of that Gram beside a first-mode product (one job: the eigenproblem as task 0), and the scan.
    const e = eigBeside(K, b, G, x, M, [1, a, b * c], J, ws.f64.bind(ws));
    parts.push(...e);
    const sums = ws.f64(2 * Math.ceil(x.length / 65536));
    K.scanPieces(x.length, x, sums);
    parts.push(sums.slice());
    const all = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return all;
  }, threads);
}

/** tridiagonalEigBeside on G (n x n, copied) and the product X (left, m, right) ×_mode M: [eigenvalues, Z, product, iterations]. */
function eigBeside(
  K: typeof jsTensorKernels, n: number, G0: Float64Array, X: Float64Array, M: Float64Array, [left, m, right]: number[], J: number,
  f64: (n: number) => Float64Array,
): Float64Array[] {
  const G = f64(n * n), d = f64(n), e = f64(n), tau = f64(n), work = f64(n), Z = f64(n * n), lw = Math.min(32 * (4 + 2 * n), n * n);
  const out = f64(left * J * right);
  G.set(G0.subarray(0, n * n));
  const it = K.tridiagonalEigBeside(n, G, d, e, tau, work, Z, f64(lw), lw, 30 * n + 30, false, left, m, right, J, X, M, Math.max(m, J, 90), out);
  return [d.slice(), Z.slice(), out.slice(), Float64Array.of(it)];
}

afterAll(() => stopThreads());

describe.each(variants)("tensor kernels on the pool, %s: the same bits for 1-4 threads", (variant) => {
  beforeAll(async () => {
    await init({ variant, threads: 4 });
    for (let i = 0; i < 400 && runtimeStatus().threads !== 4; i++) await new Promise((r) => setTimeout(r, 25));
    expect(runtimeStatus().threads).toBe(4);
    expect(runtimeStatus().threadedModules).toContain("@lowrank/tensor-network");
  });

  // 100 x 66 x 90: partial tiles both ways, and every kernel above the parallel threshold with two tiles or more.
  const X = randnTensor([100, 66, 90], 11);

  it("mode products, unfolding Grams, MTTKRP and gemm", () => {
    const before = jobs();
    const ref = kernels(X, 1);
    expect(jobs()).toBe(before); // threads: 1 runs on the calling thread
    for (const threads of [2, 3, 4]) expect(firstDiff(kernels(X, threads), ref), `threads ${threads}`).toBe(-1);
    expect(jobs() - before).toBe(3 * 12); // every call above on the pool
  });

  it("the eigenproblem beside a product and the scan agree with their TypeScript twins", () => {
    const [a, b, c] = X.shape, J = 7, x = X.data;
    const M = randnTensor([J, Math.max(a, b, c)], 3).data;
    const G = new Float64Array(b * b);
    jsTensorKernels.gemm(false, true, b, b, a * c, 1, x, a * c, x, a * c, 0, G, b);
    const js = eigBeside(jsTensorKernels, b, G, x, M, [1, a, b * c], J, (n) => new Float64Array(n));
    const jsSums = new Float64Array(2 * Math.ceil(x.length / 65536));
    jsTensorKernels.scanPieces(x.length, x, jsSums);
    for (const threads of [1, 4]) {
      const [wasm, sums] = tensorModule.run("wasm", arenaBytes(3 * x.length + 100_000, 0, 64), (ws) => {
        const xw = ws.input(x), s = ws.f64(jsSums.length);
        const r = eigBeside(ws.kernels, b, ws.input(G), xw, ws.input(M), [1, a, b * c], J, ws.f64.bind(ws));
        ws.kernels.scanPieces(x.length, xw, s);
        return [r, s.slice()];
      }, threads);
      expect(firstDiff(sums, jsSums), `scan, threads ${threads}`).toBe(-1);
      expect(wasm[3][0]).toBe(js[3][0]); // the QL's iterations
      // The rotations of the relaxed build fuse a multiply-add: the same to rounding there, the same bits on simd.
      wasm.slice(0, 3).forEach((w, i) => {
        if (variant === "simd") expect(firstDiff(w, js[i]), `output ${i}, threads ${threads}`).toBe(-1);
        else {
          let worst = 0;
          w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - js[i][j]) / (1 + Math.abs(js[i][j])))));
          expect(worst, `output ${i}, threads ${threads}`).toBeLessThan(1e-9);
        }
      });
    }
  });

  // The decompositions on one variant (the kernels above cover both).
  it.runIf(variant === variants[variants.length - 1])("tucker (hosvd, hooi, random start)", async () => {
    const opts = [
      { rank: [6, 5, 4], method: "hosvd" as const },
      { rank: [6, 5, 4], method: "hooi" as const, maxIter: 3, tol: 0, returnErrors: true },
      { rank: 6, method: "hooi" as const, init: "random" as const, maxIter: 2, tol: 0 },
    ];
    for (const o of opts) {
      const before = jobs();
      const ref = await tucker(X, { ...o, threads: 1 });
      expect(jobs()).toBe(before);
      for (const threads of [2, 3, 4]) {
        const got = await tucker(X, { ...o, threads });
        expect(firstDiff(got.core.data, ref.core.data), `${o.method} core, threads ${threads}`).toBe(-1);
        got.factors.forEach((f, k) => expect(firstDiff(f.data, ref.factors[k].data), `factor ${k}`).toBe(-1));
        expect(got.errors).toEqual(ref.errors);
      }
      expect(jobs() - before).toBeGreaterThan(3);
    }
    // Four modes: each chain goes on from the product computed beside the previous mode's eigenproblem.
    const X4 = randnTensor([40, 36, 32, 30], 12);
    const o4 = { rank: [5, 4, 4, 3], method: "hooi" as const, maxIter: 2, tol: 0 };
    const ref = await tucker(X4, { ...o4, threads: 1 });
    for (const threads of [2, 4]) {
      const got = await tucker(X4, { ...o4, threads });
      expect(firstDiff(got.core.data, ref.core.data), `4 modes, threads ${threads}`).toBe(-1);
      got.factors.forEach((f, k) => expect(firstDiff(f.data, ref.factors[k].data), `4 modes, factor ${k}`).toBe(-1));
    }
  });

  it.runIf(variant === variants[variants.length - 1])("cp (svd and random starts)", async () => {
    for (const o of [{ rank: 6, maxIter: 3, tol: 0, returnErrors: true }, { rank: 7, init: "random" as const, maxIter: 2, tol: 0 }]) {
      const before = jobs();
      const ref = await cp(X, { ...o, threads: 1 });
      expect(jobs()).toBe(before);
      for (const threads of [2, 3, 4]) {
        const got = await cp(X, { ...o, threads });
        expect(firstDiff(got.weights, ref.weights), `weights, threads ${threads}`).toBe(-1);
        got.factors.forEach((f, k) => expect(firstDiff(f.data, ref.factors[k].data), `factor ${k}`).toBe(-1));
        expect(got.errors).toEqual(ref.errors);
      }
      expect(jobs() - before).toBeGreaterThan(3);
    }
  });

  it.runIf(variant === variants[variants.length - 1])("modeProduct (threads option) and reconstruct (the pool's threads)", async () => {
    const M = { rows: 9, cols: X.shape[1], data: randnTensor([9, X.shape[1]], 4).data };
    const before = jobs();
    const ref = modeProduct(X, M, 1, { threads: 1 }).data;
    expect(jobs()).toBe(before);
    for (const threads of [2, 3, 4]) expect(firstDiff(modeProduct(X, M, 1, { threads }).data, ref), `threads ${threads}`).toBe(-1);
    expect(jobs() - before).toBe(3);
    // reconstruct has no threads option: it runs on the pool's threads; against the same call with no pool.
    const d = await tucker(X, { rank: [12, 10, 9] });
    const j = jobs();
    const pooled = reconstruct(d).data;
    expect(jobs()).toBeGreaterThan(j);
    await init({ variant, threads: 1 });
    const one = reconstruct(d).data;
    expect(firstDiff(pooled, one)).toBe(-1);
    await init({ variant, threads: 4 });
  });
});
