// linalg's CSR products of the Lanczos SVD (its assembly/csr-vector.ts) for the conformance suite: in the
// binaries of the packages that export them (svd-update: all four, matrix-completion: the three products).
import { csrTask } from "../../../packages/linalg/src/kernels/csr-vector.js";
import { gen, scratch } from "./kernel-harness.js";
import type { Entry } from "./kernel-table-linalg.js";

export const CSR_VECTOR: Record<string, Entry> = {
  csrMatvec: {
    make(n, r) {
      const cols = n + 2, A = gen.csr(r, n, cols, 0.4);
      return { args: [n, A.indptr, A.indices, A.data, gen.normal(r, cols), new Float64Array(n)] };
    },
  },
  csrMatvecT: {
    make(n, r, seed) {
      const cols = n + 2, A = gen.csr(r, n, cols, 0.4), np = 1 + (seed % 3);
      return { args: [n, cols, np, A.indptr, A.indices, A.data, gen.normal(r, n), new Float64Array(cols), new Float64Array((np - 1) * cols)] };
    },
  },
  csrGramMatvec: {
    make(n, r, seed) {
      const cols = n + 2, A = gen.csr(r, n, cols, 0.4), np = 1 + (seed % 3);
      return { args: [n, cols, np, A.indptr, A.indices, A.data, gen.normal(r, cols), new Float64Array(cols), new Float64Array((np - 1) * cols)] };
    },
  },
};

export const CSR_TASK: Record<string, Entry> = {
  csrTask: {
    // One task of a parallel product (mode: A x rows, Aᵀ x piece, Aᵀ A x piece, the partial vectors' sum, spmm rows,
    // gemv rows, transposed gemv columns).
    sizes: [0, 1, 2],
    make(t, r, seed) {
      const rows = 9, n = 7, np = 3, mode = (seed + t) % 7, A = gen.csr(r, rows, n, 0.5);
      const job = scratch(new Uint8Array(64));
      if (mode >= 5) {
        // gemv on a 9 x 7 block with row stride 8, chunks of 4 (rows or columns).
        const lda = 8, chunk = 4, alpha = r.normal(), beta = seed % 2 ? 0 : 0.5, G = gen.normal(r, rows * lda);
        const x = gen.normal(r, mode === 5 ? n : rows), y = gen.normal(r, mode === 5 ? rows : n);
        return {
          args: [job, t, scratch(new Uint8Array(16))],
          extra: [G, x, y],
          prepare(at, memory) {
            new Int32Array(memory, at(job), 11).set([mode, rows, n, lda, chunk, at(G), 0, 0, at(x), at(y), 0]);
            new Float64Array(memory, at(job) + 48, 2).set([alpha, beta]);
          },
          js: (_, [g, xx, yy]) => csrTask({
            mode, rows, cols: n, np: lda, chunk, indptr: new Int32Array(0), indices: new Int32Array(0), data: new Float64Array(0),
            x: xx as Float64Array, y: yy as Float64Array, parts: new Float64Array(0), G: g as Float64Array, alpha, beta,
          }, t),
        };
      }
      // mode 4 is spmm with a 3-column X: the job's cols field is that width.
      const chunk = 4, cols = mode === 4 ? 3 : n;
      const x = gen.normal(r, mode === 1 ? rows : mode === 4 ? n * cols : n), y = gen.normal(r, mode === 0 ? rows : mode === 4 ? rows * cols : n);
      const parts = gen.normal(r, (np - 1) * n);
      return {
        args: [job, t, scratch(new Uint8Array(16))],
        extra: [A.indptr, A.indices, A.data, x, y, parts],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 11).set([mode, rows, cols, np, chunk, at(A.indptr), at(A.indices), at(A.data), at(x), at(y), at(parts)]);
        },
        js: (_, [indptr, indices, data, xx, yy, pp]) => csrTask({
          mode, rows, cols, np, chunk, indptr: indptr as Int32Array, indices: indices as Int32Array, data: data as Float64Array,
          x: xx as Float64Array, y: yy as Float64Array, parts: pp as Float64Array,
        }, t),
      };
    },
  },
};
