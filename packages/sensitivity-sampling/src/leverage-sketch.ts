// The sketch sizes of leverageScores (the SRHT's, the Gaussian projections'
// and their bounds) and the SRHT pass itself. Public entry: leverage.ts.
import { opt, type DenseMatrix, type Rng } from "@lowrank/linalg";
import { JsWorkspace, type Workspace } from "@lowrank/linalg/internal";
import type { SensitivityKernels } from "./kernels/index.js";
import { readInt } from "./validate.js";

/**
 * Default Gaussian columns k of the sketched scores: ⌈ln n⌉ when that is
 * below d/2 (where ndk beats the nd²/2 of the triangular R⁻¹), else 0 (R⁻¹
 * applied exactly).
 */
export function defaultProjections(n: number, d: number): number {
  const k = Math.ceil(Math.log(n));
  return 2 * k < d ? k : 0;
}

/**
 * The factor the Gaussian projection adds: with k columns each τ̃_i is the
 * unprojected estimate times an independent χ²_k / k variable X_i, and by the
 * Chernoff bound P(X ≤ t), P(X ≥ 1/t') ≤ (t e^(1-t))^(k/2), so with
 * probability at least 1 - delta every one of the n rows has X_i in the
 * returned [lo, hi] (each side gets delta / (2n)). k = 0 gives [1, 1]. O(1).
 *
 * @example
 * projectionBounds(1e6, 14); // about [0.025, 5.4]
 */
export function projectionBounds(n: number, k: number, delta = 0.01): [number, number] {
  readInt(n, "projectionBounds: n", 1, Number.MAX_SAFE_INTEGER);
  readInt(k, "projectionBounds: k", 0);
  opt.number({ above: 0, below: 1 })(delta, "projectionBounds: delta");
  if (k === 0) return [1, 1];
  // Solve (k/2)(ln t + 1 - t) = ln(delta / 2n) on each side of 1 by bisection (the logarithm split when the ratio underflows).
  const ratio = delta / (2 * n);
  const target = (ratio >= 2 ** -1000 ? Math.log(ratio) : Math.log(delta) - Math.log(2 * n)) / (k / 2);
  const f = (t: number) => Math.log(t) + 1 - t - target;
  let a = 1e-300, b = 1;
  for (let it = 0; it < 200; it++) {
    const c = Math.sqrt(a * b);
    if (f(c) < 0) a = c; else b = c;
  }
  const lo = a;
  a = 1;
  b = 2;
  while (f(b) > 0) b *= 2;
  for (let it = 0; it < 200; it++) {
    const c = 0.5 * (a + b);
    if (f(c) > 0) a = c; else b = c;
  }
  return [lo, b];
}

/** Tropp's SRHT size for a subspace embedding of a d-dimensional subspace of R^n (see leverageScores). */
export function srhtSize(n: number, d: number): number {
  readInt(n, "srhtSize: n", 1);
  readInt(d, "srhtSize: d", 1);
  const np = nextPow2(n);
  const m = Math.ceil(4 * (Math.sqrt(d) + Math.sqrt(8 * Math.log(d * np))) ** 2 * Math.log(Math.max(d, 3)));
  return Math.min(np, Math.max(m, 2 * d));
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Columns per SRHT pass: one 64-byte cache line of each row of A. */
export const SRHT_GROUP = 8;

/** The SRHT's arrays, taken once per run: A where the kernel reads it, the signs, the rows sampled, the transform buffer. */
export interface SrhtScratch {
  a: Float64Array;
  sign: Float64Array;
  idx: Int32Array;
  T: Float64Array;
  /** Puts (a scaled copy of) A where the kernel reads it. */
  load(A: DenseMatrix): void;
}

export function srhtScratch(ws: Workspace<SensitivityKernels>, A: DenseMatrix, m: number): SrhtScratch {
  const sc: SrhtScratch = {
    a: ws.input(A.data), sign: ws.f64(A.rows), idx: ws.i32(m), T: ws.f64(nextPow2(A.rows) * SRHT_GROUP),
    load(B) {
      if (ws instanceof JsWorkspace) sc.a = B.data;
      else sc.a.set(B.data);
    },
  };
  return sc;
}

/**
 * SA (m x d) = sqrt(np/m) R_S H D A for the SRHT: D random signs, H the
 * Walsh-Hadamard transform of order np = 2^⌈log2 n⌉ (A zero-padded), R_S m of
 * its np rows uniformly without replacement (Floyd's algorithm), sorted.
 * A is transformed SRHT_GROUP columns at a time in an np x 8 buffer.
 */
export function srhtSketch(ws: Workspace<SensitivityKernels>, A: DenseMatrix, m: number, rng: Rng, SA: Float64Array, sc: SrhtScratch): void {
  const n = A.rows, d = A.cols, np = nextPow2(n);
  const K = ws.kernels;
  const { a, sign, idx, T } = sc;
  K.rngFill(rng, sign, false);
  for (let i = 0; i < n; i++) sign[i] = sign[i] < 0.5 ? -1 : 1;
  const chosen = new Set<number>();
  for (let j = np - m; j < np; j++) {
    const t = Math.min(j, Math.floor(rng.uniform() * (j + 1)));
    chosen.add(chosen.has(t) ? j : t);
  }
  idx.set(Int32Array.from(chosen).sort());
  const ldt = SRHT_GROUP;
  // H is unnormalised (HᵀH = np I): sqrt(np/m) R_S H/√np D = R_S H D / √m.
  const scale = 1 / Math.sqrt(m);
  for (let j0 = 0; j0 < d; j0 += SRHT_GROUP) {
    K.srhtColumns(n, a, d, j0, Math.min(SRHT_GROUP, d - j0), sign, np, T, ldt, m, idx, scale, SA, d);
  }
}
