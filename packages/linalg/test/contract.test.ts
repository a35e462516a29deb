// The contract of every public entry point of @lowrank/linalg, checked by
// seeded property-based runs on both backends: valid inputs give results that
// match their definition, invalid inputs of every kind give a LowrankError
// with a sensible code and never another exception, non-finite output or
// hang (docs/ARCHITECTURE.md, "The contract").
import {
  abortedSignal, arbMatrix, BAD_NUMBERS, badMatrices, expectContract, expectFinite, expectRefused, fc, fcParams, outcome, WRONG_TYPES,
  type Code,
} from "@lowrank/test-utils/contract";
import { randn } from "@lowrank/test-utils";
import { Matrix } from "ml-matrix";
import ndarray from "ndarray";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axpy, cholesky, dot, eigh, eighAsync, gemm, gemv, init, isCsr, lstsq, qr, readMatrixMarket, Rng, solveTriangular, spmm, spmmT, svd, svdAsync, writeMatrixMarket, type CsrMatrix, type DenseMatrix } from "../src/index.js";
import { completeColumns, createWorkspace, linalgWasm } from "../src/internal.js";

const BACKENDS = ["wasm", "js"] as const;

/** A short description of any value (String() throws on some objects). */
function show(v: unknown): string {
  try {
    return typeof v === "symbol" ? v.toString() : String(v).slice(0, 40);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
const INPUT_CODES: Code[] = ["INVALID_ARGUMENT", "SHAPE", "EMPTY", "NON_FINITE", "TOO_LARGE", "INDEX"];
/** Codes a valid but extreme input may end with: its result is not representable. */
const UNREPRESENTABLE: Code[] = ["NON_FINITE", "TOO_LARGE"];

/** Every case run, for the report at the end. */
let cases = 0;
/** CONTRACT_SCALE=10 multiplies every property's runs (a longer local fuzz; the default keeps the suite short). */
const SCALE = Number(process.env.CONTRACT_SCALE ?? 1);
const runs = (n: number) => fcParams(Math.round(n * SCALE), Number(process.env.CONTRACT_SEED ?? 20261206));
const started = performance.now();

async function refused(fn: () => unknown, codes: readonly Code[], what: string): Promise<void> {
  cases++;
  await expectRefused(fn, codes, what);
}

async function contract<T>(fn: () => T | Promise<T>, what: string, check?: (v: Awaited<T>) => void, allowed: readonly Code[] = UNREPRESENTABLE) {
  cases++;
  const o = await expectContract(fn, what, check);
  if (!o.ok) expect(allowed, `${what}: ${o.message}`).toContain(o.code);
  return o;
}

// ---- definitions the results are checked against -------------------------------------------

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/** 2^-e scaling so that the largest entry is in [0.5, 1). */
function exponent(mx: number): number {
  return mx === 0 ? 0 : Math.floor(Math.log2(mx)) + 1;
}

function scaled(x: ArrayLike<number>, e: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = pow2Times(x[i], -e);
  return out;
}

function op(A: DenseMatrix, t: boolean): DenseMatrix {
  if (!t) return A;
  const d = new Float64Array(A.data.length);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) d[j * A.rows + i] = A.data[i * A.cols + j];
  return { rows: A.cols, cols: A.rows, data: d };
}

/** Textbook product and its absolute-value product. */
function naive(A: DenseMatrix, B: DenseMatrix): { P: Float64Array; S: Float64Array } {
  const P = new Float64Array(A.rows * B.cols), S = new Float64Array(A.rows * B.cols);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < B.cols; j++) {
      let p = 0, s = 0;
      for (let q = 0; q < A.cols; q++) {
        const v = A.data[i * A.cols + q] * B.data[q * B.cols + j];
        p += v;
        s += Math.abs(v);
      }
      P[i * B.cols + j] = p;
      S[i * B.cols + j] = s;
    }
  }
  return { P, S };
}

/** x 2^e for any e (split so that 2^e itself never overflows or underflows). */
function pow2Times(x: number, e: number): number {
  let v = x;
  while (e > 1000) { v *= 2 ** 1000; e -= 1000; }
  while (e < -1000) { v *= 2 ** -1000; e += 1000; }
  return v * 2 ** e;
}

/**
 * Checks C = alpha op(A) op(B) entrywise against the product computed on
 * power-of-two-scaled copies (so that huge entries do not overflow the
 * reference): |C - exact| <= 1e-12 |alpha| (|A||B|) + a few subnormals.
 * Entries whose exact value is beyond the double range are not compared.
 */
function checkProduct(C: DenseMatrix, A: DenseMatrix, B: DenseMatrix, alpha: number, what: string): void {
  const ea = exponent(maxAbs(A.data)), eb = exponent(maxAbs(B.data));
  const { P, S } = naive({ ...A, data: scaled(A.data, ea) }, { ...B, data: scaled(B.data, eb) });
  // Where no product overflows, the plain product is the reference (scaling the whole matrix would flush small rows to zero).
  const plain = naive(A, B);
  expect(C.rows).toBe(A.rows);
  expect(C.cols).toBe(B.cols);
  for (let i = 0; i < P.length; i++) {
    if (Number.isFinite(plain.S[i]) && Number.isFinite(alpha * plain.S[i])) {
      // The reference's own products may be subnormal (rounded to 2^-1074), then scaled by alpha.
      const tol = 1e-12 * plain.S[i] * Math.abs(alpha) + 1e-15 * Math.abs(alpha * plain.P[i]) + (A.cols + 2) * 4 * 2 ** -1074 * Math.max(1, Math.abs(alpha));
      if (!(Math.abs(C.data[i] - alpha * plain.P[i]) <= tol)) {
        throw new Error(`${what}: entry ${i} is ${C.data[i]}, the product is ${alpha * plain.P[i]} (tolerance ${tol})`);
      }
      continue;
    }
    const eal = exponent(Math.abs(alpha));
    const want = pow2Times(pow2Times(alpha, -eal) * P[i], ea + eb + eal);
    if (!Number.isFinite(want)) continue;
    const tol = pow2Times(1e-12 * S[i] * Math.abs(pow2Times(alpha, -eal)), ea + eb + eal) + 1e-15 * Math.abs(want) + (A.cols + 2) * 4 * 2 ** -1074;
    if (!(Math.abs(C.data[i] - want) <= tol)) {
      throw new Error(`${what}: entry ${i} is ${C.data[i]}, the product is ${want} (tolerance ${tol})`);
    }
  }
}

function frob(x: ArrayLike<number>): number {
  const m = maxAbs(x);
  if (m === 0) return 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] / m) ** 2;
  return m * Math.sqrt(s);
}

/** ||QᵀQ - I||_max for the columns of Q. */
function orthoError(Q: DenseMatrix): number {
  let err = 0;
  for (let a = 0; a < Q.cols; a++) {
    for (let b = a; b < Q.cols; b++) {
      let s = 0;
      for (let i = 0; i < Q.rows; i++) s += Q.data[i * Q.cols + a] * Q.data[i * Q.cols + b];
      err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return err;
}

/** A as the plain shape, scaled to max |entry| in [0.5, 1). */
function unit(A: DenseMatrix): { A: DenseMatrix; e: number } {
  const e = exponent(maxAbs(A.data));
  return { A: { ...A, data: scaled(A.data, e) }, e };
}

/** Well-scaled matrices (entries in [-10, 10], a few exact zeros) for the factorisations' accuracy checks. */
function arbTame(maxRows = 7, maxCols = 7): fc.Arbitrary<DenseMatrix> {
  return fc.record({ rows: fc.integer({ min: 1, max: maxRows }), cols: fc.integer({ min: 1, max: maxCols }) }).chain(({ rows, cols }) =>
    fc.array(fc.oneof({ weight: 8, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }).map((v) => (Math.abs(v) < 1e-300 ? 0 : v)) }, { weight: 1, arbitrary: fc.constant(0) }), {
      minLength: rows * cols, maxLength: rows * cols,
    }).map((a) => ({ rows, cols, data: Float64Array.from(a) })));
}

function arbCsr(maxRows = 6, maxCols = 6): fc.Arbitrary<CsrMatrix> {
  return fc.record({ rows: fc.integer({ min: 1, max: maxRows }), cols: fc.integer({ min: 1, max: maxCols }), seed: fc.integer() }).map(({ rows, cols, seed }) => {
    const rng = new Rng(seed);
    const indptr = new Int32Array(rows + 1), indices: number[] = [], data: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (rng.uniform() < 0.4) {
          indices.push(j);
          data.push(rng.normal() * 10 ** rng.int(7));
        }
      }
      indptr[i + 1] = indices.length;
    }
    return { rows, cols, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
  });
}

function csrToDense(A: CsrMatrix): DenseMatrix {
  const d = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) d[i * A.cols + A.indices[q]] += A.data[q];
  return { rows: A.rows, cols: A.cols, data: d };
}

function wasmBytes(): number {
  return linalgWasm.shared().memory.buffer.byteLength;
}

beforeAll(async () => {
  await init();
});

afterAll(() => {
  // The count and time of this suite, for the record (see the package README's test notes).
  console.log(`linalg contract: ${cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

describe.each(BACKENDS)("linalg contract, valid inputs (%s)", (backend) => {
  it("gemm matches the textbook product for every transpose, alpha and C, huge and tiny entries included", async () => {
    const arb = fc.record({
      m: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 7 }), n: fc.integer({ min: 1, max: 7 }),
      tA: fc.boolean(), tB: fc.boolean(), alpha: fc.oneof(fc.constant(1), fc.double({ min: -4, max: 4, noNaN: true })), seed: fc.integer(),
      big: fc.constantFrom(1, 1, 1, 1e300, 1e-300, 1e155, 2 ** -1070),
    });
    await fc.assert(fc.asyncProperty(arb, async ({ m, k, n, tA, tB, alpha, seed, big }) => {
      const A0 = randn(m, k, seed), B0 = randn(k, n, seed + 1);
      A0.data[0] *= big;
      B0.data[B0.data.length - 1] *= big;
      const A = op(A0, tA), B = op(B0, tB); // stored forms; op() of them gives A0, B0 back
      await contract(() => gemm(A, B, { transA: tA, transB: tB, alpha, backend }), `gemm ${m}x${k}x${n}`, (C) => checkProduct(C, A0, B0, alpha, "gemm"));
    }), runs(150));
    // C and beta: alpha A B + beta C.
    await fc.assert(fc.asyncProperty(arbTame(5, 5), fc.double({ min: -3, max: 3, noNaN: true }), async (A, beta) => {
      const B = randn(A.cols, 3, 7), C = randn(A.rows, 3, 8);
      await contract(() => gemm(A, B, { C, beta, backend }), "gemm with C", (R) => {
        const { P } = naive(A, B);
        for (let i = 0; i < P.length; i++) expect(Math.abs(R.data[i] - (P[i] + beta * C.data[i]))).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(P[i]) + Math.abs(C.data[i])));
      });
    }), runs(60));
  });

  it("gemm and gemv on arbitrary magnitudes return finite results or refuse as not representable", async () => {
    await fc.assert(fc.asyncProperty(arbMatrix(6, 6), async (A) => {
      const B = { rows: A.cols, cols: 2, data: Float64Array.from({ length: A.cols * 2 }, (_, i) => (i % 3) - 1) };
      await contract(() => gemm(A, B, { backend }), "gemm extreme", (C) => checkProduct(C, A, B, 1, "gemm extreme"));
      await contract(() => gemm(A, A, { transA: true, backend }), "gemm AᵀA extreme", (C) => checkProduct(C, op(A, true), A, 1, "gemm AᵀA"));
      const x = Float64Array.from({ length: A.cols }, (_, i) => 1 - i / 4);
      await contract(() => gemv(A, x, { backend }), "gemv extreme", (y) => {
        checkProduct({ rows: A.rows, cols: 1, data: y }, A, { rows: A.cols, cols: 1, data: x }, 1, "gemv");
      });
      const xt = Float64Array.from({ length: A.rows }, (_, i) => 1.5 - i / 3);
      for (const alpha of [1, -3e-323, 1e-200, 1e200]) {
        await contract(() => gemv(A, xt, { trans: true, alpha, backend }), "gemv transposed extreme", (y) => {
          checkProduct({ rows: A.cols, cols: 1, data: y }, op(A, true), { rows: A.rows, cols: 1, data: xt }, alpha, "gemv trans");
        });
      }
      const d = Float64Array.from(A.data);
      await contract(() => dot(A.data, d, { backend }), "dot extreme", (s) => {
        checkProduct({ rows: 1, cols: 1, data: new Float64Array([s]) }, { rows: 1, cols: d.length, data: A.data }, { rows: d.length, cols: 1, data: d }, 1, "dot");
      });
      // y = -x and alpha = 2: alpha x overflows for the largest entries but y + alpha x = x does not.
      await contract(() => axpy(2, A.data, A.data.map((v) => -v), { backend }), "axpy cancelling", (r) => {
        for (let i = 0; i < r.length; i++) expect(r[i] === A.data[i], `entry ${i}: ${r[i]} vs ${A.data[i]}`).toBe(true);
      });
      await contract(() => axpy(-0.5, A.data, d, { backend }), "axpy extreme", (r) => {
        // With or without a fused multiply-add: within one rounding.
        for (let i = 0; i < r.length; i++) expect(Math.abs(r[i] - (d[i] + -0.5 * A.data[i]))).toBeLessThanOrEqual(2 ** -1074 + 2 ** -52 * Math.abs(d[i]));
      });
    }), runs(120));
  });

  it("svd reconstructs A with orthonormal factors and descending singular values", async () => {
    const check = (A: DenseMatrix, k: number | undefined) => (r: { U: DenseMatrix; s: Float64Array; V: DenseMatrix }) => {
      const N = Math.min(A.rows, A.cols), rr = k ?? N;
      expect(r.U.rows).toBe(A.rows);
      expect(r.V.rows).toBe(A.cols);
      expect(r.s.length).toBe(rr);
      for (let i = 1; i < rr; i++) expect(r.s[i]).toBeLessThanOrEqual(r.s[i - 1]);
      expect(r.s[rr - 1]).toBeGreaterThanOrEqual(0);
      expect(orthoError(r.U)).toBeLessThan(1e-12);
      expect(orthoError(r.V)).toBeLessThan(1e-12);
      if (k === undefined) {
        const { A: As, e } = unit(A);
        const R = new Float64Array(A.rows * A.cols);
        for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) {
          let s = 0;
          for (let t = 0; t < rr; t++) s += r.U.data[i * rr + t] * scaled([r.s[t]], e)[0] * r.V.data[j * rr + t];
          R[i * A.cols + j] = s - As.data[i * A.cols + j];
        }
        // Plus a few subnormal units: results of an all-subnormal A cannot be closer than that.
        expect(frob(R)).toBeLessThan(1e-12 * Math.max(A.rows, A.cols) * 4 + pow2Times(2 ** -1074, -e) * 8 * (A.rows + A.cols));
      }
    };
    await fc.assert(fc.asyncProperty(arbMatrix(7, 7), fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }), async (A, k0) => {
      const k = k0 === undefined ? undefined : Math.min(k0, Math.min(A.rows, A.cols));
      await contract(() => svd(A, { k, backend }), `svd ${A.rows}x${A.cols}`, check(A, k));
    }), runs(150));
  });

  it("qr gives orthonormal Q and upper triangular R with QR = A", async () => {
    await fc.assert(fc.asyncProperty(arbMatrix(7, 7), async (A) => {
      await contract(() => qr(A, { backend }), `qr ${A.rows}x${A.cols}`, ({ Q, R }) => {
        const k = Math.min(A.rows, A.cols);
        expect(orthoError(Q)).toBeLessThan(1e-12);
        for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) expect(R.data[i * A.cols + j]).toBe(0);
        for (let i = 0; i < k; i++) expect(R.data[i * A.cols + i]).toBeGreaterThanOrEqual(0);
        const { e } = unit(A);
        const diff = new Float64Array(A.rows * A.cols);
        for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) {
          let s = 0;
          for (let t = 0; t < k; t++) s += Q.data[i * k + t] * scaled([R.data[t * A.cols + j]], e)[0];
          diff[i * A.cols + j] = s - scaled([A.data[i * A.cols + j]], e)[0];
        }
        expect(frob(diff)).toBeLessThan(1e-12 * 8 + pow2Times(2 ** -1074, -e) * 8 * (A.rows + A.cols));
      });
    }), runs(120));
  });

  it("cholesky: L Lᵀ = S for SPD S; eigh: S V = V Λ with orthonormal V", async () => {
    await fc.assert(fc.asyncProperty(arbTame(6, 6), fc.constantFrom(1, 1e-200, 1e200), async (B, scale) => {
      const n = B.rows;
      const S = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let t = 0; t < B.cols; t++) s += B.data[i * B.cols + t] * B.data[j * B.cols + t];
        S[i * n + j] = s * scale;
      }
      const Sm = { rows: n, cols: n, data: S };
      await contract(() => cholesky(Sm, { backend }), `cholesky ${n}`, (L) => {
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(L.data[i * n + j]).toBe(0);
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let t = 0; t <= j; t++) s += L.data[i * n + t] * L.data[j * n + t];
          expect(Math.abs(s - S[i * n + j])).toBeLessThanOrEqual(1e-12 * maxAbs(S) * n);
        }
      }, []);
      await contract(() => eigh(Sm, { backend }), `eigh ${n}`, ({ values, vectors }) => {
        expect(orthoError(vectors)).toBeLessThan(1e-12);
        for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let sv = 0;
          for (let t = 0; t < n; t++) sv += S[i * n + t] * vectors.data[t * n + j];
          expect(Math.abs(sv - values[j] * vectors.data[i * n + j])).toBeLessThanOrEqual(1e-12 * maxAbs(S) * n);
        }
      }, []);
    }), runs(80));
  });

  it("solveTriangular and lstsq solve their systems (checked by residual)", async () => {
    await fc.assert(fc.asyncProperty(arbTame(6, 6), fc.boolean(), fc.boolean(), fc.integer(), async (B, lower, trans, seed) => {
      const n = B.rows;
      const T = randn(n, n, seed);
      for (let i = 0; i < n; i++) T.data[i * n + i] = 4 + Math.abs(T.data[i * n + i]);
      const b = Float64Array.from(B.data.subarray(0, n));
      await contract(() => solveTriangular(T, b, { lower, trans, backend }), "solveTriangular", (x) => {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) {
            const inTri = lower ? (trans ? j >= i : j <= i) : trans ? j <= i : j >= i;
            if (inTri) s += (trans ? T.data[j * n + i] : T.data[i * n + j]) * x[j];
          }
          expect(Math.abs(s - b[i])).toBeLessThanOrEqual(1e-11 * (1 + maxAbs(b)));
        }
      }, []);
      await contract(() => solveTriangular(T, B, { lower, trans, backend }), "solveTriangular matrix", (X) => {
        expect(X.rows).toBe(n);
        expect(X.cols).toBe(B.cols);
      }, []);
      await contract(() => lstsq(B, b, { backend }), "lstsq", ({ x }) => {
        // Normal equations: Bᵀ(Bx - b) = 0, relative to ||B||² ||x|| + ||B|| ||b||.
        const r = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let s = -b[i];
          for (let j = 0; j < B.cols; j++) s += B.data[i * B.cols + j] * x[j];
          r[i] = s;
        }
        const nb = frob(B.data);
        for (let j = 0; j < B.cols; j++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += B.data[i * B.cols + j] * r[i];
          expect(Math.abs(s)).toBeLessThanOrEqual(1e-9 * (nb * nb * frob(x) + nb * frob(b) + 1e-300));
        }
      }, []);
    }), runs(80));
  });

  it("spmm and spmmT match the dense product; writeMatrixMarket then readMatrixMarket is the identity", async () => {
    await fc.assert(fc.asyncProperty(arbCsr(), fc.integer({ min: 1, max: 4 }), async (A, k) => {
      const D = csrToDense(A);
      const B = randn(A.cols, k, A.rows), Bt = randn(A.rows, k, A.cols);
      await contract(() => spmm(A, B, { backend }), "spmm", (C) => checkProduct(C, D, B, 1, "spmm"), []);
      await contract(() => spmmT(A, Bt, { backend }), "spmmT", (C) => checkProduct(C, op(D, true), Bt, 1, "spmmT"), []);
      // Plain arrays are read the same way.
      const plain = { rows: A.rows, cols: A.cols, indptr: Array.from(A.indptr), indices: Array.from(A.indices), data: Array.from(A.data) };
      await contract(() => spmm(plain, B, { backend }), "spmm plain arrays", (C) => checkProduct(C, D, B, 1, "spmm plain"), []);
      if (backend === "wasm") {
        await contract(() => readMatrixMarket(writeMatrixMarket(A)), "Matrix Market CSR round trip", (R) => {
          expect(isCsr(R)).toBe(true);
          const C = R as CsrMatrix;
          expect(Array.from(C.indptr)).toEqual(Array.from(A.indptr));
          expect(Array.from(C.indices)).toEqual(Array.from(A.indices));
          expect(Array.from(C.data)).toEqual(Array.from(A.data));
        }, []);
      }
    }), runs(100));
    if (backend !== "wasm") return;
    await fc.assert(fc.asyncProperty(arbMatrix(6, 6), fc.constantFrom(undefined, "a comment", "two\nlines"), async (A, comment) => {
      A.data[0] = -0;
      await contract(() => readMatrixMarket(writeMatrixMarket(A, { comment })), "Matrix Market dense round trip", (R) => {
        const D = R as DenseMatrix;
        expect([D.rows, D.cols]).toEqual([A.rows, A.cols]);
        for (let i = 0; i < A.data.length; i++) expect(Object.is(D.data[i], A.data[i])).toBe(true);
      }, []);
    }), runs(100));
  });

  it("every input form gives the plain form's result: ml-matrix, number[][], a transposed ndarray view", async () => {
    await fc.assert(fc.asyncProperty(arbTame(5, 5), fc.integer(), async (A, seed) => {
      const B = randn(A.cols, 3, seed);
      const rows = Array.from({ length: A.rows }, (_, i) => Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)));
      const ml = new Matrix(rows);
      // A stored transposed (cols x rows, row-major) and viewed through its transpose: strides [1, rows].
      const At = op(A, true);
      const view = ndarray(Array.from(At.data), [At.rows, At.cols]).transpose(1, 0);
      const plain = gemm(A, B, { backend });
      const plainSvd = svd(A, { backend });
      for (const [form, X] of [["ml-matrix", ml], ["number[][]", rows], ["transposed ndarray", view]] as const) {
        await contract(() => gemm(X as never, B, { backend }), `gemm ${form}`, (C) => expect(Array.from(C.data)).toEqual(Array.from(plain.data)), []);
        await contract(() => svd(X as never, { backend }), `svd ${form}`, (r) => {
          expect(Array.from(r.s)).toEqual(Array.from(plainSvd.s));
          expect(Array.from(r.U.data)).toEqual(Array.from(plainSvd.U.data));
          expect(Array.from(r.V.data)).toEqual(Array.from(plainSvd.V.data));
        }, []);
        await contract(() => gemm(B, X as never, { transA: true, transB: true, backend }), `gemm op(${form})`, () => {}, []);
      }
    }), runs(40));
  });

  it("svdAsync and eighAsync give svd's and eigh's results; an aborted signal stops them first", async () => {
    const A = randn(6, 4, 3);
    const S = gemm(A, A, { transA: true, backend });
    const r = await svdAsync(A, { backend });
    expect(Array.from(r.s)).toEqual(Array.from(svd(A, { backend }).s));
    const e = await eighAsync(S, { backend, signal: new AbortController().signal });
    expect(Array.from(e.values)).toEqual(Array.from(eigh(S, { backend }).values));
    await refused(() => svdAsync(A, { backend, signal: abortedSignal() }), ["ABORTED"], "svdAsync aborted");
    await refused(() => eighAsync(S, { backend, signal: abortedSignal() }), ["ABORTED"], "eighAsync aborted");
    // Aborted while it waits for the event loop.
    const c = new AbortController();
    const p = svdAsync(A, { backend, signal: c.signal });
    c.abort();
    await refused(() => p, ["ABORTED"], "svdAsync aborted after start");
    cases += 2;
  });

  it("Rng methods on valid arguments; createWorkspace", async () => {
    await fc.assert(fc.asyncProperty(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 2 ** 32 }), async (seed, n) => {
      cases++;
      const g = new Rng(seed);
      const v = g.int(n);
      expect(Number.isInteger(v) && v >= 0 && v < n).toBe(true);
      const u = g.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      expectFinite([g.normal(), g.nextU32(), g.fillNormal(new Float64Array(5)), g.fillUniform(new Float64Array(3))], "rng");
      expect(g.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
      const dv = new DataView(new ArrayBuffer(40));
      g.saveState(dv, 8);
      const h = new Rng(1);
      h.loadState(dv, 8);
      expect(h.uniform()).toBe(g.uniform());
    }), runs(100));
    const ws = await createWorkspace(backend, 1024);
    expect(ws.kernels.backend).toBe(backend);
    const x = ws.f64(8).fill(2);
    expect(ws.kernels.dot(8, x, x)).toBe(32);
    cases++;
  });
});

describe("linalg contract, invalid inputs", () => {
  const matrixFns: [string, (A: unknown, backend: "wasm" | "js") => unknown][] = [
    ["gemm A", (A, backend) => gemm(A as never, randn(3, 2, 1), { backend })],
    ["gemm B", (A, backend) => gemm(randn(4, 4, 1), A as never, { backend })],
    ["gemm C", (A, backend) => gemm(randn(4, 3, 1), randn(3, 3, 1), { C: A as never, backend })],
    ["gemv", (A, backend) => gemv(A as never, [1, 2, 3], { backend })],
    ["spmm B", (A, backend) => spmm({ rows: 2, cols: 4, indptr: [0, 1, 2], indices: [0, 3], data: [1, 2] }, A as never, { backend })],
    ["qr", (A, backend) => qr(A as never, { backend })],
    ["svd", (A, backend) => svd(A as never, { backend })],
    ["eigh", (A, backend) => eigh(A as never, { backend })],
    ["cholesky", (A, backend) => cholesky(A as never, { backend })],
    ["solveTriangular", (A, backend) => solveTriangular(A as never, [1, 2, 3], { backend })],
    ["lstsq", (A, backend) => lstsq(A as never, [1, 2, 3, 4], { backend })],
    ["writeMatrixMarket", (A) => writeMatrixMarket(A as never)],
    ["svdAsync", (A, backend) => svdAsync(A as never, { backend })],
    ["eighAsync", (A, backend) => eighAsync(A as never, { backend })],
  ];

  it.each(BACKENDS)("every matrix slot refuses bad matrices and wrong types (%s)", async (backend) => {
    for (const [name, fn] of matrixFns) {
      for (const [i, bad] of badMatrices().entries()) {
        // An empty matrix is a valid Matrix Market file; undefined is an absent C.
        if (name === "writeMatrixMarket" && (i === 7 || (Array.isArray(bad) && bad.length === 0) || (Array.isArray(bad) && Array.isArray(bad[0]) && bad[0].length === 0))) continue;
        if (name === "gemm C" && bad === undefined) continue;
        await refused(() => fn(bad, backend), INPUT_CODES, `${name}(bad #${i})`);
      }
    }
  });

  it.each(BACKENDS)("every vector slot refuses bad vectors and wrong types (%s)", async (backend) => {
    const A = randn(3, 3, 1);
    const badVectors = [...WRONG_TYPES, [1, NaN, 3], new Float64Array([1, Infinity, 2]), [1, 2], [1, 2, 3, 4], ["1", "2", "3"]];
    const vectorFns: [string, (x: unknown) => unknown][] = [
      ["gemv x", (x) => gemv(A, x as never, { backend })],
      ["dot x", (x) => dot(x as never, [1, 2, 3], { backend })],
      ["dot y", (x) => dot([1, 2, 3], x as never, { backend })],
      ["axpy x", (x) => axpy(1, x as never, [1, 2, 3], { backend })],
      ["axpy y", (x) => axpy(1, [1, 2, 3], x as never, { backend })],
      ["solveTriangular b", (x) => solveTriangular(cholesky(gemm(A, A, { transA: true }), { backend }), x as never, { backend })],
      ["lstsq b", (x) => lstsq(A, x as never, { backend })],
    ];
    for (const [name, fn] of vectorFns) {
      for (const [i, bad] of badVectors.entries()) await refused(() => fn(bad), INPUT_CODES, `${name}(bad #${i})`);
    }
  });

  it.each(BACKENDS)("options: non-objects, unknown keys and out-of-range values are INVALID_ARGUMENT (%s)", async (backend) => {
    const A = randn(4, 3, 1), S = gemm(A, A, { transA: true }), b = [1, 2, 3, 4];
    const calls: [string, (o: unknown) => unknown, object?][] = [
      ["gemm", (o) => gemm(A, S, o as never)],
      ["gemv", (o) => gemv(A, [1, 2, 3], o as never)],
      ["dot", (o) => dot(b, b, o as never)],
      ["axpy", (o) => axpy(2, b, b, o as never)],
      ["spmm", (o) => spmm({ rows: 1, cols: 4, indptr: [0, 1], indices: [2], data: [1] }, A, o as never)],
      ["spmmT", (o) => spmmT({ rows: 4, cols: 1, indptr: [0, 1, 1, 1, 1], indices: [0], data: [1] }, A, o as never)],
      ["qr", (o) => qr(A, o as never)],
      ["svd", (o) => svd(A, o as never)],
      ["eigh", (o) => eigh(S, o as never)],
      ["cholesky", (o) => cholesky(S, o as never)],
      ["solveTriangular", (o) => solveTriangular(cholesky(S), [1, 2, 3], o as never)],
      ["lstsq", (o) => lstsq(A, b, o as never)],
      ["writeMatrixMarket", (o) => writeMatrixMarket(A, o as never), { comment: "c" }],
      ["svdAsync", (o) => svdAsync(A, o as never)],
      ["eighAsync", (o) => eighAsync(S, o as never)],
    ];
    const notObjects = [null, 0, 1.5, NaN, "x", true, Symbol("s"), () => 1, [], [[]], new Float64Array(2), new BigInt64Array(1)];
    for (const [name, fn, validOptions = { backend }] of calls) {
      for (const o of notObjects) await refused(() => fn(o), ["INVALID_ARGUMENT"], `${name}(options ${show(o)})`);
      // svd's truncation option is rank (k its old name); everywhere else rank is unknown.
      for (const key of ["foo", "rank", "n_components", "maxIter", "Backend"].filter((k) => !(k === "rank" && name.startsWith("svd")))) {
        await refused(() => fn({ [key]: 1 }), ["INVALID_ARGUMENT"], `${name}({ ${key} })`);
      }
      await refused(() => fn({ ...validOptions, backend: "gpu" }), ["INVALID_ARGUMENT"], `${name}({ backend: "gpu" })`);
      await contract(() => fn(validOptions), `${name}(${JSON.stringify(validOptions)})`, undefined, []);
      if ("backend" in validOptions) await contract(() => fn({ backend: undefined }), `${name}(backend: undefined)`, undefined, []);
    }
    // Numeric and boolean options: every bad value refused; the valid ones in BAD_NUMBERS (say alpha = -1) fine.
    const numeric: [string, (v: unknown) => unknown, (v: unknown) => boolean][] = [
      ["gemm alpha", (v) => gemm(A, S, { alpha: v as number, backend }), (v) => typeof v === "number" && Number.isFinite(v)],
      ["gemm beta", (v) => gemm(A, S, { C: A, beta: v as number, backend }), (v) => typeof v === "number" && Number.isFinite(v)],
      ["gemv alpha", (v) => gemv(A, [1, 2, 3], { alpha: v as number, backend }), (v) => typeof v === "number" && Number.isFinite(v)],
      ["axpy alpha", (v) => axpy(v as number, b, b, { backend }), (v) => typeof v === "number" && Number.isFinite(v)],
      ["svd rank", (v) => svd(A, { rank: v as number, backend }), () => false],
      ["svd k", (v) => svd(A, { k: v as number, backend }), () => false],
      ["eigh symmetryTol", (v) => eigh(S, { symmetryTol: v as number, backend }), (v) => typeof v === "number" && Number.isFinite(v) && v >= 0],
      ["cholesky symmetryTol", (v) => cholesky(S, { symmetryTol: v as number, backend }), (v) => typeof v === "number" && Number.isFinite(v) && v >= 0],
      ["lstsq rcond", (v) => lstsq(A, b, { rcond: v as number, backend }), (v) => typeof v === "number" && Number.isFinite(v) && v >= 0],
      ["gemm transA", (v) => gemm(A, A, { transA: v as boolean, backend }), (v) => typeof v === "boolean"],
      ["solveTriangular lower", (v) => solveTriangular(cholesky(S), [1, 2, 3], { lower: v as boolean, backend }), (v) => typeof v === "boolean"],
      ["svdAsync signal", (v) => svdAsync(A, { signal: v as AbortSignal, backend }), () => false],
    ];
    for (const [name, fn, valid] of numeric) {
      for (const v of [...BAD_NUMBERS, 2 ** 31]) {
        if (valid(v)) await contract(() => fn(v), `${name} = ${show(v)}`, undefined, [...UNREPRESENTABLE, "RANK", "SHAPE"]);
        else await refused(() => fn(v), ["INVALID_ARGUMENT", "RANK"], `${name} = ${show(v)}`);
      }
    }
    // The defects this contract fixed, by name.
    await refused(() => gemm(A, S, null as never), ["INVALID_ARGUMENT"], "gemm(A, B, null)");
    await refused(() => gemv(A, [1, 2, 3], { alpha: NaN, backend }), ["INVALID_ARGUMENT"], "gemv alpha NaN");
    await refused(() => cholesky(S, { symmetryTol: NaN, backend }), ["INVALID_ARGUMENT"], "cholesky symmetryTol NaN");
    await refused(() => eigh(S, { symmetryTol: -1, backend }), ["INVALID_ARGUMENT"], "eigh symmetryTol -1");
  });

  it.each(BACKENDS)("CSR inputs: NaN or fractional indices in plain arrays, bad indptr, out of range (%s)", async (backend) => {
    const B = randn(3, 2, 1);
    const good = { rows: 2, cols: 3, indptr: [0, 1, 2], indices: [2, 0], data: [1, 2] };
    const bads: [string, unknown][] = [
      ["NaN index", { ...good, indices: [NaN, 0] }],
      ["fractional index", { ...good, indices: [1.5, 0] }],
      ["fractional index (Float64Array)", { ...good, indices: new Float64Array([0.5, 0]) }],
      ["negative index", { ...good, indices: [-1, 0] }],
      ["index = cols", { ...good, indices: [3, 0] }],
      ["huge index", { ...good, indices: [2 ** 32, 0] }],
      ["fractional indptr", { ...good, indptr: [0, 0.5, 2] }],
      ["NaN indptr", { ...good, indptr: [0, NaN, 2] }],
      ["decreasing indptr", { ...good, indptr: [0, 2, 1] }],
      ["indptr not from 0", { ...good, indptr: [1, 1, 2] }],
      ["indptr too short", { ...good, indptr: [0, 2] }],
      ["NaN value", { ...good, data: [NaN, 1] }],
      ["string value", { ...good, data: ["1", 1] }],
      ["BigInt indices", { ...good, indices: new BigInt64Array(2) }],
      ["missing indices", { rows: 2, cols: 3, indptr: [0, 1, 2], data: [1, 2] }],
      ["rows 1e9", { ...good, rows: 1e9 }],
      ["rows 2^32 + 1", { ...good, rows: 2 ** 32 + 1 }],
      ...WRONG_TYPES.map((w, i) => [`wrong type #${i}`, w] as [string, unknown]),
    ];
    for (const [what, A] of bads) {
      await refused(() => spmm(A as never, B, { backend }), INPUT_CODES, `spmm ${what}`);
      await refused(() => spmmT(A as never, randn(2, 2, 1), { backend }), INPUT_CODES, `spmmT ${what}`);
      if (isCsr(A)) await refused(() => writeMatrixMarket(A as never), INPUT_CODES, `writeMatrixMarket ${what}`);
    }
  });

  it("readMatrixMarket refuses huge headers before allocating, wrapping sizes, malformed lines and bad indices", async () => {
    const H = "%%MatrixMarket matrix coordinate real general\n";
    const files: [string, string, Code[]][] = [
      ["1e9 x 1e9 array", "%%MatrixMarket matrix array real general\n1000000000 1000000000\n1\n", ["TOO_LARGE", "SHAPE"]],
      ["1e5 x 1e5 array without data", "%%MatrixMarket matrix array real general\n100000 100000\n1\n", ["TOO_LARGE", "SHAPE"]],
      ["30000 x 30000 array without data", "%%MatrixMarket matrix array real general\n30000 30000\n1\n", ["TOO_LARGE", "SHAPE"]],
      ["1e9 x 1e9 coordinate", `${H}1000000000 1000000000 1\n1 1 1\n`, ["TOO_LARGE", "SHAPE"]],
      ["nnz 1e12", `${H}3 3 1000000000000\n1 1 1\n`, ["TOO_LARGE", "SHAPE"]],
      ["nnz 1e8 without entries", `${H}3 3 100000000\n1 1 1\n`, ["TOO_LARGE", "SHAPE"]],
      ["2^32 + 1 rows", `${H}4294967297 2 1\n1 1 1\n`, ["TOO_LARGE", "SHAPE"]],
      ["2^32 + 1 cols (array)", "%%MatrixMarket matrix array real general\n1 4294967297\n1\n", ["TOO_LARGE", "SHAPE"]],
      ["negative size", `${H}-2 2 1\n1 1 1\n`, ["SHAPE"]],
      ["fractional size", `${H}2.5 2 1\n1 1 1\n`, ["SHAPE"]],
      ["hex size", `${H}0x10 2 1\n1 1 1\n`, ["SHAPE"]],
      ["size line with 2 entries", `${H}2 2\n1 1 1\n`, ["SHAPE"]],
      ["no size line", `${H}% only a comment\n`, ["SHAPE"]],
      ["fractional index", `${H}2 2 1\n1.5 1 1\n`, ["INDEX"]],
      ["index 0", `${H}2 2 1\n0 1 1\n`, ["INDEX"]],
      ["index out of range", `${H}2 2 1\n3 1 1\n`, ["INDEX"]],
      ["index 1e0", `${H}2 2 1\n1e0 1 1\n`, ["INDEX"]],
      ["entry with 2 tokens", `${H}2 2 2\n1 1\n1 2 3 4\n`, ["SHAPE"]],
      ["entry with 4 tokens", `${H}2 2 1\n1 1 1 1\n`, ["SHAPE"]],
      ["too many entries", `${H}2 2 1\n1 1 1\n2 2 2\n`, ["SHAPE"]],
      ["too few entries", `${H}2 2 3\n1 1 1\n`, ["SHAPE"]],
      ["NaN value", `${H}2 2 1\n1 1 nan\n`, ["NON_FINITE"]],
      ["1e999 value", `${H}2 2 1\n1 1 1e999\n`, ["NON_FINITE"]],
      ["hex value", `${H}2 2 1\n1 1 0x1F\n`, ["SHAPE"]],
      ["empty-ish value", `${H}2 2 1\n1 1 .\n`, ["SHAPE"]],
      ["fractional integer field", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n", ["SHAPE"]],
      ["symmetric upper entry", "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n", ["INDEX"]],
      ["skew diagonal", "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1\n", ["SHAPE"]],
      ["symmetric not square", "%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n", ["SHAPE"]],
      ["array extra entries", "%%MatrixMarket matrix array real general\n1 1\n1\n2\n", ["SHAPE"]],
      ["array of pattern", "%%MatrixMarket matrix array pattern general\n1 1\n", ["SHAPE"]],
      ["complex", "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", ["INVALID_ARGUMENT"]],
      ["hermitian", "%%MatrixMarket matrix coordinate real hermitian\n1 1 0\n", ["INVALID_ARGUMENT"]],
      ["duplicates summing past the range", `${H}1 1 2\n1 1 1.7e308\n1 1 1.7e308\n`, ["NON_FINITE"]],
      ["header only", "%%MatrixMarket", ["SHAPE"]],
      ["empty", "", ["SHAPE"]],
    ];
    for (const [what, text, codes] of files) {
      const t0 = performance.now();
      await refused(() => readMatrixMarket(text), codes, `readMatrixMarket ${what}`);
      expect(performance.now() - t0, `${what} took long: it allocated`).toBeLessThan(500);
    }
    for (const w of WRONG_TYPES) await refused(() => readMatrixMarket(w as never), ["INVALID_ARGUMENT", "SHAPE"], `readMatrixMarket(${show(w)})`);
    // Arbitrary text: a result or a LowrankError, never another exception.
    const line = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.tuple(fc.integer({ min: -2, max: 5 }), fc.integer({ min: -2, max: 5 }), fc.oneof(fc.double(), fc.string({ maxLength: 4 }))).map((t) => t.join(" ")),
    );
    await fc.assert(fc.asyncProperty(
      fc.constantFrom("coordinate real general", "coordinate pattern symmetric", "array real general", "array integer skew-symmetric", "coordinate integer skew-symmetric"),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(1e9, 2 ** 32 + 1, -1, 1.5)), { minLength: 1, maxLength: 4 }),
      fc.array(line, { maxLength: 8 }),
      async (kind, size, lines) => {
        const text = `%%MatrixMarket matrix ${kind}\n${size.join(" ")}\n${lines.join("\n")}\n`;
        await contract(() => readMatrixMarket(text), `readMatrixMarket ${JSON.stringify(text)}`, undefined, [...INPUT_CODES, "INVALID_ARGUMENT"]);
      },
    ), runs(400));
  });

  it("createWorkspace refuses negative, NaN, infinite and huge sizes and unknown backends on both backends", async () => {
    for (const backend of [...BACKENDS, undefined]) {
      for (const bytes of [-1, NaN, Infinity, -Infinity, 2 ** 40, "1", null, undefined, {}]) {
        await refused(() => createWorkspace(backend, bytes as number), ["INVALID_ARGUMENT", "TOO_LARGE"], `createWorkspace(${backend}, ${show(bytes)})`);
      }
    }
    for (const b of ["gpu", 1, null, {}]) await refused(() => createWorkspace(b as never, 1024), ["INVALID_ARGUMENT"], `createWorkspace(${show(b)})`);
  });

  it("completeColumns (an exported building block) refuses bad arguments and completes an orthonormal set", async () => {
    const M = new Float64Array([1, 0, 0, 0, 0, 0]); // 3 x 2, column 0 = e1, column 1 to complete
    completeColumns(M, 3, 2, [false, true]);
    expect(orthoError({ rows: 3, cols: 2, data: M })).toBeLessThan(1e-15);
    const bads: unknown[][] = [[null, 3, 2, [false, true]], [[1, 0, 0, 0, 0, 0], 3, 2, [false, true]], [new Float64Array(6), 4, 2, [false, true]],
      [new Float64Array(6), 3, 2.5, [false, true]], [new Float64Array(6), -1, 2, []], [new Float64Array(6), 3, 2, [true]], [new Float64Array(6), 3, 2, null]];
    for (const args of bads) await refused(() => (completeColumns as (...a: unknown[]) => void)(...args), ["INVALID_ARGUMENT", "SHAPE", "TOO_LARGE"], `completeColumns(${args.map(show).join(", ")})`);
  });

  it("every Rng method refuses bad arguments with LowrankError", async () => {
    const g = new Rng(1);
    for (const s of ["1", null, NaN, Infinity, {}, [1], 10n]) await refused(() => new Rng(s as number), ["INVALID_ARGUMENT"], `new Rng(${show(s)})`);
    for (const n of [1.5, 0, -1, NaN, Infinity, 2 ** 32 + 1, "3", null, undefined, {}]) await refused(() => g.int(n as number), ["INVALID_ARGUMENT"], `int(${show(n)})`);
    for (const m of ["fillNormal", "fillUniform"] as const) {
      for (const out of [null, undefined, [1, 2], new Float32Array(2), {}, 3, "x"]) await refused(() => g[m](out as never), ["INVALID_ARGUMENT"], `${m}(${show(out)})`);
    }
    for (const a of [null, undefined, 3, "abc", {}, new DataView(new ArrayBuffer(4)), Object.freeze([1, 2, 3])]) {
      await refused(() => g.shuffle(a as never), ["INVALID_ARGUMENT"], `shuffle(${show(a)})`);
    }
    const views: [unknown, unknown][] = [[null, 0], [new ArrayBuffer(32), 0], [new Float64Array(4), 0], [new DataView(new ArrayBuffer(16)), 0], [new DataView(new ArrayBuffer(64)), 40], [new DataView(new ArrayBuffer(64)), -1], [new DataView(new ArrayBuffer(64)), 1.5], [new DataView(new ArrayBuffer(64)), NaN]];
    for (const [v, off] of views) {
      await refused(() => g.saveState(v as DataView, off as number), ["INVALID_ARGUMENT", "INDEX"], `saveState(${show(v)}, ${show(off)})`);
      await refused(() => g.loadState(v as DataView, off as number), ["INVALID_ARGUMENT", "INDEX"], `loadState(${show(v)}, ${show(off)})`);
    }
    // A state no generator can be in: all-zero words (normal() would spin forever), a bad spare.
    await refused(() => g.loadState(new DataView(new ArrayBuffer(32))), ["INVALID_ARGUMENT"], "loadState(zeros)");
    const dv = new DataView(new ArrayBuffer(32));
    g.saveState(dv);
    dv.setUint32(16, 7, true);
    await refused(() => g.loadState(dv), ["INVALID_ARGUMENT"], "loadState(spare flag 7)");
    dv.setUint32(16, 1, true);
    dv.setFloat64(24, NaN, true);
    await refused(() => g.loadState(dv), ["INVALID_ARGUMENT"], "loadState(spare NaN)");
    expect(Number.isFinite(g.normal())).toBe(true);
  });
});

describe("linalg contract, memory and recovery", () => {
  it.each(BACKENDS)("10,000 calls of gemm and svd on tiny inputs keep WASM memory and the heap flat (%s)", async (backend) => {
    const A = randn(3, 2, 1), B = randn(2, 3, 2);
    for (let i = 0; i < 200; i++) {
      gemm(A, B, { backend });
      svd(A, { backend });
    }
    const mem0 = wasmBytes();
    const heap0 = process.memoryUsage().heapUsed;
    let sink = 0;
    for (let i = 0; i < 10_000; i++) {
      sink += gemm(A, B, { backend }).data[0];
      sink += svd(A, { backend }).s[0];
    }
    cases += 20_000;
    expect(Number.isFinite(sink)).toBe(true);
    expect(wasmBytes()).toBe(mem0);
    expect(linalgWasm.shared().arena.used).toBe(0);
    // Garbage from the results may still be on the heap; it must not grow with the number of calls.
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(32 * 2 ** 20);
  });

  it.each(BACKENDS)("a call that throws, inside its kernel or while reading input, leaves the next one working (%s)", async (backend) => {
    const A = randn(4, 4, 1);
    const want = gemm(A, A, { backend }).data;
    const failing: [string, () => unknown][] = [
      ["cholesky of an indefinite matrix", () => cholesky({ rows: 2, cols: 2, data: new Float64Array([1, 2, 2, 1]) }, { backend })],
      ["solveTriangular with a zero pivot", () => solveTriangular({ rows: 2, cols: 2, data: new Float64Array([0, 0, 1, 1]) }, [1, 1], { backend })],
      ["gemm with mismatched shapes", () => gemm(A, randn(3, 3, 1), { backend })],
      ["svd of NaN", () => svd({ rows: 2, cols: 2, data: new Float64Array([1, NaN, 0, 1]) }, { backend })],
      ["gemm overflowing", () => gemm({ rows: 1, cols: 2, data: new Float64Array([1e308, 1e308]) }, { rows: 2, cols: 1, data: new Float64Array([1e308, 1e308]) }, { backend })],
    ];
    for (const [what, fn] of failing) {
      const o = await outcome(fn, what);
      cases++;
      expect(o.ok, what).toBe(false);
      expect(Array.from(gemm(A, A, { backend }).data)).toEqual(Array.from(want));
      if (backend === "wasm") expect(linalgWasm.shared().arena.used).toBe(0);
    }
  });
});
