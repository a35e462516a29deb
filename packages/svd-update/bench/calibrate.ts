// Calibrates the constants of `method: "auto"`'s cost model (src/auto.ts,
// COST) on this machine: times `deng` and `zha-simon` row batches and auto's
// in-instance recomputation over a grid of shapes on SpamAssassin, then fits each
// model's constants by nonnegative least squares on relative error and prints
// them with the fit's spread. Not a *.bench.ts (run.mjs skips it):
//   node --import tsx packages/svd-update/bench/calibrate.ts   (ONLY_RECOMPUTE=1: the recomputation part only)
import { Rng, type CsrMatrix } from "@lowrank/linalg";
import { loadSpamAssassin } from "@lowrank/datasets/node";
import { autoCostModel, EvolvingSvd, init } from "../src/index.js";
import { defaultBasisSize } from "@lowrank/linalg/internal";
import { rowSlice } from "./rows.js";

const A = loadSpamAssassin({ weighting: "tfidf", normalize: true, minDocumentFrequency: 3 }).matrix;
await init();

function support(B: CsrMatrix): number {
  return new Set(B.indices).size;
}

/** Nonnegative least squares on relative error: min Σ ((X c)_i / t_i - 1)², c >= 0 (active set by dropping negatives). */
function fit(X: number[][], t: number[]): number[] {
  const nf = X[0].length;
  let active = Array.from({ length: nf }, (_, j) => j);
  for (;;) {
    const a = active.length;
    const N = Array.from({ length: a }, () => new Array(a).fill(0)), b = new Array(a).fill(0);
    for (let i = 0; i < t.length; i++) {
      const w = 1 / (t[i] * t[i]);
      for (let p = 0; p < a; p++) {
        b[p] += w * X[i][active[p]] * t[i];
        for (let q = 0; q < a; q++) N[p][q] += w * X[i][active[p]] * X[i][active[q]];
      }
    }
    // Gaussian elimination (a <= 4).
    for (let p = 0; p < a; p++) {
      for (let r = p + 1; r < a; r++) {
        const f = N[r][p] / N[p][p];
        for (let q = p; q < a; q++) N[r][q] -= f * N[p][q];
        b[r] -= f * b[p];
      }
    }
    const x = new Array(a).fill(0);
    for (let p = a - 1; p >= 0; p--) {
      let v = b[p];
      for (let q = p + 1; q < a; q++) v -= N[p][q] * x[q];
      x[p] = v / N[p][p];
    }
    const neg = x.findIndex((v) => v < 0);
    if (neg < 0) {
      const c = new Array(nf).fill(0);
      active.forEach((j, p) => (c[j] = x[p]));
      return c;
    }
    active = active.filter((_, p) => p !== neg);
  }
}

function report(name: string, names: string[], X: number[][], t: number[]): void {
  if (t.length === 0) return;
  const c = fit(X, t);
  const ratios = X.map((x, i) => x.reduce((s, v, j) => s + v * c[j], 0) / t[i]).sort((a, b) => a - b);
  console.log(`${name}: ${names.map((n, j) => `${n} = ${(c[j] * 1e6).toPrecision(3)} ns`).join(", ")}; predicted / measured ${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)} (median ${ratios[ratios.length >> 1].toFixed(2)}, ${t.length} shapes)`);
}

const startRows = 3000;
const dengX: number[][] = [], dengT: number[] = [], zhaX: number[][] = [], zhaT: number[] = [];
for (const k of [8, 16, 32, 64]) {
  for (const method of ["deng", "zha-simon"] as const) {
    if (process.env.ONLY_RECOMPUTE) break;
    const es = await EvolvingSvd.create(rowSlice(A, 0, startRows), { rank: k, method, seed: 1 });
    let r = startRows;
    for (const s of [1, 3, 10, 30, 100, 300]) {
      const reps = method === "deng" ? Math.max(2, Math.min(12, Math.round(300 / s))) : 2;
      if (r + (reps + 1) * s > A.rows) r = startRows;
      // One untimed batch per shape, then the timed ones.
      es.addRows(rowSlice(A, r, r + s));
      r += s;
      let ms = 0, p = 0;
      for (let i = 0; i < reps; i++) {
        const B = rowSlice(A, r, r + s);
        r += s;
        p += support(B);
        const t0 = performance.now();
        es.addRows(B);
        ms += performance.now() - t0;
      }
      ms /= reps;
      p /= reps;
      const w = k + s, wq = k + Math.min(s, p), m = es.rows, n = es.cols;
      if (method === "deng") {
        dengX.push([p * w * w, wq * wq * w, k * k * k, 1]);
        dengT.push(ms);
      } else {
        zhaX.push([(m + n) * k * w, n * s * s, wq * wq * w, 1]);
        zhaT.push(ms);
      }
      console.error(`${method} k=${k} s=${s} p=${p.toFixed(0)}: ${ms.toFixed(2)} ms`);
    }
  }
}
report("deng", ["dengSupport (p (s+k)²)", "smallSvd ((k+q)² (k+s))", "dengK (k³)", "batch"], dengX, dengT);
report("zha-simon", ["zhaRotate ((m+n) k (k+s))", "zhaQr (n s²)", "smallSvd ((k+q)² (k+s))", "batch"], zhaX, zhaT);

// Recomputations as auto runs them (Lanczos, in the instance, synchronously, on the kept matrix): an "auto"
// EvolvingSvd whose model is made to price both updates out, fed one row.
const tX: number[][] = [], tT: number[] = [];
const saved = { ...autoCostModel };
/** A seeded m x n sparse matrix with about `perRow` entries per row. */
function sparse(m: number, n: number, perRow: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  const indptr = new Int32Array(m + 1), idx: number[] = [], val: number[] = [];
  for (let i = 0; i < m; i++) {
    const seen = new Set<number>();
    while (seen.size < perRow) seen.add(rng.int(n));
    for (const j of [...seen].sort((a, b) => a - b)) {
      idx.push(j);
      val.push(rng.normal());
    }
    indptr[i + 1] = idx.length;
  }
  return { rows: m, cols: n, indptr, indices: Int32Array.from(idx), data: Float64Array.from(val) };
}
// SpamAssassin prefixes (m + n from 25,000 to 30,000) and synthetic matrices (m + n from 1,200 to 12,000), so the
// fixed cost and the (m + n) terms separate.
const mats: [string, CsrMatrix][] = [
  ["spam 1500", rowSlice(A, 0, 1500)], ["spam 3000", rowSlice(A, 0, 3000)], ["spam 6046", A],
  ["synthetic 1000 x 200", sparse(1000, 200, 20, 1)], ["synthetic 4000 x 1000", sparse(4000, 1000, 20, 2)],
  ["synthetic 10000 x 2000", sparse(10000, 2000, 40, 3)],
];
// The machine is shared, so each shape also runs the randomized recomputation, whose constants (tsvd*) were fitted
// on a quiet machine: its predicted / measured ratio scales the Lanczos time to those conditions
// (LOAD_NORMALISE=0 fits the raw times).
const normalise = process.env.LOAD_NORMALISE !== "0";
async function recomputeMs(B: CsrMatrix, k: number, svdMethod: "lanczos" | "randomized"): Promise<number> {
  Object.assign(autoCostModel, saved);
  const rows = B.rows;
  const es = await EvolvingSvd.create(rowSlice(B, 0, rows - 2), { rank: k, method: "auto", seed: 2, svdMethod });
  autoCostModel.dengSupport = autoCostModel.zhaRotate = 1e12;
  es.addRows(rowSlice(B, rows - 2, rows - 1));
  es.addRows(rowSlice(B, rows - 1, rows));
  return es.lastDecision!.ms;
}
for (const [label, B] of mats) {
  for (const k of [4, 8, 16, 24, 32, 64]) {
    const rows = B.rows, nnz = B.indptr[rows], short = Math.min(rows, B.cols);
    const lanczos = await recomputeMs(B, k, "lanczos");
    let scale = 1;
    if (normalise) {
      const randomized = await recomputeMs(B, k, "randomized");
      const l = Math.min(k + 10, short), q = 4, c = saved;
      const predicted = 1e-6 * ((2 * q + 2) * (c.tsvdSparse * nnz * l + (rows + B.cols) * l * (c.tsvdRows + c.tsvdDense * l)) + c.tsvdFixed);
      scale = predicted / randomized;
    }
    // The Lanczos recomputation's terms (src/auto.ts): the default basis size p (capped), the short side, the final factors.
    const p = Math.min(defaultBasisSize(k), short);
    tX.push([nnz * p, short * p * p, (rows + B.cols) * k * k, 1]);
    tT.push(lanczos * scale);
    console.error(`recompute ${label} k=${k}: ${lanczos.toFixed(1)} ms (load scale ${scale.toFixed(2)})`);
  }
}
Object.assign(autoCostModel, saved);
report("recompute (lanczos)", ["lanczosSparse (nnz p)", "lanczosOrth (min(m,n) p²)", "lanczosRows ((m+n) k²)", "lanczosFixed"], tX, tT);
