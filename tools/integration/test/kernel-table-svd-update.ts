// svd-update's own kernels for the conformance suite (see kernel-table-linalg.ts).
import { jsKernels } from "../../../packages/linalg/src/kernels/index.js";
import { jsSvdUpdateKernels } from "../../../packages/svd-update/src/kernels/index.js";
import { gen, scratch, type Rng } from "./kernel-harness.js";
import type { Entry } from "./kernel-table-linalg.js";

const S = jsSvdUpdateKernels;

/** A p x k matrix with orthonormal columns (the twin's Householder Q of a random block). */
export function orthonormal(rng: Rng, p: number, k: number): Float64Array {
  const A = gen.block(rng, p, k, k), tau = new Float64Array(k), Q = new Float64Array(p * k);
  jsKernels.householderQr(p, k, A, k, tau, new Float64Array(k));
  jsKernels.householderQ(p, k, A, k, tau, Q, k, new Float64Array(k));
  return Q;
}

/** A CSR batch of s rows over dim columns and its support (marker back at -1, idx listing it), as csrSupport leaves them. */
function batch(rng: Rng, s: number, dim: number) {
  const A = gen.csr(rng, s, dim, 0.4);
  const marker = new Int32Array(dim).fill(-1), idx = new Int32Array(dim);
  const p = S.csrSupport(s, dim, A.indptr, A.indices, A.data, marker, idx);
  return { ...A, marker, idx, p };
}

/** Xc = Xb Pg: pairs (b, c) whose c are b's coordinates in the orthonormal Pg (so X = Xbᵀ - Pg Xcᵀ is Pg's complement). */
function coordinates(s: number, p: number, k: number, Xb: Float64Array, Pg: Float64Array): Float64Array {
  const Xc = new Float64Array(s * k);
  jsKernels.gemm(false, false, s, k, p, 1, Xb, p, Pg, k, 0, Xc, k);
  return Xc;
}

export const SVD_UPDATE: Record<string, Entry> = {
  gatherRows: {
    make(n, r) {
      const k = 1 + (n % 4), rows = n + 3, idx = Int32Array.from({ length: n }, () => r.int(rows));
      return { args: [n, k, idx, gen.normal(r, rows * k), new Float64Array(n * k)] };
    },
  },
  scatterAddRows: {
    make(n, r) {
      const k = 1 + (n % 4), rows = n + 3, idx = Int32Array.from({ length: n }, () => r.int(rows));
      return { args: [n, k, idx, gen.normal(r, n * k), gen.normal(r, rows * k)] };
    },
  },
  sparseGramSchmidt: {
    // b_j random, c_j = Vᵀ b_j for an orthonormal V (the kernel's premise); start = 1 on odd seeds (row 0 a unit q orthogonal to V).
    sizes: [1, 2, 5, 9],
    make(s, r, seed) {
      const k = 3, p = s + k + 4, V = orthonormal(r, p, k);
      const B = gen.normal(r, s * p), C = coordinates(s, p, k, B, V);
      const start = seed & 1 && s > 1 ? 1 : 0;
      if (start) {
        // Row 0: b - V c normalised (c = 0 after), the kept vector of an earlier call.
        const q = B.subarray(0, p);
        for (let t = 0; t < k; t++) for (let i = 0; i < p; i++) q[i] -= C[t] * V[i * k + t];
        const nq = Math.hypot(...q);
        for (let i = 0; i < p; i++) q[i] /= nq;
        C.fill(0, 0, k);
      }
      return { args: [s, p, k, B, C, new Float64Array(s * s), 1e-20, start] };
    },
  },
  csrSupport: {
    make(s, r, seed) {
      const dim = s + 4, A = gen.csr(r, s, dim, 0.4);
      if (seed === 4 && A.data.length > 0) A.data[0] = NaN; // the non-finite refusal (-3)
      return { args: [s, dim, A.indptr, A.indices, A.data, new Int32Array(dim).fill(-1), new Int32Array(dim)] };
    },
  },
  scatterBatch: {
    make(s, r) {
      const b = batch(r, s, s + 4);
      return { args: [s, b.p, b.indptr, b.indices, b.data, b.marker, b.idx, new Float64Array(s * b.p)] };
    },
  },
  projectBatch: {
    make(s, r, seed) {
      const dim = s + 4, k = 1 + (s % 3), b = batch(r, s, dim);
      return {
        args: [s, b.p, k, b.indptr, b.indices, b.data, b.marker, b.idx, gen.normal(r, dim * k), gen.normal(r, k * k), (seed & 1) === 1,
          new Float64Array(s * b.p), new Float64Array(s * k), scratch(new Float64Array(s * k))],
      };
    },
  },
  appendCore: {
    make(s, r) {
      const k = 1 + (s % 3), sq = Math.max(1, s - 1);
      return { args: [k, s, sq, gen.normal(r, k), gen.normal(r, s * k), gen.normal(r, sq * s), new Float64Array((k + s) * (k + sq))] };
    },
  },
  smallSvdCore: {
    // r <= c on even seeds, r > c (the transposed path) on odd ones.
    sizes: [1, 2, 5, 9],
    make(n, rng, seed) {
      const r = seed & 1 ? n + 2 : n, c = seed & 1 ? n : n + 2, R = Math.min(r, c), L = Math.max(r, c), kk = Math.max(1, R - 1);
      return {
        args: [r, c, gen.normal(rng, r * c), kk, new Float64Array(R * (L + R)), new Float64Array(R), new Float64Array(r * kk),
          new Float64Array(kk), new Float64Array(c * kk), 60, scratch(new Float64Array(5 * R + 5))],
      };
    },
  },
  rotateFactor: {
    // identity on seed 3; a singular H (return -1, Kin undefined) on seed 4.
    make(k, r, seed) {
      const H = gen.normal(r, k * k);
      if (seed === 4) H.fill(0, 0, k);
      const Kin = new Float64Array(k * k);
      return {
        args: [k, gen.normal(r, k * k), gen.normal(r, k * k), H, seed === 3, new Float64Array(k * k), seed === 4 ? scratch(Kin) : Kin,
          scratch(new Float64Array(3 * k * k + 2 * k))],
      };
    },
  },
  gklExpand: {
    // Sparse pairs (kc = k, Xc = Xb Pg, Pg orthonormal) on even seeds; dense vectors (kc = 0) on odd ones.
    sizes: [2, 4, 7],
    make(s, r, seed) {
      const k = 2, p = s + 5, l = Math.max(1, s - 1), kc = seed & 1 ? 0 : k;
      const Pg = orthonormal(r, p, k), Xb = gen.normal(r, s * p);
      const Xc = kc ? coordinates(s, p, k, Xb, Pg) : new Float64Array(0);
      const Vr = new Float64Array(l * s);
      Vr.set(gen.normal(r, s));
      return {
        args: [s, p, kc, k, l, Xb, Xc, Pg, gen.normal(r, k * k), true, new Float64Array(l * p), new Float64Array(l * kc), Vr,
          new Float64Array(l * l), new Float64Array(l * l), scratch(new Float64Array(k)), 1e-20],
      };
    },
  },
  pairCoordinates: {
    make(s, r, seed) {
      const p = s + 2, kc = seed & 1 ? 0 : 3, lq = 1 + (s % 3);
      return { args: [s, p, kc, lq, gen.normal(r, s * p), gen.normal(r, s * kc), gen.normal(r, lq * p), gen.normal(r, lq * kc), new Float64Array(lq * s)] };
    },
  },
};

export { jsSvdUpdateKernels };
