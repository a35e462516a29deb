// linalg's exported kernels for the conformance suite (every package's
// binary carries them): for each, how to make one call of size n from a seeded
// Rng, every buffer exactly as long as the kernel's contract says it reads or
// writes. Kernels whose input is another kernel's output (householderQ after
// householderQr, the tridiagonal steps) take it from the TypeScript twin.
import { jsKernels } from "../../../packages/linalg/src/kernels/index.js";
import {
  gemmComputeTask, gemmPackedSize, gemmPackTask, gemmPackTasks, gemmPieceCols, gemmPieceRows, gemmTask, gemmTaskCols, gemmTaskRows,
  gemmWorkSize, GEMM_JOB_BYTES, GEMM_PACKED_JOB_BYTES, type PackedGemmJob,
} from "../../../packages/linalg/src/kernels/gemm.js";
import { bidiagonalQrWorkSize } from "../../../packages/linalg/src/kernels/bidiagonal.js";
import { qrBlockedWorkSize } from "../../../packages/linalg/src/kernels/qr-blocked.js";
import { tridiagonalApplyQtWorkSize, tridiagonalQlWorkSize } from "../../../packages/linalg/src/kernels/tridiagonal.js";
import { tridiagonalizeBlockedWorkSize } from "../../../packages/linalg/src/kernels/tridiagonal-blocked.js";
import { rngFillNormal, rngFillUniform } from "../../../packages/linalg/src/kernels/xoshiro.js";
import { pingTask } from "../../../packages/linalg/src/kernels/ping.js";
import { gen, scratch, type Arg, type Case, type Rng } from "./kernel-harness.js";

/** One kernel's entry: the sizes to try and a call of size n. */
export interface Entry {
  sizes?: number[];
  /** The result counts sweeps or iterations (negative: failure): relaxed-simd may need one more or fewer. */
  iterations?: boolean;
  make: (n: number, rng: Rng, seed: number) => Case;
}

const K = jsKernels;

/** Leading dimensions: tight on even seeds, padded on odd ones. */
const pad = (seed: number, w: number) => w + (seed & 1 ? 3 : 0);

function qrOf(rng: Rng, m: number, n: number, lda: number) {
  const A = gen.block(rng, m, n, lda), tau = new Float64Array(Math.min(m, n));
  K.householderQr(m, n, A, lda, tau, new Float64Array(n));
  return { A, tau };
}

function tridiagonalOf(rng: Rng, n: number, lda: number) {
  const A = gen.spd(rng, n, lda);
  for (let i = 0; i < n; i++) A[i * lda + i] -= 1.5 * n; // indefinite, distinct eigenvalues
  const d = new Float64Array(n), e = new Float64Array(n), tau = new Float64Array(n);
  K.tridiagonalize(n, A, lda, d, e, tau, new Float64Array(n));
  return { A, d, e, tau };
}

/** A well-conditioned triangular n x n (the other triangle random: a kernel must not read it). */
function triangle(rng: Rng, n: number, ld: number): Float64Array {
  const T = gen.block(rng, n, n, ld);
  for (let i = 0; i < n; i++) T[i * ld + i] = (T[i * ld + i] >= 0 ? 2 : -2) + T[i * ld + i];
  return T;
}

/** The arguments of jacobiRows on X = [N | I] (r rows): the rotations accumulate in the identity's columns. */
function jacobiArgs(rr: number, r: Rng, seed: number): Arg[] {
  const c = rr + 2, cw = c + rr, ldx = pad(seed, cw), X = gen.block(r, rr, cw, ldx);
  for (let i = 0; i < rr; i++) for (let j = 0; j < rr; j++) X[i * ldx + c + j] = i === j ? 1 : 0;
  return [rr, c, cw, X, ldx, new Float64Array(rr), 1e-15, 60];
}

export const LINALG: Record<string, Entry> = {
  dot: { sizes: [0, 1, 2, 7, 33], make: (n, r) => ({ args: [n, gen.normal(r, n), gen.normal(r, n)] }) },
  axpy: { sizes: [0, 1, 2, 7, 33], make: (n, r) => ({ args: [n, r.normal(), gen.normal(r, n), gen.normal(r, n)] }) },
  scal: { sizes: [0, 1, 2, 7, 33], make: (n, r) => ({ args: [n, r.normal(), gen.normal(r, n)] }) },
  nrm2: { sizes: [0, 1, 2, 7, 33], make: (n, r) => ({ args: [n, gen.normal(r, n)] }) },
  gemm: {
    sizes: [1, 3, 9, 40, 130],
    make(n, r, seed) {
      const tA = (seed & 1) === 1, tB = (seed & 2) === 2;
      const m = n + 1, nn = Math.max(1, n - 1), k = n + 2;
      const lda = pad(seed, tA ? m : k), ldb = pad(seed, tB ? k : nn), ldc = pad(seed, nn);
      const A = tA ? gen.block(r, k, m, lda) : gen.block(r, m, k, lda);
      const B = tB ? gen.block(r, nn, k, ldb) : gen.block(r, k, nn, ldb);
      const C = gen.block(r, m, nn, ldc);
      return {
        args: [tA, tB, m, nn, k, r.normal(), A, lda, B, ldb, seed % 3 === 0 ? 0 : 0.5, C, ldc, scratch(new Float64Array(gemmWorkSize()))],
        js: (a) => K.gemm(...(a.slice(0, 13) as Parameters<typeof K.gemm>)),
      };
    },
  },
  gemmWorkSize: { sizes: [0], make: () => ({ args: [], js: () => gemmWorkSize() }) },
  gemmTaskRows: { sizes: [0], make: () => ({ args: [], js: () => gemmTaskRows() }) },
  gemmTaskCols: { sizes: [0], make: () => ({ args: [], js: () => gemmTaskCols() }) },
  gemmTask: {
    // One block of the parallel GEMM's grid (256 x 256 blocks of C): the job block holds the call's pointers.
    sizes: [0, 1, 2, 3],
    make(t, r, seed) {
      const tA = (seed & 1) === 1, tB = (seed & 2) === 2;
      const m = 140, n = 300, k = 5, alpha = r.normal(), beta = 0.25;
      const lda = tA ? m : k, ldb = tB ? k : n, ldc = n;
      const A = tA ? gen.block(r, k, m, lda) : gen.block(r, m, k, lda);
      const B = tB ? gen.block(r, n, k, ldb) : gen.block(r, k, n, ldb);
      const C = gen.block(r, m, n, ldc);
      const job = scratch(new Uint8Array(GEMM_JOB_BYTES));
      return {
        args: [job, t, scratch(new Float64Array(gemmWorkSize()))],
        extra: [A, B, C],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 11).set([tA ? 1 : 0, tB ? 1 : 0, m, n, k, at(A), lda, at(B), ldb, at(C), ldc]);
          new Float64Array(memory, at(job) + 48, 2).set([alpha, beta]);
        },
        js: (_, [a, b, c]) => gemmTask({ transA: tA, transB: tB, m, n, k, alpha, A: a as Float64Array, lda, B: b as Float64Array, ldb, beta, C: c as Float64Array, ldc }, t),
      };
    },
  },
  gemmPieceRows: { sizes: [0], make: () => ({ args: [], js: () => gemmPieceRows() }) },
  // Task t of a job of n tasks marks word t (the pool's warm-up job).
  pingTask: { sizes: [1, 2, 7], make: (n) => ({ args: [new Int32Array(n), n - 1, null], js: ([job, t]) => pingTask(job as Int32Array, t as number) }) },
  gemmPieceCols: { sizes: [0], make: () => ({ args: [], js: () => gemmPieceCols() }) },
  gemmPackTasks: { sizes: [1, 255, 256, 257, 600], make: (n) => ({ args: [n + 3, n, 2 * n + 1], js: () => gemmPackTasks(n + 3, n, 2 * n + 1) }) },
  gemmPackedSize: { sizes: [1, 5, 300], make: (n) => ({ args: [n, n + 2, n + 1], js: () => gemmPackedSize(n, n + 2, n + 1) }) },
  gemmPackTask: {
    // One piece of the packing job (a span of rows of alpha op(A) or of columns of op(B) in one panel); k spans two panels.
    sizes: [0, 1, 2, 3, 4, 5],
    make(t, r, seed) {
      const c = packedCase(r, seed);
      return {
        args: [c.job, t, scratch(new Float64Array(gemmWorkSize()))], extra: [c.A, c.B, c.C, c.Ap, c.Bp], prepare: c.prepare,
        js: (_, [a, b, cc, ap, bp]) => gemmPackTask(c.twin(a, b, cc, ap, bp), t),
      };
    },
  },
  gemmComputeTask: {
    // One piece of C from operands packed by the twin (the pieces of a 300 x 280 C, k over two panels).
    sizes: [0, 1, 2, 3, 5],
    make(t, r, seed) {
      const c = packedCase(r, seed);
      const all = c.twin(c.A, c.B, c.C, c.Ap, c.Bp);
      for (let q = 0; q < gemmPackTasks(c.m, c.n, c.k); q++) gemmPackTask(all, q);
      return {
        args: [c.job, t, scratch(new Float64Array(gemmWorkSize()))], extra: [c.A, c.B, c.C, c.Ap, c.Bp], prepare: c.prepare,
        js: (_, [a, b, cc, ap, bp]) => gemmComputeTask(c.twin(a, b, cc, ap, bp), t),
      };
    },
  },
  gemv: {
    sizes: [1, 3, 8, 37],
    make(n, r, seed) {
      const trans = (seed & 1) === 1, m = n + 2, lda = pad(seed >> 1, n);
      return { args: [trans, m, n, r.normal(), gen.block(r, m, n, lda), lda, gen.normal(r, trans ? m : n), seed % 3 === 0 ? 0 : 0.5, gen.normal(r, trans ? n : m)] };
    },
  },
  spmm: {
    sizes: [1, 4, 13],
    make(n, r) {
      const rows = n + 1, cols = n + 3, k = Math.max(1, n - 1), A = gen.csr(r, rows, cols, 0.3);
      return { args: [rows, k, A.indptr, A.indices, A.data, gen.normal(r, cols * k), gen.normal(r, rows * k)] };
    },
  },
  spmmT: {
    sizes: [1, 4, 13],
    make(n, r) {
      const rows = n + 1, cols = n + 3, k = Math.max(1, n - 1), A = gen.csr(r, rows, cols, 0.3);
      return { args: [rows, cols, k, A.indptr, A.indices, A.data, gen.normal(r, rows * k), gen.normal(r, cols * k)] };
    },
  },
  rngFillUniform: {
    sizes: [1, 2, 9],
    make: (n, _, seed) => ({
      args: [gen.rngState(seed, seed & 1), new Float64Array(n), n],
      js: ([st, out]) => gen.withRng(st as Uint8Array, (rng) => rngFillUniform(rng, out as Float64Array, n)),
    }),
  },
  rngFillNormal: {
    sizes: [1, 2, 9],
    make: (n, _, seed) => ({
      args: [gen.rngState(seed, seed & 1), new Float64Array(n), n],
      js: ([st, out]) => gen.withRng(st as Uint8Array, (rng) => rngFillNormal(rng, out as Float64Array, n)),
    }),
  },
  householderQr: {
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const m = seed & 2 ? n + 3 : Math.max(1, n - 1), lda = pad(seed, n);
      return { args: [m, n, gen.block(r, m, n, lda), lda, new Float64Array(Math.min(m, n)), scratch(new Float64Array(n))] };
    },
  },
  householderQ: {
    sizes: [1, 2, 5, 12],
    make(k, r, seed) {
      const m = k + 3, lda = pad(seed, k + 1), ldq = pad(seed >> 1, k);
      const { A, tau } = qrOf(r, m, k + 1, lda);
      return { args: [m, k, A, lda, tau.slice(0, k), new Float64Array((m - 1) * ldq + k), ldq, scratch(new Float64Array(k))] };
    },
  },
  householderQrBlocked: {
    // 200 x 70 takes the blocked path (min(m, n) > 32 and m min(m, n) >= 12000); 20 x 6 the unblocked one.
    sizes: [6, 70],
    make(n, r, seed) {
      const m = n === 6 ? 20 : 200, lda = pad(seed, n);
      return { args: [m, n, gen.block(r, m, n, lda), lda, new Float64Array(n), scratch(new Float64Array(qrBlockedWorkSize(m, n)))] };
    },
  },
  householderQBlocked: {
    sizes: [6, 70],
    make(k, r, seed) {
      const m = k === 6 ? 20 : 200, lda = pad(seed, k), ldq = pad(seed >> 1, k);
      const { A, tau } = qrOf(r, m, k, lda);
      return { args: [m, k, A, lda, tau, new Float64Array((m - 1) * ldq + k), ldq, scratch(new Float64Array(qrBlockedWorkSize(m, k)))] };
    },
  },
  qrBlockedWorkSize: { sizes: [0, 6, 40, 70], make: (n) => ({ args: [n === 0 ? 0 : 200, n], js: () => qrBlockedWorkSize(n === 0 ? 0 : 200, n) }) },
  jacobiRows: { iterations: true, sizes: [1, 2, 5, 11], make: (rr, r, seed) => ({ args: jacobiArgs(rr, r, seed) }) },
  jacobiRowsScaled: {
    iterations: true,
    sizes: [1, 2, 5, 11],
    make: (rr, r, seed) => ({ args: [...jacobiArgs(rr, r, seed), scratch(new Float64Array(5 * rr + 5))] }),
  },
  tridiagonalize: {
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lda = pad(seed, n), A = gen.spd(r, n, lda);
      return { args: [n, A, lda, new Float64Array(n), new Float64Array(n), new Float64Array(n), scratch(new Float64Array(n))] };
    },
  },
  tridiagonalizeUpper: {
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lda = pad(seed, n), A = gen.spd(r, n, lda);
      // The strict lower triangle is garbage the kernel must not read.
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i * lda + j] = r.normal() * 1e3;
      return { args: [n, A, lda, new Float64Array(n), new Float64Array(n), new Float64Array(n), scratch(new Float64Array(n))] };
    },
  },
  tridiagonalQt: {
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lda = pad(seed, n), ldz = pad(seed >> 1, n), { A, tau } = tridiagonalOf(r, n, lda);
      return { args: [n, A, lda, tau, new Float64Array((n - 1) * ldz + n), ldz] };
    },
  },
  tridiagonalQl: {
    iterations: true,
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lda = pad(seed, n), ldz = pad(seed >> 1, n), { A, d, e, tau } = tridiagonalOf(r, n, lda);
      const Z = new Float64Array((n - 1) * ldz + n);
      K.tridiagonalQt(n, A, lda, tau, Z, ldz);
      return { args: [n, d, e, Z, ldz, 30 * n] };
    },
  },
  tridiagonalQlBatched: {
    iterations: true,
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lda = pad(seed, n), ldz = pad(seed >> 1, n), { A, d, e, tau } = tridiagonalOf(r, n, lda);
      const Z = new Float64Array((n - 1) * ldz + n);
      K.tridiagonalQt(n, A, lda, tau, Z, ldz);
      // Odd seeds: room for one iteration's record only (a batch per iteration).
      const lw = seed & 1 ? 4 + 2 * n : tridiagonalQlWorkSize(n);
      return { args: [n, d, e, Z, ldz, 30 * n, scratch(new Float64Array(lw)), lw] };
    },
  },
  tridiagonalizeBlocked: {
    // 40: a panel of 32 and a second one.
    sizes: [1, 2, 5, 12, 40],
    make(n, r, seed) {
      const lda = pad(seed, n), A = gen.spd(r, n, lda), v = () => new Float64Array(n);
      for (let i = 0; i < n; i++) A[i * lda + i] -= 1.5 * n; // indefinite, distinct eigenvalues
      return { args: [n, A, lda, v(), v(), v(), scratch(new Float64Array(tridiagonalizeBlockedWorkSize(n)))] };
    },
  },
  tridiagonalApplyQt: {
    // 40: two panels of reflectors.
    sizes: [1, 2, 5, 12, 40],
    make(n, r, seed) {
      const lda = pad(seed, n), m = n + 2, ldc = pad(seed >> 1, n), { A, tau } = tridiagonalOf(r, n, lda);
      const C = gen.block(r, m, n, ldc);
      return { args: [m, n, A, lda, tau, C, ldc, scratch(new Float64Array(tridiagonalApplyQtWorkSize(m, n)))] };
    },
  },
  secularEigen: {
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      // Divide and conquer's rank-one problem after deflation: poles strictly increasing, no zero weight.
      const ldu = pad(seed, n), d = new Float64Array(n), z = new Float64Array(n);
      let s = 0, zz = 0;
      for (let i = 0; i < n; i++) {
        d[i] = (s += 0.1 + r.uniform());
        z[i] = (r.uniform() < 0.5 ? -1 : 1) * (0.05 + r.uniform());
        zz += z[i] * z[i];
      }
      for (let i = 0; i < n; i++) z[i] /= Math.sqrt(zz);
      const U = new Float64Array((n - 1) * ldu + n);
      return { args: [n, d, z, 0.5 + 2 * r.uniform(), new Float64Array(n), U, ldu, scratch(new Float64Array(n))] };
    },
  },
  secularSvd: {
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      // The bidiagonal divide and conquer's arrowhead after deflation: d[0] = 0, poles strictly increasing, no zero weight.
      const ldu = pad(seed, n), d = new Float64Array(n), z = new Float64Array(n);
      let s = 0;
      for (let i = 0; i < n; i++) {
        d[i] = i === 0 ? 0 : (s += 0.1 + r.uniform());
        z[i] = (r.uniform() < 0.5 ? -1 : 1) * (0.05 + r.uniform());
      }
      const M = () => new Float64Array((n - 1) * ldu + n);
      return { args: [n, d, z, new Float64Array(n), M(), M(), ldu, scratch(new Float64Array(n))] };
    },
  },
  bidiagonalize: {
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lda = pad(seed, n), A = gen.block(r, n, n, lda), v = () => new Float64Array(n);
      return { args: [n, A, lda, v(), v(), v(), v(), scratch(v())] };
    },
  },
  bidiagonalQr: {
    iterations: true,
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lda = pad(seed, n), A = gen.block(r, n, n, lda), d = new Float64Array(n), e = new Float64Array(n);
      K.bidiagonalize(n, A, lda, d, e, new Float64Array(n), new Float64Array(n), new Float64Array(n));
      const ldu = pad(seed >> 1, n), ldv = pad(seed >> 2, n), U = gen.block(r, n, n, ldu), V = gen.block(r, n, n, ldv);
      // Odd seeds: room for one sweep's record only (a batch per sweep); even: bidiagonalQrWorkSize.
      const lw = seed & 1 ? 4 + 4 * n : bidiagonalQrWorkSize(n);
      return { args: [n, d, e, U, ldu, V, ldv, scratch(new Float64Array(lw)), lw] };
    },
  },
  cholesky: {
    // Even seeds: positive definite; odd: a failing pivot (status -(j + 1)).
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lda = pad(seed >> 1, n), A = gen.spd(r, n, lda);
      if (seed & 1) A[(n - 1) * lda + n - 1] = -1;
      return { args: [n, A, lda] };
    },
  },
  triangularSolve: {
    sizes: [1, 2, 5, 12],
    make(n, r, seed) {
      const lower = (seed & 1) === 1, trans = (seed & 2) === 2, unit = (seed & 4) === 4, k = 1 + (seed % 3);
      const ldt = pad(seed, n), ldb = pad(seed >> 1, k), T = triangle(r, n, ldt);
      if (seed === 3) T[(n >> 1) * ldt + (n >> 1)] = 0; // a zero pivot (seed 3 is not unit): status -(j + 1), B untouched
      return { args: [lower, trans, unit, n, k, T, ldt, gen.block(r, n, k, ldb), ldb] };
    },
  },
};

/** A packed gemm job (assembly/gemm.ts, "Parallel GEMM on packed operands") of op(A) 300 x 300 (k), op(B) 300 x 280, with buffers for Ap and Bp. */
function packedCase(r: Rng, seed: number) {
  const tA = (seed & 1) === 1, tB = (seed & 2) === 2;
  const m = 300, n = 280, k = 300, alpha = r.normal(), beta = seed % 3 === 0 ? 0 : 0.25;
  const lda = tA ? m : k, ldb = tB ? k : n, ldc = n;
  const A = tA ? gen.block(r, k, m, lda) : gen.block(r, m, k, lda);
  const B = tB ? gen.block(r, n, k, ldb) : gen.block(r, k, n, ldb);
  const C = gen.block(r, m, n, ldc);
  const size = gemmPackedSize(m, n, k), split = k * ((m + 3) & ~3);
  const Ap = new Float64Array(split), Bp = new Float64Array(size - split);
  const job = scratch(new Uint8Array(GEMM_PACKED_JOB_BYTES));
  return {
    m, n, k, job, A, B, C, Ap, Bp,
    prepare(at: (b: Float64Array | Uint8Array) => number, memory: ArrayBuffer) {
      new Int32Array(memory, at(job), 11).set([tA ? 1 : 0, tB ? 1 : 0, m, n, k, at(A), lda, at(B), ldb, at(C), ldc]);
      new Float64Array(memory, at(job) + 48, 2).set([alpha, beta]);
      new Int32Array(memory, at(job) + 64, 2).set([at(Ap), at(Bp)]);
    },
    twin: (a: unknown, b: unknown, c: unknown, ap: unknown, bp: unknown): PackedGemmJob => ({
      transA: tA, transB: tB, m, n, k, alpha, A: a as Float64Array, lda, B: b as Float64Array, ldb, beta, C: c as Float64Array, ldc,
      Ap: ap as Float64Array, Bp: bp as Float64Array,
    }),
  };
}
