// tensor-network's own kernels for the conformance suite (see kernel-table-linalg.ts).
// Four of them call GEMM inside WASM and take its packing scratch as a last
// argument the twin does not have.
import { gemmWorkSize } from "../../../packages/linalg/src/kernels/gemm.js";
import { jsTensorKernels, mttkrpScratch } from "../../../packages/tensor-network/src/kernels/index.js";
import { lqRWorkSize } from "../../../packages/tensor-network/src/kernels/lq.js";
import { tridiagonalQlWorkSize } from "../../../packages/linalg/src/kernels/tridiagonal.js";
import {
  EIG_BATCH_JOB_BYTES, eigBatchTask, GEMM_BATCH_JOB_BYTES, gemmBatchTask, gramTask, type GemmBatchJob,
} from "../../../packages/tensor-network/src/kernels/mode-product.js";
import { SCAN_PIECE, scanTask } from "../../../packages/tensor-network/src/kernels/scan.js";
import { gen, scratch, type Arg, type Buffer, type Rng } from "./kernel-harness.js";
import type { Entry } from "./kernel-table-linalg.js";

const T = jsTensorKernels as unknown as Record<string, (...a: Arg[]) => unknown>;
/** The twin's call: the export's arguments without GEMM's packing scratch. */
const withoutGemmWork = (name: string) => (a: Arg[]) => T[name](...a.slice(0, -1));
const gemmWork = () => scratch(new Float64Array(gemmWorkSize()));

/**
 * A batch of two GEMMs 20 x 40 x 3 cut into 8 x 32 tiles (3 x 2 tiles per item), op(A) / op(B) by the
 * seed; with reduce one C summed through the batch. `write` puts its 88-byte block (gemmBatchTask's layout)
 * at byte 0 of a job; `twin` is the same job for the TypeScript task on the js side's copies of A, B, C.
 */
function batchJob(r: Rng, seed: number, reduce: boolean) {
  const tA = (seed & 1) === 1, tB = (seed & 2) === 2;
  const m = 20, n = 40, k = 3, batch = 2, tileRows = 8, tileCols = 32;
  const lda = tA ? m : k, ldb = tB ? k : n, ldc = n;
  const sA = m * k, sB = k * n, sC = reduce ? 0 : m * n;
  const A = gen.normal(r, batch * sA), B = gen.normal(r, batch * sB), C = gen.normal(r, reduce ? m * n : batch * sC);
  const alpha = 1, beta = seed & 1 ? 0 : 0.5;
  return {
    buffers: [A, B, C] as Buffer[],
    write(at: (b: Buffer) => number, memory: ArrayBuffer, job: number) {
      new Int32Array(memory, job, 18).set([tA ? 1 : 0, tB ? 1 : 0, m, n, k, at(A), lda, sA, at(B), ldb, sB, at(C), ldc, sC, batch, reduce ? 1 : 0, tileRows, tileCols]);
      new Float64Array(memory, job + 72, 2).set([alpha, beta]);
    },
    twin: ([a, b, c]: Buffer[]): GemmBatchJob => ({
      transA: tA, transB: tB, m, n, k, alpha, A: a as Float64Array, lda, strideA: sA, B: b as Float64Array, ldb, strideB: sB,
      beta, C: c as Float64Array, ldc, strideC: sC, batch, reduce, tileRows, tileCols,
    }),
  };
}

/**
 * tridiagonalEig's buffers for an indefinite symmetric n x n G with distinct eigenvalues (both triangles; the
 * kernel reads the upper). `e` is laid out and guarded but not compared: the QL destroys it (tridiagonalQl's
 * contract), leaving couplings it judged negligible, whose relaxed-simd roundings differ from the twin's
 * by their whole size.
 */
function eigBuffers(r: Rng, n: number, lw: number) {
  const G = gen.spd(r, n, n);
  for (let i = 0; i < n; i++) G[i * n + i] -= 1.5 * n;
  const v = () => new Float64Array(n);
  return { G, d: v(), e: scratch(v()), tau: v(), work: scratch(v()), Z: new Float64Array(n * n), ql: scratch(new Float64Array(lw)) };
}

/** The record sizes tridiagonalEig takes: the plain QL (lw below 4 + 2n, ql untouched), one iteration's record, the full one. */
const eigRecord = (n: number, seed: number) => [0, 4 + 2 * n, tridiagonalQlWorkSize(n), 3][seed % 4];

export const TENSOR: Record<string, Entry> = {
  modeProduct: {
    sizes: [1, 2, 5, 9],
    make(n, r, seed) {
      const transM = (seed & 1) === 1, left = 1 + (seed % 3), right = seed & 2 ? 1 : 3, J = n + 1, ldm = (transM ? J : n) + (seed >> 2);
      const M = transM ? gen.block(r, n, J, ldm) : gen.block(r, J, n, ldm);
      return {
        args: [transM, left, n, right, J, gen.normal(r, left * n * right), M, ldm, new Float64Array(left * J * right), gemmWork()],
        js: withoutGemmWork("modeProduct"),
      };
    },
  },
  unfoldingGram: {
    make(n, r, seed) {
      const left = 1 + (seed % 3), right = seed & 1 ? 1 : 4;
      return { args: [left, n, right, gen.normal(r, left * n * right), new Float64Array(n * n), gemmWork()], js: withoutGemmWork("unfoldingGram") };
    },
  },
  khatriRao: {
    make(n, r, seed) {
      const ra = n, rb = 1 + (seed % 3), R = 1 + (n % 4);
      return { args: [ra, rb, R, gen.normal(r, ra * R), gen.normal(r, rb * R), new Float64Array(ra * rb * R)] };
    },
  },
  mttkrp: {
    // left >= right and left < right take different paths (and scratch sizes).
    make(n, r, seed) {
      const left = seed & 1 ? 4 : 1, right = seed & 1 ? 2 : 3, R = 1 + (seed % 3);
      return {
        args: [left, n, right, R, gen.normal(r, left * n * right), gen.normal(r, left * R), gen.normal(r, right * R), new Float64Array(n * R),
          scratch(new Float64Array(mttkrpScratch(left, n, right, R))), gemmWork()],
        js: withoutGemmWork("mttkrp"),
      };
    },
  },
  mttkrpFinish: {
    // The pass after mttkrp's GEMM, both branches, on a scratch already holding Z (R x n*right) or Y (left*n x R).
    make(n, r, seed) {
      const left = seed & 1 ? 4 : 1, right = seed & 1 ? 2 : 3, R = 1 + (seed % 3);
      const sc = left >= right ? gen.normal(r, R * n * right + R * right) : gen.normal(r, left * n * R);
      return { args: [left, n, right, R, gen.normal(r, left * R), gen.normal(r, right * R), new Float64Array(n * R), left >= right ? scratch(sc) : sc] };
    },
  },
  gemmBatchTask: {
    // One tile of a batch of GEMMs (batchJob: 6 tiles per item, 2 items), or with reduce one tile through the batch.
    sizes: [0, 1, 5, 6, 11],
    make(t, r, seed) {
      const b = batchJob(r, seed, t === 1 || seed === 4), job = scratch(new Uint8Array(GEMM_BATCH_JOB_BYTES));
      return {
        args: [job, t, gemmWork()],
        extra: b.buffers,
        prepare: (at, memory) => b.write(at, memory, at(job)),
        js: (_, x) => gemmBatchTask(b.twin(x), t),
      };
    },
  },
  gramTask: {
    // n = 130: tiles of 44 rows, 3 x 3 blocks, 6 tasks (t = 6 past the end: does nothing); right = 1 on odd seeds.
    sizes: [0, 1, 2, 4, 5, 6],
    make(t, r, seed) {
      const left = 1 + (seed % 3), n = 130, right = seed & 1 ? 1 : 3;
      const X = gen.normal(r, left * n * right), G = new Float64Array(n * n), job = scratch(new Uint8Array(20));
      return {
        args: [job, t, gemmWork()],
        extra: [X, G],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 5).set([left, n, right, at(X), at(G)]);
        },
        js: (_, [x, g]) => gramTask({ left, n, right, X: x as Float64Array, G: g as Float64Array }, t),
      };
    },
  },
  tridiagonalEig: {
    iterations: true,
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lw = eigRecord(n, seed), { G, d, e, tau, work, Z, ql } = eigBuffers(r, n, lw);
      return { args: [n, G, d, e, tau, work, Z, ql, lw, 30 * n] };
    },
  },
  eigBatchTask: {
    // Task 0 the eigenproblem (n = 4, 7, 10, 12 by the seed), tasks 1 .. 12 the batch's (batchJob), 13 past the end.
    // The QL's count, stored at byte 128 of the job, is not compared (the job holds addresses, so it is scratch;
    // tridiagonalEig's entry compares the count); the store is held within the 136-byte job by its guards.
    sizes: [0, 1, 2, 6, 7, 12, 13],
    make(t, r, seed) {
      const n = 1 + 3 * seed - (seed >> 2), lw = eigRecord(n, seed), eig = eigBuffers(r, n, lw);
      const b = batchJob(r, seed, seed === 2), job = scratch(new Uint8Array(EIG_BATCH_JOB_BYTES));
      const { G, d, e, tau, work, Z, ql } = eig;
      return {
        args: [job, t, gemmWork()],
        extra: [...b.buffers, G, d, e, tau, work, Z, ql],
        prepare(at, memory) {
          b.write(at, memory, at(job));
          new Int32Array(memory, at(job) + 88, 10).set([n, at(G), at(d), at(e), at(tau), at(work), at(Z), at(ql), lw, 30 * n]);
        },
        js(_, x) {
          const [g, dd, ee, tt, w, z, q] = x.slice(3) as Float64Array[];
          eigBatchTask({ batch: b.twin(x), eig: [n, g, dd, ee, tt, w, z, q, lw, 30 * n], result: 0 }, t);
        },
      };
    },
  },
  scanPieces: {
    // Up to three pieces of SCAN_PIECE entries (the last one partial), and n = 0 (nothing read or written).
    sizes: [0, 1, 7, SCAN_PIECE, 2 * SCAN_PIECE + 5],
    make: (n, r) => ({ args: [n, gen.normal(r, n), new Float64Array(2 * Math.ceil(n / SCAN_PIECE))] }),
  },
  scanTask: {
    // The job block: i32 n, x, out; three pieces, task 3 past the end (does nothing). The task takes no scratch.
    sizes: [0, 1, 2, 3],
    make(t, r, seed) {
      const n = 2 * SCAN_PIECE + 1 + seed, x = gen.normal(r, n), out = new Float64Array(6), job = scratch(new Uint8Array(12));
      return {
        args: [job, t, scratch(new Float64Array(0))],
        extra: [x, out],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 3).set([n, at(x), at(out)]);
        },
        js: (_, [xx, o]) => scanTask({ n, x: xx as Float64Array, out: o as Float64Array }, t),
      };
    },
  },
  permute: {
    sizes: [1, 2, 3, 4],
    make(ndim, r) {
      const dims = Int32Array.from({ length: ndim }, () => 1 + r.int(3));
      const perm = Int32Array.from({ length: ndim }, (_, i) => i);
      for (let i = ndim - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      const size = dims.reduce((a, b) => a * b, 1);
      return { args: [ndim, dims, perm, gen.normal(r, size), new Float64Array(size), scratch(new Int32Array(3 * ndim))] };
    },
  },
  lqRows: {
    make(m, r, seed) {
      const L = m + (seed % 3), ld = L + (seed >> 1);
      return { args: [m, L, gen.block(r, m, L, ld), ld] };
    },
  },
  lqR: {
    // Each backend takes its own work size (lqRWorkSize(m, n, backend)); `copy` is scratch (the layouts differ).
    sizes: [1, 2, 5, 40],
    make(m, r, seed) {
      const n = m + 1 + (seed % 3) * m;
      return {
        args: [m, n, gen.normal(r, m * n), new Float64Array(m * m), scratch(new Float64Array(m * n)), scratch(new Float64Array(lqRWorkSize(m, n, "wasm"))), gemmWork()],
        js: ([, , A, R, copy]) => T.lqR(m, n, A, R, copy, new Float64Array(lqRWorkSize(m, n, "js"))),
      };
    },
  },
  lqRWorkSize: {
    sizes: [1, 5, 40],
    make: (m) => ({ args: [m, 3 * m], js: () => lqRWorkSize(m, 3 * m, "wasm") }),
  },
  maskedNormal: {
    // A (left, n, right) tensor, `count` observed entries; design rows Q[l * right + q] (sl = right, sr = 1).
    make(n, r, seed) {
      const left = 1 + (seed % 3), right = 2, rr = 1 + (seed % 4), count = 2 * n + 1;
      const idx = Int32Array.from({ length: count }, () => r.int(left * n * right));
      return {
        args: [count, idx, gen.normal(r, count), n, right, right, 1, rr, gen.normal(r, left * right * rr), gen.normal(r, n * rr * rr), gen.normal(r, n * rr)],
      };
    },
  },
  maskedResidual: {
    make(n, r, seed) {
      const left = 1 + (seed % 3), right = 2, rr = 1 + (seed % 4), count = 2 * n + 1;
      const idx = Int32Array.from({ length: count }, () => r.int(left * n * right));
      return { args: [count, idx, gen.normal(r, count), n, right, right, 1, rr, gen.normal(r, left * right * rr), gen.normal(r, n * rr)] };
    },
  },
};

export { jsTensorKernels };
