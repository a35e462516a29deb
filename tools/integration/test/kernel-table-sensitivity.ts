// sensitivity-sampling's own kernels for the conformance suite (see kernel-table-linalg.ts).
import { jsSensitivityKernels } from "../../../packages/sensitivity-sampling/src/kernels/index.js";
import {
  countSketchTask, gramBandStart, gramGroups, lewisTask, rowNormsTask, rowTaskRows, ROW_TASK_ROWS, sketchGroups, stackQrLaneTask, stackQrTask,
  weightedGramTask,
} from "../../../packages/sensitivity-sampling/src/kernels/tasks.js";
import { gen, prefix, scratch, type Rng } from "./kernel-harness.js";
import type { Entry } from "./kernel-table-linalg.js";

const S = jsSensitivityKernels;
const pad = (seed: number, w: number) => w + (seed & 1 ? 3 : 0);

/** An upper triangular d x d (zero below, leading dimension d) with a dominant diagonal. */
function upper(rng: Rng, d: number): Float64Array {
  const U = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) U[i * d + j] = i === j ? 1.5 + rng.uniform() : 0.3 * rng.normal();
  return U;
}

/** Positive weights. */
const positive = (rng: Rng, n: number) => Float64Array.from(gen.uniform(rng, n), (u) => 0.2 + u);

/** The inverse of (I + BᵀB) for a random B, the starting H of the online samplers (symmetric positive definite). */
function spdInverse(rng: Rng, d: number): Float64Array {
  const G = gen.spd(rng, d, d), H = new Float64Array(d * d);
  for (let i = 0; i < d; i++) H[i * d + i] = 1;
  // Gauss-Jordan on a well-conditioned SPD matrix (no pivoting needed).
  for (let c = 0; c < d; c++) {
    const piv = G[c * d + c];
    for (let j = 0; j < d; j++) {
      G[c * d + j] /= piv;
      H[c * d + j] /= piv;
    }
    for (let i = 0; i < d; i++) if (i !== c) {
      const f = G[i * d + c];
      for (let j = 0; j < d; j++) {
        G[i * d + j] -= f * G[c * d + j];
        H[i * d + j] -= f * H[c * d + j];
      }
    }
  }
  return H;
}

export const SENSITIVITY: Record<string, Entry> = {
  rowNormsSq: {
    make(n, r, seed) {
      const d = 1 + (n % 6), ldx = pad(seed, d);
      return { args: [n, d, gen.block(r, n, d, ldx), ldx, new Float64Array(n)] };
    },
  },
  rowNormsOfProduct: {
    // upper (k = d, B triangular) on odd seeds.
    make(n, r, seed) {
      const up = (seed & 1) === 1, d = 1 + (n % 6), k = up ? d : d + 1, lda = pad(seed >> 1, d), ldb = pad(seed >> 1, k);
      const B = gen.block(r, d, k, ldb);
      if (up) for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) B[i * ldb + j] = 0;
      return { args: [n, d, k, gen.block(r, n, d, lda), lda, B, ldb, up, new Float64Array(n), scratch(new Float64Array(2 * k))] };
    },
  },
  countSketch: {
    // Weighted on odd seeds, unweighted (v = 0) on even ones.
    make(n, r, seed) {
      const d = seed & 2 ? 20 : 1 + (n % 6), m = 1 + (n >> 1), lda = pad(seed, d);
      return { args: [n, d, gen.block(r, n, d, lda), lda, gen.uniform(r, n), m, seed & 1 ? positive(r, n) : null, gen.normal(r, m * d)] };
    },
  },
  countSketchShort: {
    make(n, r, seed) {
      const d = 1 + (n % 6), m = 1 + (n >> 1), lda = pad(seed, d);
      return {
        args: [n, d, gen.block(r, n, d, lda), lda, gen.uniform(r, n), m, gen.normal(r, m * d)],
        js: ([, , A, , u, , SA]) => S.countSketch(n, d, A as Float64Array, lda, u as Float64Array, m, null, SA as Float64Array),
      };
    },
  },
  countSketchDraw: {
    // The state block: linalg's 32-byte generator state, then 128 bytes of the kernel's ring (scratch).
    sizes: [1, 2, 5, 17, 40],
    make(n, r, seed) {
      const d = 1 + (n % 7), m = 1 + (n >> 1), lda = pad(seed, d);
      const st = new Uint8Array(160);
      st.set(gen.rngState(seed, seed & 1));
      return {
        args: [n, d, gen.block(r, n, d, lda), lda, prefix(st, 32), m, gen.normal(r, m * d)],
        js: ([, , A, , state, , SA]) => gen.withRng(state as Uint8Array, (rng) => S.countSketchDraw(n, d, A as Float64Array, lda, rng, m, SA as Float64Array)),
      };
    },
  },
  srhtColumns: {
    // A column group j0 .. j0 + g of an n x lda A; np the power of two >= n; ldt even >= g.
    sizes: [1, 3, 8, 13],
    make(n, r, seed) {
      let np = 1;
      while (np < n) np *= 2;
      const g = 1 + (seed % 3), j0 = seed & 1, lda = j0 + g + 1, ldt = (g + 1) & ~1, m = Math.max(1, np >> 1), ldsa = j0 + g + (seed >> 1);
      const sign = Float64Array.from({ length: n }, () => (r.uniform() < 0.5 ? -1 : 1));
      const idx = Int32Array.from({ length: m }, () => r.int(np));
      return {
        args: [n, gen.block(r, n, lda, lda), lda, j0, g, sign, np, new Float64Array(np * ldt), ldt, m, idx, 1 / Math.sqrt(m), gen.normal(r, (m - 1) * ldsa + j0 + g), ldsa],
      };
    },
  },
  weightedGram: {
    make(n, r, seed) {
      const d = 1 + (n % 6), lda = pad(seed, d);
      return { args: [n, d, gen.block(r, n, d, lda), lda, positive(r, n), new Float64Array(d * d)] };
    },
  },
  lewisUpdate: {
    make(n, r, seed) {
      const d = 1 + (n % 5), lda = pad(seed, d), p = [1, 1.5, 3, 0.5][seed % 4];
      return { args: [n, d, gen.block(r, n, d, lda), lda, upper(r, d), p, 0.5, gen.normal(r, n), new Float64Array(n), scratch(new Float64Array(2 * d))] };
    },
  },
  lewisUpdateGram: {
    make(n, r, seed) {
      const d = 1 + (n % 5), lda = pad(seed, d), p = [1, 1.5, 3, 0.5][seed % 4];
      return {
        args: [n, d, gen.block(r, n, d, lda), lda, upper(r, d), p, 0.5, gen.normal(r, n), new Float64Array(n), scratch(new Float64Array(2 * d)), new Float64Array(d * d)],
      };
    },
  },
  irlsRows: {
    make(n, r, seed) {
      const d = 1 + (n % 5), lda = pad(seed, d), ldo = d + 1 + (seed >> 1);
      return {
        args: [n, d, gen.block(r, n, d, lda), lda, gen.normal(r, n), gen.normal(r, n), positive(r, n), [1, 1.5, 3, 0.5][seed % 4], 1e-3,
          new Float64Array((n - 1) * ldo + d + 1), ldo],
      };
    },
  },
  sumAbsPow: { make: (n, r, seed) => ({ args: [n, gen.normal(r, n), positive(r, n), [1, 1.5, 3, 0.5][seed % 4]] }) },
  tallQrR: {
    sizes: [3, 8, 30],
    make(n, r, seed) {
      const w = 1 + (seed % 4), ldm = pad(seed, w), chunk = 1 + (seed & 1 ? 4 : 16);
      return {
        args: [n, w, gen.block(r, n, w, ldm), ldm, chunk, new Float64Array(w * w), scratch(new Float64Array((w + chunk) * w)),
          scratch(new Float64Array(w)), scratch(new Float64Array(w))],
      };
    },
  },
  stackQrR: {
    sizes: [1, 3, 8, 130],
    make(n, r, seed) {
      const d = 1 + (seed % 4), ldb = pad(seed, d);
      return { args: [n, d, gen.block(r, n, d, ldb), ldb, upper(r, d), scratch(new Float64Array(2 * d))] };
    },
  },
  onlineLeverage: {
    make(nb, r, seed) {
      const d = 1 + (seed % 4), lda = pad(seed, d);
      return {
        args: [nb, d, gen.block(r, nb, d, lda), lda, spdInverse(r, d), 0.5 + seed, gen.uniform(r, nb), new Float64Array(nb), new Float64Array(nb),
          scratch(new Float64Array(d))],
      };
    },
  },
  onlineLewis: {
    make(nb, r, seed) {
      const d = 1 + (seed % 4), lda = pad(seed, d);
      return {
        args: [nb, d, gen.block(r, nb, d, lda), lda, spdInverse(r, d), [1, 1.5, 3, 0.5][seed % 4], 0.5 + seed, gen.uniform(r, nb),
          new Float64Array(nb), new Float64Array(nb), scratch(new Float64Array(d))],
      };
    },
  },
  // The pool's pieces (assembly/tasks.ts): one task t of a job whose block holds the call's pointers.
  rowTaskRows: { sizes: [0], make: () => ({ args: [], js: () => rowTaskRows() }) },
  rowNormsTask: {
    // Tasks 0 and 1 of a job of two and a half tasks, and a task past the end (it does nothing); upper on odd seeds.
    sizes: [0, 1, 2, 3],
    make(t, r, seed) {
      const up = (seed & 1) === 1, n = 2 * ROW_TASK_ROWS + 37, d = 3, k = up ? d : 5, lda = pad(seed >> 1, d);
      const A = gen.block(r, n, d, lda), B = up ? upper(r, d) : gen.block(r, d, k, k), out = new Float64Array(n);
      const job = scratch(new Uint8Array(36));
      return {
        args: [job, t, scratch(new Float64Array(2 * k))],
        extra: [A, B, out],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 9).set([n, d, k, at(A), lda, at(B), k, up ? 1 : 0, at(out)]);
        },
        js: (_, [a, b, o]) => rowNormsTask({ n, d, k, A: a as Float64Array, lda, B: b as Float64Array, ldb: k, upper: up, out: o as Float64Array }, t, new Float64Array(2 * k)),
      };
    },
  },
  stackQrPieces: {
    sizes: [1, 40, 130],
    make(n, r, seed) {
      const d = 1 + (seed % 4), ldb = pad(seed, d), rows = 1 + (seed % 3) * 20, pieces = Math.ceil(n / rows);
      const Rs = new Float64Array(pieces * d * d);
      for (let t = 0; t < pieces; t++) Rs.set(upper(r, d), t * d * d);
      return { args: [n, d, gen.block(r, n, d, ldb), ldb, rows, Rs, scratch(new Float64Array(2 * d))] };
    },
  },
  stackQrTask: {
    sizes: [0, 1, 2, 3],
    make(t, r, seed) {
      const d = 1 + (seed % 4), ldb = pad(seed, d), rows = 50, n = 130, pieces = 3;
      const B = gen.block(r, n, d, ldb), Rs = new Float64Array(pieces * d * d);
      for (let p = 0; p < pieces; p++) Rs.set(upper(r, d), p * d * d);
      const job = scratch(new Uint8Array(24));
      return {
        args: [job, t, scratch(new Float64Array(2 * d))],
        extra: [B, Rs],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 6).set([n, d, at(B), ldb, rows, at(Rs)]);
        },
        js: (_, [b, rs]) => stackQrTask({ n, d, B: b as Float64Array, ldb, rows, Rs: rs as Float64Array }, t, new Float64Array(2 * d)),
      };
    },
  },
  stackQrLanes: {
    // 2048-row blocks: with n = 4100 lanes 0 and 1 take a full block, lane 2 four rows; the rest stay as given.
    // `from` (a multiple of 2048) on even seeds: the lanes go on from block from / 2048 (n = 18500, from 2048 · 3:
    // lane 3 starts at block 3, lanes 0-2 at blocks 8-10); rows below `from` are never read.
    sizes: [5, 4100, 18500],
    make(n, r, seed) {
      const d = 1 + (seed % 4), lda = pad(seed, d), Rs = new Float64Array(8 * d * d), from = seed & 1 ? 0 : Math.min(3, n >> 11) * 2048;
      for (let l = 0; l < 8; l++) Rs.set(upper(r, d), l * d * d);
      return { args: [n, d, gen.block(r, n, d, lda), lda, from, Rs, scratch(new Float64Array(130 * d))] };
    },
  },
  stackQrLaneTask: {
    // The job block: i32 n, d, A, lda, Rs, from; from = 0 on odd seeds, 2048 · 5 on even ones (lane 5 starts at block 5).
    sizes: [0, 1, 2, 5, 7, 8],
    make(t, r, seed) {
      const n = 2 * 8 * 2048 + 300, d = 1 + (seed % 3), lda = pad(seed, d), from = seed & 1 ? 0 : 5 * 2048;
      const A = gen.block(r, n, d, lda), Rs = new Float64Array(8 * d * d);
      for (let l = 0; l < 8; l++) Rs.set(upper(r, d), l * d * d);
      const job = scratch(new Uint8Array(24));
      return {
        args: [job, t, scratch(new Float64Array(130 * d))],
        extra: [A, Rs],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 6).set([n, d, at(A), lda, at(Rs), from]);
        },
        js: (_, [a, rs]) => stackQrLaneTask({ n, d, A: a as Float64Array, lda, Rs: rs as Float64Array, from }, t, new Float64Array(130 * d)),
      };
    },
  },
  gramBand: {
    make(n, r, seed) {
      const d = 1 + (n % 7), lda = pad(seed, d), j0 = seed % d, j1 = Math.min(d, j0 + 1 + (seed % 3));
      return { args: [n, j0, j1, d, gen.block(r, n, d, lda), lda, positive(r, n), gen.normal(r, d * d)] };
    },
  },
  gramGroups: { sizes: [1, 8, 17, 50, 100], make: (d) => ({ args: [d], js: () => gramGroups(d) }) },
  gramBandStart: {
    sizes: [1, 8, 17, 50, 100],
    make: (d, _r, seed) => {
      const g = seed % 6 - 1;
      return { args: [d, g], js: () => gramBandStart(d, g) };
    },
  },
  weightedGramTask: {
    // d = 33: four bands; task 4 is past the end (does nothing).
    sizes: [0, 1, 2, 3, 4],
    make(t, r, seed) {
      const n = 30, d = 33, lda = pad(seed, d);
      const A = gen.block(r, n, d, lda), v = positive(r, n), G = new Float64Array(d * d);
      const job = scratch(new Uint8Array(24));
      return {
        args: [job, t, scratch(new Float64Array(2))],
        extra: [A, v, G],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 6).set([n, d, at(A), lda, at(v), at(G)]);
        },
        js: (_, [a, vv, g]) => weightedGramTask({ n, d, A: a as Float64Array, lda, v: vv as Float64Array, G: g as Float64Array }, t),
      };
    },
  },
  sketchGroups: { sizes: [1, 8, 17, 50, 100], make: (d) => ({ args: [d], js: () => sketchGroups(d) }) },
  countSketchTask: {
    // d = 27: three column groups of 9; task 3 is past the end (does nothing).
    sizes: [0, 1, 2, 3],
    make(t, r, seed) {
      const n = 60, d = 27, lda = pad(seed, d), m = 7;
      const A = gen.block(r, n, d, lda), u = gen.uniform(r, n), SA = gen.normal(r, m * d);
      const job = scratch(new Uint8Array(28));
      return {
        args: [job, t, scratch(new Float64Array(2))],
        extra: [A, u, SA],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 7).set([n, d, at(A), lda, at(u), m, at(SA)]);
        },
        js: (_, [a, uu, sa]) => countSketchTask({ n, d, A: a as Float64Array, lda, u: uu as Float64Array, m, SA: sa as Float64Array }, t),
      };
    },
  },
  lewisTask: {
    sizes: [0, 1, 2, 3],
    make(t, r, seed) {
      const n = 2 * ROW_TASK_ROWS + 37, d = 1 + (seed % 5), lda = pad(seed, d), p = [1, 1.5, 3, 0.5][seed % 4], alpha = 0.5;
      const A = gen.block(r, n, d, lda), U = upper(r, d), lw = gen.normal(r, n), v = new Float64Array(n), changes = new Float64Array(4);
      const job = scratch(new Uint8Array(48));
      return {
        args: [job, t, scratch(new Float64Array(2 * d))],
        extra: [A, U, lw, v, changes],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 8).set([n, d, at(A), lda, at(U), at(lw), at(v), at(changes)]);
          new Float64Array(memory, at(job) + 32, 2).set([p, alpha]);
        },
        js: (_, [a, u, l, vv, ch]) => lewisTask({
          n, d, A: a as Float64Array, lda, U: u as Float64Array, p, alpha, lw: l as Float64Array, v: vv as Float64Array, changes: ch as Float64Array,
        }, t, new Float64Array(2 * d)),
      };
    },
  },
};

export { jsSensitivityKernels };
