// The tensor kernels and Tucker on the worker pool (docs/ARCHITECTURE.md,
// "Threads"): the same bits for 1, 2, 3 and 4 threads on every parallel entry
// point, and the pool really ran tasks (so a serial fallback cannot pass).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arenaBytes, init, runtimeStatus, stopThreads, threadPool, type Tensor } from "@lowrank/linalg";
import { randnTensor } from "@lowrank/test-utils";
import { cp, modeProduct, reconstruct, tucker } from "../src/index.js";
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
    const all = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return all;
  }, threads);
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
    expect(jobs() - before).toBe(3 * 10); // every call above on the pool
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
