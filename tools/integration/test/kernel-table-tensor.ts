// tensor-network's own kernels for the conformance suite (see kernel-table-linalg.ts).
// Four of them call GEMM inside WASM and take its packing scratch as a last
// argument the twin does not have.
import { gemmWorkSize } from "../../../packages/linalg/src/kernels/gemm.js";
import { jsTensorKernels, mttkrpScratch } from "../../../packages/tensor-network/src/kernels/index.js";
import { lqRWorkSize } from "../../../packages/tensor-network/src/kernels/lq.js";
import { GEMM_BATCH_JOB_BYTES, gemmBatchTask } from "../../../packages/tensor-network/src/kernels/mode-product.js";
import { gen, scratch, type Arg } from "./kernel-harness.js";
import type { Entry } from "./kernel-table-linalg.js";

const T = jsTensorKernels as unknown as Record<string, (...a: Arg[]) => unknown>;
/** The twin's call: the export's arguments without GEMM's packing scratch. */
const withoutGemmWork = (name: string) => (a: Arg[]) => T[name](...a.slice(0, -1));
const gemmWork = () => scratch(new Float64Array(gemmWorkSize()));

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
    // One tile of a batch of GEMMs (tiles of 8 x 32 here: 3 x 2 tiles, 2 items), or with reduce one tile through the batch.
    sizes: [0, 1, 5, 6, 11],
    make(t, r, seed) {
      const tA = (seed & 1) === 1, tB = (seed & 2) === 2, reduce = t === 1 || seed === 4;
      const m = 20, n = 40, k = 3, batch = 2, tileRows = 8, tileCols = 32;
      const lda = tA ? m : k, ldb = tB ? k : n, ldc = n;
      const sA = m * k, sB = k * n, sC = reduce ? 0 : m * n;
      const A = gen.normal(r, batch * sA), B = gen.normal(r, batch * sB), C = gen.normal(r, reduce ? m * n : batch * sC);
      const alpha = 1, beta = seed & 1 ? 0 : 0.5;
      const job = scratch(new Uint8Array(GEMM_BATCH_JOB_BYTES));
      return {
        args: [job, t, scratch(new Float64Array(gemmWorkSize()))],
        extra: [A, B, C],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 18).set([tA ? 1 : 0, tB ? 1 : 0, m, n, k, at(A), lda, sA, at(B), ldb, sB, at(C), ldc, sC, batch, reduce ? 1 : 0, tileRows, tileCols]);
          new Float64Array(memory, at(job) + 72, 2).set([alpha, beta]);
        },
        js: (_, [a, b, c]) => gemmBatchTask({
          transA: tA, transB: tB, m, n, k, alpha, A: a as Float64Array, lda, strideA: sA, B: b as Float64Array, ldb, strideB: sB,
          beta, C: c as Float64Array, ldc, strideC: sC, batch, reduce, tileRows, tileCols,
        }, t),
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
