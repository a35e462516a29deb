// The packed parallel GEMM's task kernels (assembly/gemm.ts gemmPackTask,
// gemmComputeTask) against their TypeScript twins (src/kernels/gemm.ts): the
// packed operands bit for bit on every variant, the pieces of C bit for bit on
// simd (relaxed-simd may fuse the multiply-adds: close there), and the two
// jobs together equal to the single call. Run here on one thread, in order;
// threads.test.ts runs them on the pool.
import { expect, it } from "vitest";
import { withLinalg, type WasmWorkspace } from "../src/internal.js";
import type { LinalgKernels } from "../src/kernels/index.js";
import { gemm, gemmComputeTask, gemmPackedSize, gemmPackTask, gemmPackTasks, gemmPieceCols, gemmPieceRows, type PackedGemmJob } from "../src/kernels/gemm.js";
import { writeGemmJob } from "../src/threads-gemm.js";
import type { LinalgExports } from "../src/wasm.js";
import { describeVariants, randn } from "./factor-helpers.js";

/** Whether a and b hold the same bits. */
const same = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Shapes with partial pieces, spans and panels both ways (k past one KC = 256 panel), every transpose. */
const CASES: [number, number, number, boolean, boolean][] = [
  [131, 263, 300, false, false],
  [258, 130, 257, true, false],
  [7, 517, 33, false, true],
  [130, 258, 5, true, true],
];

describeVariants("packed gemm tasks and their twins", (variant) => {
  it.each(CASES)("m = %i, n = %i, k = %i, transA %s, transB %s", (m, n, k, transA, transB) => {
    const A = randn(transA ? k : m, transA ? m : k, m).data, B = randn(transB ? n : k, transB ? k : n, n).data, C0 = randn(m, n, k).data;
    const lda = transA ? m : k, ldb = transB ? k : n, alpha = -0.625, beta = 1.5;
    const size = gemmPackedSize(m, n, k), packs = gemmPackTasks(m, n, k);
    const pieces = Math.ceil(m / gemmPieceRows()) * Math.ceil(n / gemmPieceCols());
    // The twins: pack in reverse order (pieces are independent), then every piece of C.
    const job: PackedGemmJob = { transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C: C0.slice(), ldc: n, Ap: new Float64Array(k * 4 + size).fill(NaN), Bp: new Float64Array(0) };
    job.Bp = job.Ap.subarray(gemmPackedSize(m, 0, k));
    for (let t = packs - 1; t >= 0; t--) gemmPackTask(job, t);
    // C's pieces in two runs, the later ones first (a job's `first` piece: how gemm splits its compute job).
    const half = pieces >> 1;
    for (let t = 0; t < pieces - half; t++) gemmComputeTask({ ...job, first: half }, t);
    for (let t = 0; t < half; t++) gemmComputeTask(job, t);
    const single = C0.slice();
    gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, single, n);
    // WASM, on the single-thread module's exports.
    const wasm = withLinalg("wasm", 8 * (A.length + B.length + 2 * m * n + size + 64) + 4096, (ws) => {
      const x = (ws as WasmWorkspace<LinalgKernels>).instance.exports as LinalgExports;
      const a = ws.input(A), b = ws.input(B), c = ws.input(C0), ref = ws.input(C0), packed = ws.f64(size), jobAt = ws.f64(10).byteOffset;
      const Bp = packed.byteOffset + gemmPackedSize(m, 0, k) * 8;
      writeGemmJob((ws as WasmWorkspace<LinalgKernels>).instance.memory, jobAt, transA, transB, m, n, k, alpha, a.byteOffset, lda, b.byteOffset, ldb, beta, c.byteOffset, n, packed.byteOffset, Bp);
      for (let t = 0; t < packs; t++) x.gemmPackTask(jobAt, t, 0);
      writeGemmJob((ws as WasmWorkspace<LinalgKernels>).instance.memory, jobAt, transA, transB, m, n, k, alpha, a.byteOffset, lda, b.byteOffset, ldb, beta, c.byteOffset, n, packed.byteOffset, Bp, half);
      for (let t = pieces - half - 1; t >= 0; t--) x.gemmComputeTask(jobAt, t, 0);
      writeGemmJob((ws as WasmWorkspace<LinalgKernels>).instance.memory, jobAt, transA, transB, m, n, k, alpha, a.byteOffset, lda, b.byteOffset, ldb, beta, c.byteOffset, n, packed.byteOffset, Bp);
      for (let t = half - 1; t >= 0; t--) x.gemmComputeTask(jobAt, t, 0);
      ws.kernels.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, ref, n); // the single call
      return { packed: packed.slice(), c: c.slice(), ref: ref.slice() };
    });
    expect(same(wasm.packed, job.Ap.subarray(0, size))).toBe(true);
    expect(same(wasm.c, wasm.ref)).toBe(true); // the two jobs give the single call's bits
    if (variant === "simd") expect(same(wasm.c, job.C)).toBe(true);
    let worst = 0;
    for (let i = 0; i < m * n; i++) {
      const scale = k * (1 + Math.abs(single[i]));
      worst = Math.max(worst, Math.abs(wasm.c[i] - job.C[i]) / scale, Math.abs(job.C[i] - single[i]) / scale);
    }
    expect(worst).toBeLessThan(1e-13);
  });
});
