// The Lanczos SVD's dense work in fixed pieces (linalg's lanczos-pool.ts and
// threads-csr.ts; docs/ARCHITECTURE.md, "Threads"): the transpose made in the
// run's workspace, the scan of A's values, Gram-Schmidt's coefficients and
// CholeskyQR's Gram each run as csrTask pieces on the pool with the bits of
// the same calls in order on a single-thread instance (and of the TypeScript
// twins), and truncatedSvd of a matrix whose transpose, scan and Gram go to
// the pool has the same bits on 1, 2, 3 and 4 threads.
import { afterAll, describe, expect, it } from "vitest";
import { init, Rng, stopThreads, type CsrMatrix } from "@lowrank/linalg";
import { threadPool } from "@lowrank/linalg/internal";
import { jsKernels, transposeCsr, type LanczosKernels } from "@lowrank/linalg/kernels";
import { truncatedSvd } from "../src/index.js";
import { svdUpdateModule } from "../src/module.js";
import { variants } from "./helpers.js";

afterAll(() => stopThreads());

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A rows x cols CSR matrix with `perRow` nonzeros in each row (distinct sorted columns), normal values. */
function sparse(rows: number, cols: number, perRow: number, seed: number): CsrMatrix {
  const rng = new Rng(seed), indptr = new Int32Array(rows + 1), indices = new Int32Array(rows * perRow), data = new Float64Array(rows * perRow);
  for (let i = 0; i < rows; i++) {
    const picked = new Set<number>();
    while (picked.size < perRow) picked.add(Math.floor(rng.uniform() * cols));
    [...picked].sort((a, b) => a - b).forEach((c, q) => {
      indices[i * perRow + q] = c;
      data[i * perRow + q] = rng.normal();
    });
    indptr[i + 1] = (i + 1) * perRow;
  }
  return { rows, cols, indptr, indices, data };
}

const pool = () => threadPool()!;

/** What each piece method gives on one kernel set (views copied out), and how many pool tasks it ran. */
function pieces(K: LanczosKernels, ws: { f64(n: number): Float64Array; i32(n: number): Int32Array }, A: CsrMatrix) {
  const tasks = () => pool().stats.tasks;
  const out: Record<string, { value: number[] | Float64Array | Int32Array; tasks: number }> = {};
  const nnz = A.indptr[A.rows];
  const indptr = ws.i32(A.rows + 1), indices = ws.i32(nnz), data = ws.f64(nnz);
  indptr.set(A.indptr);
  indices.set(A.indices);
  data.set(A.data);
  let t0 = tasks();
  const tIndptr = ws.i32(A.cols + 1), tIndices = ws.i32(nnz), tData = ws.f64(nnz), counts = ws.i32(4 * A.cols);
  K.csrTranspose!(A.rows, A.cols, 4, indptr, indices, data, tIndptr, tIndices, tData, counts);
  out.transpose = { value: Float64Array.from([...tIndptr, ...tIndices, ...tData]), tasks: tasks() - t0 };
  t0 = tasks();
  out.range = { value: K.valueRange!(nnz, data), tasks: tasks() - t0 };
  // 130 rows of 2048 coordinates in pieces of 512; a 3000 x 12 block in row pieces of 256 (both over the pool's minimum).
  const rng = new Rng(5), G = ws.f64(130 * 2048), x = ws.f64(2048), parts = ws.f64(4 * 130);
  for (let i = 0; i < G.length; i++) G[i] = rng.normal();
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  t0 = tasks();
  K.gemvPieces!(130, 2048, 512, G, 2048, x, parts);
  out.coefs = { value: parts.slice(), tasks: tasks() - t0 };
  // Gram-Schmidt's update w -= Gᵀ h by column chunks.
  const h = ws.f64(130), y = ws.f64(2048);
  for (let i = 0; i < 130; i++) h[i] = rng.normal();
  y.set(x);
  t0 = tasks();
  K.gemv(true, 130, 2048, -1, G, 2048, h, 1, y);
  out.update = { value: y.slice(), tasks: tasks() - t0 };
  const W = ws.f64(3000 * 12), gparts = ws.f64(12 * 144);
  for (let i = 0; i < W.length; i++) W[i] = rng.normal();
  t0 = tasks();
  K.gramPieces!(3000, 12, 256, W, gparts);
  out.gram = { value: gparts.slice(), tasks: tasks() - t0 };
  return { out, G: G.slice(), x: x.slice(), W: W.slice() };
}

describe.each(variants)("the Lanczos SVD's pieces on the pool, %s", (variant) => {
  const A = sparse(1500, 2600, 30, 1); // 45000 nonzeros: over the pool's minimum

  it("csrTranspose, valueRange, gemvPieces, the transposed gemv and gramPieces: pool tasks, the bits of one thread's calls and of the twins", async () => {
    await init({ variant, threads: 4 });
    const bytes = 1 << 23;
    const pooled = svdUpdateModule.pooledWorkspace(bytes, 4);
    expect(pooled).not.toBeNull();
    let onPool;
    try {
      onPool = pieces(pooled!.ws.kernels, pooled!.ws, A);
    } finally {
      pooled!.release();
    }
    const lease = await svdUpdateModule.leasedWorkspace("wasm", bytes);
    const tasks = pool().stats.tasks;
    let alone;
    try {
      alone = pieces(lease.ws.kernels, lease.ws, A);
    } finally {
      lease.release();
    }
    expect(pool().stats.tasks).toBe(tasks); // the single-thread instance runs its pieces itself
    for (const name of ["transpose", "range", "coefs", "update", "gram"]) {
      expect(onPool.out[name].tasks, name).toBeGreaterThan(1);
      expect(same(onPool.out[name].value, alone.out[name].value), name).toBe(true);
    }
    // The twins: the transpose and the value range are exact; a piece's coefficient is one dot, its Gram one gemm.
    const T = transposeCsr(A);
    expect(same(onPool.out.transpose.value, Float64Array.from([...T.indptr, ...T.indices, ...T.data]))).toBe(true);
    let hi = 0, lo = Infinity;
    for (const v of A.data) (hi = Math.max(hi, Math.abs(v))), (lo = v !== 0 ? Math.min(lo, Math.abs(v)) : lo);
    expect(onPool.out.range.value).toEqual([hi, lo]);
    const { G, x, W } = onPool;
    for (let t = 0; t < 4; t++) {
      for (let i = 0; i < 130; i++) {
        let s = 0;
        for (let c = t * 512; c < (t + 1) * 512; c++) s += G[i * 2048 + c] * x[c];
        expect(Math.abs(onPool.out.coefs.value[t * 130 + i] - s)).toBeLessThan(1e-12 * 64);
      }
    }
    const want = new Float64Array(12 * 144);
    for (let t = 0; t < 12; t++) {
      const Wt = W.subarray(t * 256 * 12);
      jsKernels.gemm(true, false, 12, 12, Math.min(256, 3000 - t * 256), 1, Wt, 12, Wt, 12, 0, want.subarray(t * 144), 12);
    }
    for (let i = 0; i < want.length; i++) expect(Math.abs(onPool.out.gram.value[i] - want[i])).toBeLessThan(1e-12 * 256);
  });

  it("truncatedSvd of a wide matrix whose transpose, scan and Gram split: the same bits on 1-4 threads", async () => {
    await init({ variant, threads: 4 });
    // 66000 nonzeros (a transpose in 3 pieces), the Gram over 4400 rows in 18; Gram-Schmidt (40 x 2200) stays on one thread.
    const B = sparse(2200, 4400, 30, 2);
    const one = await truncatedSvd(B, { rank: 16, threads: 1 });
    for (const threads of [2, 3, 4]) {
      const jobs = pool().stats.jobs;
      const r = await truncatedSvd(B, { rank: 16, threads });
      expect(pool().stats.jobs).toBeGreaterThan(jobs);
      expect(same(r.s, one.s) && same(r.U.data, one.U.data) && same(r.V.data, one.V.data), `${threads} threads`).toBe(true);
      expect(r.iterations).toBe(one.iterations);
    }
  });
});
