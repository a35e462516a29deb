// matrix-completion's own kernels for the conformance suite (see
// kernel-table-linalg.ts). The sketched solve's buffers follow the layout of
// src/robust-altmin.ts, each cut to what one block of rows touches;
// sketchedStep starts from the state the twin's sketchedPrepare leaves.
import { jsCompletionKernels } from "../../../packages/matrix-completion/src/kernels/index.js";
import { bpmfSlotSize } from "../../../packages/matrix-completion/src/kernels/bpmf.js";
import {
  ALS_JOB_BYTES, alsHalfStepTask, BPMF_JOB_BYTES, bpmfHalfStepTask, SKETCH_JOB_BYTES, sketchedPrepareTask, sketchedStepTask, SSE_JOB_BYTES, squaredErrorTask,
} from "../../../packages/matrix-completion/src/kernels/tasks.js";
import { gen, scratch, type Rng } from "./kernel-harness.js";
import type { Entry } from "./kernel-table-linalg.js";

const C = jsCompletionKernels;
const CHUNK = 64;

/** n positive weights in [0.2, 3.2) (BPMF's per-row noise precisions). */
const weights = (r: Rng, n: number) => gen.uniform(r, n).map((u) => 0.2 + 3 * u);

/** The weighted design rows the eight-wide half-step reads (bpmfWeightRows), or null when it reads none. */
function weightedRows(m: number, k: number, fitBias: number, F: Float64Array, ow: Float64Array | null): Float64Array | null {
  if (!ow || k + fitBias !== 8) return null;
  const Fw = new Float64Array(8 * m);
  C.bpmfWeightRows(m, k, fitBias === 1, F, ow, Fw);
  return Fw;
}

/** n rows of observations over m columns (CSR, sorted), about `density` of them. */
function observed(rng: Rng, n: number, m: number, density: number) {
  const A = gen.csr(rng, n, m, density);
  return { ptr: A.indptr, idx: A.indices, vals: A.data };
}

/** Inputs of one block of the sketched half-step: rows i0 .. i0 + nb of n, rank k, s sketch rows. */
function block(r: Rng, nb: number, seed: number, k: number) {
  const kp = (k + 1) & ~1, s = 2 * k + 1, m = 24, i0 = seed & 1, n = i0 + nb;
  const srht = seed & 2 ? 1 : 0;
  // Row i0 of a block of several has too few observations for the sketch: left to the exact solve (status 0).
  const ptr = new Int32Array(n + 1), cols: number[] = [];
  for (let i = 0; i < n; i++) {
    const density = nb > 1 && i === i0 ? 0.08 : 0.6;
    for (let j = 0; j < m; j++) if (r.uniform() < density) cols.push(j);
    ptr[i + 1] = cols.length;
  }
  const idx = Int32Array.from(cols), vals = gen.normal(r, cols.length);
  let maxCount = 1;
  for (let i = i0; i < n; i++) maxCount = Math.max(maxCount, ptr[i + 1] - ptr[i]);
  let P = 1;
  while (P < maxCount) P *= 2;
  const F = gen.normal(r, m * k), X = gen.normal(r, n * k), T = new Int32Array(m);
  C.sketchTable(m, k, s, seed, T);
  const design = (ptr[n] - ptr[i0]) * kp;
  return { k, kp, s, m, i0, n, nb, srht, ptr, idx, vals, F, X, T, design, H: srht ? P * kp : 0 };
}

export const COMPLETION: Record<string, Entry> = {
  alsHalfStep: {
    // weighted on odd seeds, fitBias on seeds 2 and 3; k = 0 with fitBias (biases alone) on seed 3, n = 1.
    make(n, r, seed) {
      const m = n + 4, k = seed === 3 && n === 1 ? 0 : 1 + (n % 4), { ptr, idx, vals } = observed(r, n, m, 0.5);
      const weighted = seed & 1, fitBias = seed === 2 || seed === 3 ? 1 : 0;
      return {
        args: [n, k, ptr, idx, vals, gen.normal(r, m * k), gen.normal(r, m), gen.normal(r, n * k), gen.normal(r, n), 0.3, 0.1, 0.05, weighted, fitBias,
          scratch(new Float64Array((k + 1) * (k + 1) + k + 1))],
        js: (a) => C.alsHalfStep(...(a.slice(0, 12) as [number, number, Int32Array, Int32Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, number, number, number]),
          weighted === 1, fitBias === 1, a[14] as Float64Array),
      };
    },
  },
  bpmfHalfStep: {
    // fitBias on odd seeds; a prior precision that is positive definite (n + 4 columns of about half density). Seed 3
    // takes k = 7 with the bias: the eight-wide rows' path (assembly/bpmf-rows8.ts). Seeds 2 and 3 weight the
    // observations (ow, rs) and ask for the rows' weighted errors; seed 1 asks for the errors unweighted.
    make(n, r, seed) {
      const m = n + 4, k = seed === 3 ? 7 : 1 + (seed % 4), fitBias = seed & 1, d = k + fitBias, { ptr, idx, vals } = observed(r, n, m, 0.5);
      const weighted = seed >= 2, ow = weighted ? weights(r, m) : null, rs = weighted ? weights(r, n) : null;
      const errs = seed >= 1 ? new Float64Array(2 * n) : null, F = gen.normal(r, m * k);
      return {
        args: [n, k, ptr, idx, vals, F, gen.normal(r, m), gen.normal(r, n * k), gen.normal(r, n), 0.3, 1.7, gen.spd(r, d, d),
          gen.normal(r, d), fitBias, gen.normal(r, n * d), new Float64Array(n * k), new Float64Array(n), scratch(new Float64Array(bpmfSlotSize(k, fitBias === 1))),
          ow, rs, errs, weightedRows(m, k, fitBias, F, ow)],
        js: (a) => C.bpmfHalfStep(...(a.slice(0, 13) as [number, number, Int32Array, Int32Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, number, number, Float64Array, Float64Array]),
          fitBias === 1, a[14] as Float64Array, a[15] as Float64Array, a[16] as Float64Array, a[17] as Float64Array,
          a[18] as Float64Array | null, a[19] as Float64Array | null, a[20] as Float64Array | null, null),
      };
    },
  },
  bpmfHalfStepScored: {
    // bpmfHalfStep's cases (seed 3: the eight-wide rows and the k = 7 scoring path) with the fused scoring pass: acc
    // starts from values (a sum of earlier sweeps), div 3; the rows' sums are compared too. Seeds 2 and 3 weighted, and
    // their average taken against another side's factors and biases (Fs, sb).
    make(n, r, seed) {
      const m = n + 4, k = seed === 3 ? 7 : 1 + (seed % 4), fitBias = seed & 1, d = k + fitBias, { ptr, idx, vals } = observed(r, n, m, 0.5);
      const F = gen.normal(r, m * k), ow = seed >= 2 ? weights(r, m) : null;
      return {
        args: [n, k, ptr, idx, vals, F, gen.normal(r, m), gen.normal(r, n * k), gen.normal(r, n), 0.3, 1.7, gen.spd(r, d, d),
          gen.normal(r, d), fitBias, gen.normal(r, n * d), new Float64Array(n * k), new Float64Array(n), scratch(new Float64Array(bpmfSlotSize(k, fitBias === 1))),
          gen.normal(r, ptr[n]), 3, new Float64Array(2 * n), ow, seed >= 2 ? weights(r, n) : null, weightedRows(m, k, fitBias, F, ow),
          seed >= 2 ? gen.normal(r, m * k) : null, seed >= 2 ? gen.normal(r, m) : null],
        js: (a) => C.bpmfHalfStepScored(...(a.slice(0, 13) as [number, number, Int32Array, Int32Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, number, number, Float64Array, Float64Array]),
          fitBias === 1, a[14] as Float64Array, a[15] as Float64Array, a[16] as Float64Array, a[17] as Float64Array, a[18] as Float64Array, 3, a[20] as Float64Array,
          a[21] as Float64Array | null, a[22] as Float64Array | null, null, a[24] as Float64Array | null, a[25] as Float64Array | null),
      };
    },
  },
  bpmfWeightRows: {
    // k = 7 with the bias (odd seeds) or 8 without.
    make(m, r, seed) {
      const k = seed & 1 ? 7 : 8;
      return { args: [m, k, seed & 1, gen.normal(r, m * k), weights(r, m), new Float64Array(8 * m)] };
    },
  },
  bpmfGammas: {
    // Rows of 0 to 2n observations and the generator's state (compared too: it must advance alike).
    make(n, r) {
      const ptr = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) ptr[i + 1] = ptr[i] + r.int(2 * n + 1);
      return { args: [n, ptr, 20, new Float64Array(n), Int32Array.from({ length: 4 }, () => r.int(4294967296) | 0)] };
    },
  },
  bpmfScaleRows: {
    // Gamma draws, each row's weighted error, and the scales and their roots written.
    make(n, r) {
      const G = weights(r, n), err = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) err[2 * i] = 40 * r.uniform();
      return { args: [n, G, err, 1.3, 20, new Float64Array(n), new Float64Array(n)] };
    },
  },
  bpmfNormals: {
    // The generator's state (four 32-bit words) is compared too: it must advance alike.
    make: (n, r) => ({ args: [n, new Float64Array(n), Int32Array.from({ length: 4 }, () => r.int(4294967296) | 0)] }),
  },
  bpmfPrior: {
    // One side's draw of dimension d from N rows: G = Σ x xᵀ (both triangles, as gemm leaves it), s = [Σ x, scratch],
    // the Bartlett factor's lower triangle in Lam (chi-like positive diagonal, normals below), normals in h0.
    sizes: [1, 2, 5, 8, 9],
    make(d, r, seed) {
      const N = 1 + 13 * seed, X = gen.normal(r, N * d), G = new Float64Array(d * d), s = new Float64Array(2 * d);
      for (let q = 0; q < N; q++) {
        for (let a = 0; a < d; a++) {
          s[a] += X[q * d + a];
          for (let b = 0; b < d; b++) G[a * d + b] += X[q * d + a] * X[q * d + b];
        }
      }
      const Lam = gen.normal(r, d * d);
      for (let a = 0; a < d; a++) Lam[a * d + a] = Math.sqrt(d + N - a) + 0.5 * Math.abs(Lam[a * d + a]);
      return { args: [d, N, G, s, Lam, gen.normal(r, d)] };
    },
  },
  bpmfAccumulate: {
    make(nnz, r, seed) {
      const k = 1 + (seed % 4), rows = 5, cols = 6;
      const ri = Int32Array.from({ length: nnz }, () => r.int(rows)), ci = Int32Array.from({ length: nnz }, () => r.int(cols));
      return { args: [nnz, k, ri, ci, gen.normal(r, nnz), gen.normal(r, rows * k), gen.normal(r, cols * k), gen.normal(r, rows), gen.normal(r, cols), gen.normal(r, nnz)] };
    },
  },
  sketchTable: {
    make: (m, r, seed) => ({ args: [m, 1 + (seed % 4), 3 + seed, 1000 + 77 * seed, new Int32Array(m)] }),
  },
  sketchedPrepare: {
    sizes: [1, 3, 6],
    make(nb, r, seed) {
      const b = block(r, nb, seed, 1 + (seed % 4)), { k, kp, s } = b;
      return {
        args: [b.i0, nb, k, b.ptr, b.idx, b.vals, b.F, b.X, s, seed, b.srht, b.T, new Float64Array(b.design), new Float64Array(s * kp),
          new Float64Array(b.H), new Float64Array(nb * k * k), new Float64Array(nb * kp), new Float64Array(nb * kp), new Float64Array(nb * kp),
          new Float64Array(nb), new Float64Array(nb), new Float64Array(nb), scratch(new Float64Array(2 * CHUNK + kp))],
      };
    },
  },
  sketchedStep: {
    sizes: [1, 3, 6],
    make(nb, r, seed) {
      // k >= 2: with k = 1 one step solves the row and g is left at rounding level, where relaxed-simd differs wholly.
      const b = block(r, nb, seed, 2 + (seed % 3)), { k, kp, s } = b;
      const D = new Float64Array(b.design), L = new Float64Array(nb * k * k), g = new Float64Array(nb * kp), z = new Float64Array(nb * kp);
      const p = new Float64Array(nb * kp), gamma = new Float64Array(nb), status = new Float64Array(nb);
      C.sketchedPrepare(b.i0, nb, k, b.ptr, b.idx, b.vals, b.F, b.X, s, seed, b.srht, b.T, D, new Float64Array(s * kp), new Float64Array(b.H),
        L, g, z, p, gamma, status, new Float64Array(nb), new Float64Array(2 * CHUNK + kp));
      return {
        args: [b.i0, nb, k, b.ptr, D, b.X, L, g, z, p, new Float64Array(nb * kp), gamma, new Float64Array(nb), status, scratch(new Float64Array(2 * CHUNK + kp))],
      };
    },
  },
  alsHalfStepTask: {
    // One block of 16 rows of the parallel half-step (40 rows: two full blocks and one of 8); the job block holds the pointers.
    sizes: [0, 1, 2],
    make(t, r, seed) {
      const n = 40, m = 20, k = 1 + (seed % 4), weighted = seed & 1, fitBias = seed & 2 ? 1 : 0, { ptr, idx, vals } = observed(r, n, m, 0.5);
      const F = gen.normal(r, m * k), ob = gen.normal(r, m), X = gen.normal(r, n * k), bias = gen.normal(r, n);
      const work = scratch(new Float64Array((k + 1) * (k + 1) + k + 1));
      const job = scratch(new Uint8Array(ALS_JOB_BYTES));
      return {
        args: [job, t, scratch(new Uint8Array(16))],
        extra: [ptr, idx, vals, F, ob, X, bias, work],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 17).set([n, k, at(ptr), at(idx), at(vals), at(F), at(ob), at(X), at(bias), weighted, fitBias, at(work), work.length * 8, 1, 7, 0, 0]);
          new Float64Array(memory, at(job) + 72, 3).set([0.3, 0.1, 0.05]);
        },
        js: (_, [p, i, v, f, o, x, b, w]) => {
          alsHalfStepTask({
            n, k, ptr: p as Int32Array, idx: i as Int32Array, vals: v as Float64Array, F: f as Float64Array, otherBias: o as Float64Array,
            X: x as Float64Array, ownBias: b as Float64Array, mu: 0.3, lambda: 0.1, lambdaBias: 0.05, weighted: weighted === 1, fitBias: fitBias === 1,
            work: w as Float64Array,
          }, t);
        },
      };
    },
  },
  bpmfHalfStepTask: {
    // One block of 16 rows of the parallel Gibbs half-step (40 rows: two full blocks and one of 8); seeds 2 and up also
    // score the block's rows (the fused scoring pass: acc, div 3, the rows' sums).
    sizes: [0, 1, 2],
    make(t, r, seed) {
      const n = 40, m = 20, k = 1 + (seed % 4), fitBias = seed & 1, d = k + fitBias, { ptr, idx, vals } = observed(r, n, m, 0.5);
      const F = gen.normal(r, m * k), ob = gen.normal(r, m), X = gen.normal(r, n * k), bias = gen.normal(r, n);
      const Lam = gen.spd(r, d, d), h0 = gen.normal(r, d), z = gen.normal(r, n * d), M = new Float64Array(n * k), mb = new Float64Array(n);
      const work = scratch(new Float64Array(bpmfSlotSize(k, fitBias === 1)));
      const scored = seed >= 2, acc = gen.normal(r, ptr[n]), sums = new Float64Array(2 * n);
      const job = scratch(new Uint8Array(BPMF_JOB_BYTES));
      return {
        args: [job, t, scratch(new Uint8Array(16))],
        extra: [ptr, idx, vals, F, ob, X, bias, Lam, h0, z, M, mb, work, acc, sums],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 21).set([n, k, at(ptr), at(idx), at(vals), at(F), at(ob), at(X), at(bias), at(Lam), at(h0), fitBias, at(z),
            at(work), work.length * 8, 1, 7, 0, 0, at(M), at(mb)]);
          new Float64Array(memory, at(job) + 88, 2).set([0.3, 1.7]);
          new Int32Array(memory, at(job) + 104, 2).set(scored ? [at(acc), at(sums)] : [0, 0]);
          new Float64Array(memory, at(job) + 112, 1)[0] = 3;
        },
        js: (_, [p, i, v, f, o, x, b, l, h, zz, mm, mbb, w, a, su]) => {
          bpmfHalfStepTask({
            n, k, ptr: p as Int32Array, idx: i as Int32Array, vals: v as Float64Array, F: f as Float64Array, otherBias: o as Float64Array,
            X: x as Float64Array, ownBias: b as Float64Array, mu: 0.3, alpha: 1.7, Lam: l as Float64Array, h0: h as Float64Array, fitBias: fitBias === 1,
            z: zz as Float64Array, M: mm as Float64Array, meanBias: mbb as Float64Array, work: w as Float64Array,
            score: scored ? { acc: a as Float64Array, div: 3, sums: su as Float64Array } : undefined,
          }, t);
        },
      };
    },
  },
  sketchedPrepareTask: {
    // One piece (4 rows) of sketchedPrepare on a block of 6 rows: piece 0 (4 rows) or 1 (2 rows).
    sizes: [0, 1],
    make(t, r, seed) {
      const b = block(r, 6, seed, 1 + (seed % 4)), { k, kp, s, nb } = b;
      const D = new Float64Array(b.design), SD = scratch(new Float64Array(s * kp)), H = scratch(new Float64Array(b.H)), buf = scratch(new Float64Array(2 * CHUNK + kp));
      const L = new Float64Array(nb * k * k), g = new Float64Array(nb * kp), z = new Float64Array(nb * kp), p = new Float64Array(nb * kp);
      const gamma = new Float64Array(nb), status = new Float64Array(nb), rr = new Float64Array(nb), job = scratch(new Uint8Array(SKETCH_JOB_BYTES));
      return {
        args: [job, t, scratch(new Uint8Array(16))],
        extra: [b.ptr, b.idx, b.vals, b.F, b.X, b.T, D, SD, H, L, g, z, p, gamma, status, buf, rr],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 32).set([b.i0, nb, k, at(b.ptr), at(b.idx), at(b.vals), at(b.F), at(b.X), s, seed, b.srht, at(b.T), at(D), at(SD),
            at(H), at(L), at(g), at(z), at(p), at(gamma), at(status), at(buf), 0, 0, 0, SD.length * 8, H.length * 8, buf.length * 8, 1, 7, 0, at(rr)]);
        },
        js: (_, e) => sketchedPrepareTask({
          i0: b.i0, nb, k, ptr: e[0] as Int32Array, idx: e[1] as Int32Array, vals: e[2] as Float64Array, F: e[3] as Float64Array, X: e[4] as Float64Array,
          s, seed, srht: b.srht, T: e[5] as Int32Array, D: e[6] as Float64Array, SD: e[7] as Float64Array, H: e[8] as Float64Array, L: e[9] as Float64Array,
          g: e[10] as Float64Array, z: e[11] as Float64Array, p: e[12] as Float64Array, gamma: e[13] as Float64Array, status: e[14] as Float64Array,
          buf: e[15] as Float64Array, w: new Float64Array(0), qq: new Float64Array(0), active: new Float64Array(0), rr: e[16] as Float64Array,
        }, t),
      };
    },
  },
  sketchedStepTask: {
    // One piece of sketchedStep on a block of 6 rows, from the state the twin's sketchedPrepare leaves (as for sketchedStep).
    sizes: [0, 1],
    make(t, r, seed) {
      const b = block(r, 6, seed, 2 + (seed % 3)), { k, kp, s, nb } = b;
      const D = new Float64Array(b.design), L = new Float64Array(nb * k * k), g = new Float64Array(nb * kp), z = new Float64Array(nb * kp);
      const p = new Float64Array(nb * kp), gamma = new Float64Array(nb), status = new Float64Array(nb);
      C.sketchedPrepare(b.i0, nb, k, b.ptr, b.idx, b.vals, b.F, b.X, s, seed, b.srht, b.T, D, new Float64Array(s * kp), new Float64Array(b.H),
        L, g, z, p, gamma, status, new Float64Array(nb), new Float64Array(2 * CHUNK + kp));
      const w = new Float64Array(nb * kp), qq = new Float64Array(nb), buf = scratch(new Float64Array(2 * CHUNK + kp)), job = scratch(new Uint8Array(SKETCH_JOB_BYTES));
      return {
        args: [job, t, scratch(new Uint8Array(16))],
        extra: [b.ptr, D, b.X, L, g, z, p, w, gamma, qq, status, buf],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 31).set([b.i0, nb, k, at(b.ptr), 0, 0, 0, at(b.X), 0, 0, 0, 0, at(D), 0, 0, at(L), at(g), at(z), at(p), at(gamma),
            0, at(buf), at(w), at(qq), at(status), 0, 0, buf.length * 8, 1, 7, 0]);
        },
        js: (_, e) => sketchedStepTask({
          i0: b.i0, nb, k, ptr: e[0] as Int32Array, idx: new Int32Array(0), vals: new Float64Array(0), F: new Float64Array(0), X: e[2] as Float64Array,
          s, seed, srht: b.srht, T: new Int32Array(0), D: e[1] as Float64Array, SD: new Float64Array(0), H: new Float64Array(0), L: e[3] as Float64Array,
          g: e[4] as Float64Array, z: e[5] as Float64Array, p: e[6] as Float64Array, w: e[7] as Float64Array, gamma: e[8] as Float64Array,
          qq: e[9] as Float64Array, active: e[10] as Float64Array, status: new Float64Array(0), buf: e[11] as Float64Array, rr: new Float64Array(0),
        }, t),
      };
    },
  },
  squaredErrorTask: {
    // One chunk of the parallel loss pass (2 · 8192 + 100 positions: two full chunks and a short one).
    sizes: [0, 1, 2],
    make(t, r, seed) {
      const nnz = 2 * 8192 + 100, k = 1 + (seed % 4), rows = 5, cols = 6, mu = 0.2, lo = seed & 1 ? -1 : -Infinity, hi = seed & 1 ? 1 : Infinity;
      const ri = Int32Array.from({ length: nnz }, () => r.int(rows)), ci = Int32Array.from({ length: nnz }, () => r.int(cols));
      const vals = gen.normal(r, nnz), U = gen.normal(r, rows * k), V = gen.normal(r, cols * k), rb = gen.normal(r, rows), cb = gen.normal(r, cols);
      const partials = new Float64Array(3), job = scratch(new Uint8Array(SSE_JOB_BYTES));
      return {
        args: [job, t, scratch(new Uint8Array(16))],
        extra: [ri, ci, vals, U, V, rb, cb, partials],
        prepare(at, memory) {
          new Int32Array(memory, at(job), 10).set([nnz, k, at(ri), at(ci), at(vals), at(U), at(V), at(rb), at(cb), at(partials)]);
          new Float64Array(memory, at(job) + 40, 3).set([mu, lo, hi]);
        },
        js: (_, [a, b, c, u, v, x, y, pt]) => squaredErrorTask({
          nnz, k, rowIdx: a as Int32Array, colIdx: b as Int32Array, vals: c as Float64Array, U: u as Float64Array, V: v as Float64Array,
          rowBias: x as Float64Array, colBias: y as Float64Array, mu, lo, hi, partials: pt as Float64Array,
        }, t),
      };
    },
  },
  squaredError: {
    make(nnz, r, seed) {
      const k = 1 + (seed % 4), rows = 5, cols = 6;
      const ri = Int32Array.from({ length: nnz }, () => r.int(rows)), ci = Int32Array.from({ length: nnz }, () => r.int(cols));
      return {
        args: [nnz, k, ri, ci, gen.normal(r, nnz), gen.normal(r, rows * k), gen.normal(r, cols * k), gen.normal(r, rows), gen.normal(r, cols), 0.2,
          seed & 1 ? -1 : -Infinity, seed & 1 ? 1 : Infinity],
      };
    },
  },
};

export { jsCompletionKernels };
