// Extreme scales: every dense driver on inputs scaled by 2^±1000, 1e±300,
// 1e-310 (subnormal entries) and holding the largest double. Outputs must be
// finite and as accurate as for the unscaled problem, or the call throws
// TOO_LARGE when the true answer is beyond the double range. All accuracy
// checks run in scaled form (entries divided by an exact power of two) so
// the checks themselves neither overflow nor underflow.
import { beforeAll, describe, expect, it } from "vitest";
import {
  cholesky, eigh, init, lstsq, qr, Rng, solveTriangular, svd, type Backend, type DenseMatrix,
} from "../src/index.js";
import { codeOf, mat, matmul, norm, orthError, randn, relErr, usv } from "./factor-helpers.js";

const MAX = 1.7976931348623157e308;
const BACKENDS: Backend[] = ["wasm", "js"];
/** Scales of the tests: exact powers of two, decimal extremes, subnormal entries. */
const SCALES: [string, number][] = [
  ["2^1000", 2 ** 1000],
  ["2^-1000", 2 ** -1000],
  ["1e300", 1e300],
  ["1e-300", 1e-300],
  ["1e-310 (subnormal entries)", 1e-310],
];

/** x 2^e, exact unless the result is subnormal (two factors keep 2^e in range). */
function pow2(x: number, e: number): number {
  const h = Math.trunc(e / 2);
  return x * 2 ** h * 2 ** (e - h);
}

/** The e with max|x| 2^-e in [0.5, 1) (0 for zeros). */
function expOf(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  if (m === 0) return 0;
  let e = Math.floor(Math.log2(m)) + 1;
  if (pow2(m, -e) >= 1) e++;
  else if (pow2(m, -e) < 0.5) e--;
  return e;
}

function down(x: ArrayLike<number>, e: number): Float64Array {
  return Float64Array.from(x, (v) => pow2(v, -e));
}

function downM(A: DenseMatrix, e: number): DenseMatrix {
  return { rows: A.rows, cols: A.cols, data: down(A.data, e) };
}

function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

function scaledBy(A: DenseMatrix, f: number): DenseMatrix {
  return { rows: A.rows, cols: A.cols, data: A.data.map((v) => v * f) };
}

function symmetric(n: number, seed: number): DenseMatrix {
  const G = randn(n, n, seed);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = G.data[i * n + j] + G.data[j * n + i];
  return mat(n, n, S);
}

function spd(n: number, seed: number): DenseMatrix {
  const G = randn(n, n, seed);
  const S = matmul(G, G, true, false);
  for (let i = 0; i < n; i++) S.data[i * n + i] += n;
  return S;
}

/** ‖A - U diag(s) Vᵀ‖ / ‖A‖ with A and s divided by 2^e first (e from A). */
function svdError(A: DenseMatrix, U: DenseMatrix, s: Float64Array, V: DenseMatrix): number {
  const e = expOf(A.data);
  return relErr(usv(U, down(s, e), V).data, down(A.data, e));
}

/** Entries of a matrix spanning about 600 orders of magnitude, rank r (graded and rank-deficient). */
function graded(m: number, n: number, r: number, seed: number): DenseMatrix {
  const rng = new Rng(seed);
  const B = new Float64Array(m * r), C = new Float64Array(r * n), ex = new Float64Array(m + n);
  rng.fillNormal(B);
  rng.fillNormal(C);
  rng.fillUniform(ex);
  const A = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let p = 0; p < r; p++) v += B[i * r + p] * C[p * n + j];
      // Row and column scales 10^(±150): entries from about 1e-300 to 1e300.
      A[i * n + j] = v * 10 ** (300 * ex[i] - 150) * 10 ** (300 * ex[m + j] - 150);
    }
  }
  return mat(m, n, A);
}

/** Random symmetric matrix with entries spanning 1e-310 .. 1e300 (as the fuzzing that found the QL stall). */
function wildSymmetric(n: number, seed: number): DenseMatrix {
  const rng = new Rng(seed);
  const u = new Float64Array(n * n), ex = new Float64Array(n * n);
  rng.fillNormal(u);
  rng.fillUniform(ex);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = u[i * n + j] * 10 ** (ex[i * n + j] * 610 - 310);
      S[i * n + j] = v;
      S[j * n + i] = v;
    }
  }
  return mat(n, n, S);
}

describe.each(BACKENDS)("extreme scales [%s]", (backend) => {
  beforeAll(async () => {
    await init();
  });
  const o = { backend };

  describe("svd", () => {
    const A0 = randn(9, 6, 1);
    const ref = () => svd(A0, o).s;
    it.each(SCALES)("A scaled by %s: finite, A = U S Vᵀ to 1e-13, s = scale * s(A)", (_, c) => {
      const A = scaledBy(A0, c);
      const { U, s, V } = svd(A, o);
      expect(allFinite(s) && allFinite(U.data) && allFinite(V.data)).toBe(true);
      expect(orthError(U)).toBeLessThan(1e-13);
      expect(orthError(V)).toBeLessThan(1e-13);
      expect(svdError(A, U, s, V)).toBeLessThan(1e-13);
      const e = expOf(A.data);
      // The scaled input's own rounding (about 2.5e-14 of max|a| for subnormal entries) bounds the agreement.
      const tol = c === 1e-310 ? 2e-13 : 1e-13;
      expect(relErr(down(s, e), ref().map((v) => pow2(v * (c / 2 ** Math.round(Math.log2(c))), Math.round(Math.log2(c)) - e)))).toBeLessThan(tol);
    });

    it("wide and tall inputs holding the largest double", () => {
      const A = mat(3, 2, [MAX, 1, 2, 3, 4, 5]);
      const { U, s, V } = svd(A, o);
      expect(s[0]).toBe(MAX);
      expect(allFinite(s) && allFinite(U.data) && allFinite(V.data)).toBe(true);
      expect(svdError(A, U, s, V)).toBeLessThan(1e-13);
      const W = mat(2, 3, [MAX, 1e280, -1e285, 0, 1e307, 1e300]);
      const r = svd(W, o);
      expect(allFinite(r.s)).toBe(true);
      expect(svdError(W, r.U, r.s, r.V)).toBeLessThan(1e-13);
      expect(orthError(r.U)).toBeLessThan(1e-13);
    });

    it("throws TOO_LARGE when the largest singular value exceeds the double range", () => {
      // s_max is about 2.51e308 here.
      expect(codeOf(() => svd(mat(2, 2, [MAX, 1.7e308, 1e308, -1.5e308]), o))).toBe("TOO_LARGE");
      expect(codeOf(() => svd(mat(2, 1, [MAX, MAX]), o))).toBe("TOO_LARGE");
    });

    it("graded, rank-deficient matrices (entries 1e-300 .. 1e300): finite, orthonormal, reconstructs", () => {
      for (let seed = 0; seed < 6; seed++) {
        const A = graded(8, 6, 3, 40 + seed);
        const { U, s, V } = svd(A, o);
        expect(allFinite(s) && allFinite(U.data) && allFinite(V.data)).toBe(true);
        expect(orthError(U)).toBeLessThan(1e-13);
        expect(orthError(V)).toBeLessThan(1e-13);
        expect(svdError(A, U, s, V)).toBeLessThan(1e-13);
      }
    });
  });

  describe("qr", () => {
    const A0 = randn(8, 5, 2);
    const R0 = () => qr(A0, o).R;
    it.each(SCALES)("A scaled by %s: finite, A = QR to 1e-13, R = scale * R(A)", (_, c) => {
      const A = scaledBy(A0, c);
      const { Q, R } = qr(A, o);
      expect(allFinite(Q.data) && allFinite(R.data)).toBe(true);
      expect(orthError(Q)).toBeLessThan(1e-13);
      const e = expOf(A.data);
      expect(relErr(matmul(Q, downM(R, e)).data, down(A.data, e))).toBeLessThan(1e-13);
      const k = Math.round(Math.log2(c));
      const tol = c === 1e-310 ? 2e-13 : 1e-13;
      expect(relErr(down(R.data, e), R0().data.map((v) => pow2(v * (c / 2 ** k), k - e)))).toBeLessThan(tol);
    });

    it("entries equal to the largest double", () => {
      for (const A of [mat(3, 2, [MAX, 1, 2, 3, 4, 5]), mat(3, 3, [MAX, -MAX, MAX / 2, 1e290, MAX / 4, -1e300, 0, 1e-300, MAX / 8])]) {
        const { Q, R } = qr(A, o);
        expect(allFinite(Q.data) && allFinite(R.data)).toBe(true);
        expect(orthError(Q)).toBeLessThan(1e-13);
        const e = expOf(A.data);
        expect(relErr(matmul(Q, downM(R, e)).data, down(A.data, e))).toBeLessThan(1e-13);
      }
    });

    it("throws TOO_LARGE when a column norm (an entry of R) exceeds the double range", () => {
      expect(codeOf(() => qr(mat(2, 1, [MAX, MAX]), o))).toBe("TOO_LARGE");
      expect(codeOf(() => qr(mat(2, 2, [MAX, 1.7e308, 1e308, -1.5e308]), o))).toBe("TOO_LARGE");
    });

    it("graded and rank-deficient matrices: finite, orthonormal Q, A = QR", () => {
      for (let seed = 0; seed < 6; seed++) {
        for (const A of [graded(8, 6, 3, 60 + seed), graded(5, 7, 2, 70 + seed), wildSymmetric(5, 80 + seed)]) {
          const { Q, R } = qr(A, o);
          expect(allFinite(Q.data) && allFinite(R.data)).toBe(true);
          expect(orthError(Q)).toBeLessThan(1e-13);
          const e = expOf(A.data);
          expect(relErr(matmul(Q, downM(R, e)).data, down(A.data, e))).toBeLessThan(1e-13);
        }
      }
    });
  });

  describe("eigh", () => {
    const S0 = symmetric(7, 3);
    const ref = () => eigh(S0, o).values;
    it.each(SCALES)("S scaled by %s: eigenvalues = scale * λ(S) to 1e-13, orthonormal vectors", (_, c) => {
      const S = scaledBy(S0, c);
      const { values, vectors } = eigh(S, o);
      expect(allFinite(values) && allFinite(vectors.data)).toBe(true);
      expect(orthError(vectors)).toBeLessThan(1e-13);
      const e = expOf(S.data);
      const k = Math.round(Math.log2(c));
      const tol = c === 1e-310 ? 2e-13 : 1e-13;
      expect(relErr(down(values, e), ref().map((v) => pow2(v * (c / 2 ** k), k - e)))).toBeLessThan(tol);
      // Residual ‖S V - V Λ‖ / ‖S‖ in scaled form.
      const Ss = downM(S, e);
      const SV = matmul(Ss, vectors);
      const VL = usv(vectors, down(values, e), { rows: 7, cols: 7, data: identity(7) });
      expect(relErr(SV.data, VL.data) * norm(VL.data) / norm(Ss.data)).toBeLessThan(1e-13);
    });

    it("subnormal entries: eigenvalues match the exactly lifted problem to 1e-13", () => {
      const S = scaledBy(S0, 1e-310);
      const lifted = eigh(downM(S, expOf(S.data)), o).values;
      const got = down(eigh(S, o).values, expOf(S.data));
      expect(relErr(got, lifted)).toBeLessThan(1e-13);
    });

    it("entries spanning 1e-310 .. 1e300 converge (no NOT_CONVERGED) with a small residual", () => {
      // Two that fuzzing found: NaN from 1 / (a subnormal column scale), and QL stalled next to tiny diagonal entries.
      const found = [
        mat(3, 3, [-6.582988534104068e183, -1.0415095371173874e-17, -1.8579148581389634e-77, -1.0415095371173874e-17, 1.0274722785700984e139,
          -2.7949641164241628e295, -1.8579148581389634e-77, -2.7949641164241628e295, -2.7863505859103924e-246]),
        mat(4, 4, [-2.9379053722034295e-205, -2.144228242983613e-41, 4.541439575413646e101, -2.8567044964347626e-198, -2.144228242983613e-41,
          -4.144104668281606e-260, -1.0379212030970147e-135, -4.5312277883285465e-14, 4.541439575413646e101, -1.0379212030970147e-135,
          -2.8059171624917654e-94, -1.4176083033039022e-116, -2.8567044964347626e-198, -4.5312277883285465e-14, -1.4176083033039022e-116,
          4.279115005140927e-14]),
      ];
      for (let seed = 0; seed < 202; seed++) {
        const S = seed < 2 ? found[seed] : wildSymmetric(3 + (seed % 5), 100 + seed);
        const n = S.rows;
        const { values, vectors } = eigh(S, o);
        expect(allFinite(values) && allFinite(vectors.data)).toBe(true);
        expect(orthError(vectors)).toBeLessThan(1e-13);
        const e = expOf(S.data);
        const Ss = downM(S, e);
        const VL = usv(vectors, down(values, e), { rows: n, cols: n, data: identity(n) });
        expect(norm(matmul(Ss, vectors).data.map((v, i) => v - VL.data[i])) / norm(Ss.data)).toBeLessThan(1e-13);
      }
    });

    it("entries equal to the largest double: finite, or TOO_LARGE when an eigenvalue is beyond range", () => {
      const S = mat(3, 3, [MAX, 1e300, 0, 1e300, -MAX / 2, 1, 0, 1, 2]);
      const { values } = eigh(S, o);
      expect(allFinite(values)).toBe(true);
      expect(values[0]).toBe(MAX);
      expect(values[2]).toBe(-MAX / 2);
      expect(codeOf(() => eigh(mat(2, 2, [MAX, MAX, MAX, MAX]), o))).toBe("TOO_LARGE");
    });
  });

  describe("cholesky", () => {
    const S0 = spd(6, 4);
    const L0 = () => cholesky(S0, o);
    it.each(SCALES)("S scaled by %s: S = L Lᵀ to 1e-13, L = sqrt(scale) L(S)", (_, c) => {
      const S = scaledBy(S0, c);
      const L = cholesky(S, o);
      expect(allFinite(L.data)).toBe(true);
      let e = expOf(S.data);
      if (e % 2 !== 0) e++;
      const Ls = downM(L, e / 2);
      expect(relErr(matmul(Ls, Ls, false, true).data, down(S.data, e))).toBeLessThan(1e-13);
      const k = Math.round(Math.log2(c));
      const tol = c === 1e-310 ? 2e-13 : 1e-13;
      const f = Math.sqrt(c / 2 ** k);
      expect(relErr(Ls.data, L0().data.map((v) => pow2(v * f, k / 2 - e / 2)))).toBeLessThan(tol);
    });

    it("graded S = D S0 D, D from 1e-150 to 1e150: L = D L(S0) to 1e-13 per row", () => {
      const n = 6, D = Array.from({ length: n }, (_, i) => 10 ** (150 - 60 * i));
      const S = mat(n, n, S0.data.map((v, idx) => v * D[Math.floor(idx / n)] * D[idx % n]));
      const L = cholesky(S, o);
      expect(allFinite(L.data)).toBe(true);
      const Lr = L0().data;
      for (let i = 0; i < n; i++) {
        const row = Array.from({ length: i + 1 }, (_, j) => L.data[i * n + j] / D[i]);
        expect(relErr(row, Array.from({ length: i + 1 }, (_, j) => Lr[i * n + j]))).toBeLessThan(1e-13);
      }
    });

    it("entries equal to the largest double", () => {
      const S = mat(2, 2, [MAX, MAX / 2, MAX / 2, MAX]);
      const L = cholesky(S, o);
      expect(allFinite(L.data)).toBe(true);
      expect(relErr(matmul(downM(L, 512), downM(L, 512), false, true).data, down(S.data, 1024))).toBeLessThan(1e-15);
    });
  });

  describe("solveTriangular", () => {
    const S0 = spd(6, 5);
    const L0 = () => cholesky(S0, o);
    const b0 = randn(6, 2, 6);
    const variants = [
      { lower: true, trans: false }, { lower: true, trans: true }, { lower: false, trans: false }, { lower: false, trans: true },
    ];
    const transpose = (M: DenseMatrix) => ({ rows: M.cols, cols: M.rows, data: matmul(M, identityM(M.rows), true, false).data });
    it.each(SCALES)("T and B scaled by %s (and B by 1): X = X0 (and X0 / scale)", (_, c) => {
      for (const v of variants) {
        const T0 = v.lower ? L0() : transpose(L0());
        const X0 = solveTriangular(T0, b0, { ...o, ...v });
        const T = scaledBy(T0, c);
        const X = solveTriangular(T, scaledBy(b0, c), { ...o, ...v });
        expect(allFinite(X.data)).toBe(true);
        const tol = c === 1e-310 ? 1e-12 : 1e-13;
        expect(relErr(X.data, X0.data)).toBeLessThan(tol);
        // B unscaled: X = X0 / c, compared in scaled form (beyond the double range for c = 1e-310: TOO_LARGE).
        if (c === 1e-310) {
          expect(codeOf(() => solveTriangular(T, b0, { ...o, ...v }))).toBe("TOO_LARGE");
          continue;
        }
        const Y = solveTriangular(T, b0, { ...o, ...v });
        expect(allFinite(Y.data)).toBe(true);
        const ey = expOf(Y.data);
        const k = Math.round(Math.log2(c));
        expect(relErr(down(Y.data, ey), X0.data.map((w) => pow2(w / (c / 2 ** k), -k - ey)))).toBeLessThan(tol);
      }
    });

    it("an intermediate product beyond the double range does not make the answer Infinity", () => {
      // x0 = 1e10 and T[1][0] x0 = 1e310, yet x1 = (1e300 - 1e310) / 1e300 = 1 - 1e10.
      const x = solveTriangular(mat(2, 2, [1, 0, 1e300, 1e300]), [1e10, 1e300], o);
      expect(x[0]).toBe(1e10);
      expect(Math.abs(x[1] - (1 - 1e10)) / 1e10).toBeLessThan(1e-15);
      const y = solveTriangular(mat(2, 2, [1, 1e300, 0, 1e300]), [1e10, 1e300], { ...o, lower: false, trans: true });
      expect(Math.abs(y[1] - (1 - 1e10)) / 1e10).toBeLessThan(1e-15);
      const z = solveTriangular(mat(2, 2, [MAX, 0, MAX, MAX]), [MAX, MAX], o);
      expect(Array.from(z)).toEqual([1, 0]);
    });

    it("throws TOO_LARGE when the solution is beyond the double range", () => {
      expect(codeOf(() => solveTriangular(mat(2, 2, [1e-300, 0, 1, 1]), [1e10, 2], o))).toBe("TOO_LARGE");
      expect(codeOf(() => solveTriangular(mat(2, 2, [1e-310, 0, 1e-310, 1e-310]), [1, 2], o))).toBe("TOO_LARGE");
      expect(codeOf(() => solveTriangular(mat(1, 1, [0.5]), [MAX], o))).toBe("TOO_LARGE");
    });
  });

  describe("lstsq", () => {
    const A0 = randn(9, 4, 7);
    const b0 = randn(9, 1, 8).data;
    const r0 = () => lstsq(A0, b0, o);
    it.each(SCALES)("A and b scaled by %s: x = x0, residual = scale * residual0", (_, c) => {
      const r0v = r0();
      const r = lstsq(scaledBy(A0, c), b0.map((v) => v * c), o);
      expect(allFinite(r.x) && Number.isFinite(r.residual) && allFinite(r.s)).toBe(true);
      const tol = c === 1e-310 ? 1e-12 : 1e-13;
      expect(relErr(r.x, r0v.x)).toBeLessThan(tol);
      const k = Math.round(Math.log2(c));
      expect(Math.abs(pow2(r.residual, -k) - r0v.residual * (c / 2 ** k)) / r0v.residual).toBeLessThan(tol);
      expect(r.rank).toBe(4);
    });

    it("A scaled by 1e300, b unscaled: x = x0 / 1e300 (tiny but finite)", () => {
      const r0v = r0();
      const r = lstsq(scaledBy(A0, 1e300), b0, o);
      expect(allFinite(r.x)).toBe(true);
      expect(relErr(r.x.map((v) => v * 1e300), r0v.x)).toBeLessThan(1e-13);
      expect(Math.abs(r.residual - r0v.residual) / r0v.residual).toBeLessThan(1e-13);
    });

    it("rank-deficient and graded: minimum-norm solution of the scaled problem", () => {
      const B = randn(9, 2, 9), C = randn(2, 4, 10);
      const A1 = matmul(B, C);
      const ref = lstsq(A1, b0, o);
      expect(ref.rank).toBe(2);
      for (const c of [2 ** 1000, 1e-310, 1e300]) {
        // Rounding 1e-310 entries to the subnormal grid perturbs A by about 1e-14 of its norm: a looser rcond.
        const r = lstsq(scaledBy(A1, c), b0.map((v) => v * c), { ...o, rcond: c === 1e-310 ? 1e-11 : undefined });
        expect(r.rank).toBe(2);
        expect(allFinite(r.x)).toBe(true);
        expect(relErr(r.x, ref.x)).toBeLessThan(c === 1e-310 ? 1e-11 : 1e-13);
      }
      const G = graded(8, 5, 5, 11);
      const r = lstsq(G, randn(8, 1, 12).data, o);
      expect(allFinite(r.x) && Number.isFinite(r.residual)).toBe(true);
    });

    it("entries equal to the largest double: finite, or TOO_LARGE when s or x is beyond range", () => {
      const A = mat(3, 2, [MAX, 1, 2, 3, 4, 5]);
      const r = lstsq(A, [MAX, 3, 4], o);
      expect(allFinite(r.x) && Number.isFinite(r.residual) && allFinite(r.s)).toBe(true);
      expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-13);
      expect(codeOf(() => lstsq(mat(2, 2, [MAX, 1.7e308, 1e308, -1.5e308]), [1, 1], o))).toBe("TOO_LARGE");
      expect(codeOf(() => lstsq(mat(2, 1, [1e-300, 1e-300]), [MAX, MAX], o))).toBe("TOO_LARGE");
    });
  });

  it("both backends agree on extreme inputs", () => {
    if (backend !== "wasm") return;
    const A = graded(7, 5, 3, 13);
    const a = svd(A, { backend: "wasm" }), b = svd(A, { backend: "js" });
    const e = expOf(a.s);
    expect(relErr(down(a.s, e), down(b.s, e))).toBeLessThan(1e-13);
    const S = wildSymmetric(5, 14);
    const p = eigh(S, { backend: "wasm" }).values, q = eigh(S, { backend: "js" }).values;
    expect(relErr(down(p, expOf(p)), down(q, expOf(p)))).toBeLessThan(1e-13);
  });
});

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

function identityM(n: number): DenseMatrix {
  return { rows: n, cols: n, data: identity(n) };
}

describe("solveTriangular with a subnormal right-hand side", () => {
  it.each(["js", "wasm"] as const)("%s: 4 x = 8e-323 gives 2e-323", async (backend) => {
    const { init, solveTriangular } = await import("../src/index.js");
    await init();
    const x = solveTriangular({ rows: 1, cols: 1, data: new Float64Array([4]) }, [8e-323], { backend }) as Float64Array;
    expect(x[0]).toBe(8e-323 / 4);
  });
});
