import { qr, type DenseMatrix } from "@lowrank/linalg";
import { describe, expect, it } from "vitest";
import { init } from "../src/index.js";
import { jsSvdUpdateKernels, type SvdUpdateKernels } from "../src/kernels/index.js";
import { svdUpdateModule } from "../src/module.js";
import { randn, relDiff, variants } from "./helpers.js";

const n = 40, k = 5, s = 6;
// V: an orthonormal n x k basis; E: s vectors with a component outside span(V), two of them dependent.
const V = qr(randn(n, k, 1), { backend: "js" }).Q;
const E = randn(s, n, 2);
for (let j = 0; j < n; j++) E.data[3 * n + j] = E.data[0 * n + j] - 2 * E.data[1 * n + j] + 0.5 * V.data[j * k];
for (let j = 0; j < n; j++) E.data[5 * n + j] = V.data[j * k + 2];

interface Out {
  kept: number;
  B: Float64Array;
  C: Float64Array;
  R: Float64Array;
  C0: Float64Array;
}

function run(K: SvdUpdateKernels, f64: (n: number) => Float64Array, start: number): Out {
  const B = f64(s * n), C = f64(s * k), R = f64(s * s), C0 = new Float64Array(s * k);
  B.set(E.data);
  for (let i = 0; i < s; i++) for (let a = 0; a < k; a++) {
    let t = 0;
    for (let j = 0; j < n; j++) t += E.data[i * n + j] * V.data[j * k + a];
    C[i * k + a] = C0[i * k + a] = t;
  }
  const kept = K.sparseGramSchmidt(s, n, k, B, C, R, 1e-12, start);
  return { kept, B: B.slice(), C: C.slice(), R: R.slice(), C0 };
}

/** q_i = b_i - V c_i as rows. */
function dense(o: Out): DenseMatrix {
  const q = new Float64Array(o.kept * n);
  for (let i = 0; i < o.kept; i++) for (let j = 0; j < n; j++) {
    let t = o.B[i * n + j];
    for (let a = 0; a < k; a++) t -= V.data[j * k + a] * o.C[i * k + a];
    q[i * n + j] = t;
  }
  return { rows: o.kept, cols: n, data: q };
}

describe("sparseGramSchmidt", () => {
  it("orthonormalises b - V c against V and each other, drops the dependent vectors, and E = V C0 + Qᵀ R", () => {
    const o = run(jsSvdUpdateKernels, (m) => new Float64Array(m), 0);
    expect(o.kept).toBe(4);
    const Q = dense(o);
    for (let i = 0; i < o.kept; i++) {
      for (let j = 0; j < o.kept; j++) {
        let t = 0;
        for (let c = 0; c < n; c++) t += Q.data[i * n + c] * Q.data[j * n + c];
        expect(Math.abs(t - (i === j ? 1 : 0))).toBeLessThan(1e-13);
      }
      for (let a = 0; a < k; a++) {
        let t = 0;
        for (let c = 0; c < n; c++) t += Q.data[i * n + c] * V.data[c * k + a];
        expect(Math.abs(t)).toBeLessThan(1e-13);
      }
    }
    for (let j = 0; j < s; j++) for (let c = 0; c < n; c++) {
      let t = 0;
      for (let a = 0; a < k; a++) t += V.data[c * k + a] * o.C0[j * k + a];
      for (let i = 0; i < o.kept; i++) t += Q.data[i * n + c] * o.R[i * s + j];
      expect(Math.abs(t - E.data[j * n + c])).toBeLessThan(1e-12);
    }
  });

  it("with start = 2 keeps the first two rows as given and orthogonalises the rest against them", () => {
    const a = run(jsSvdUpdateKernels, (m) => new Float64Array(m), 0);
    // Feed the first two orthonormal rows back as the basis to grow from.
    const B = new Float64Array(s * n), C = new Float64Array(s * k), R = new Float64Array(s * s);
    B.set(a.B.subarray(0, 2 * n));
    C.set(a.C.subarray(0, 2 * k));
    B.set(E.data.subarray(2 * n), 2 * n);
    for (let i = 2; i < s; i++) C.set(a.C0.subarray(i * k, i * k + k), i * k);
    const kept = jsSvdUpdateKernels.sparseGramSchmidt(s, n, k, B, C, R, 1e-12, 2);
    expect(kept).toBe(4);
    expect(relDiff(B.subarray(0, 4 * n), a.B.subarray(0, 4 * n))).toBeLessThan(1e-12);
    expect([R[0], R[s + 1]]).toEqual([1, 1]);
  });

  for (const variant of variants) {
    it(`wasm (${variant}) agrees with js to 1e-12`, async () => {
      await init({ variant });
      const w = svdUpdateModule.run("wasm", 1 << 16, (ws) => run(ws.kernels, (m) => ws.f64(m), 0));
      const j = run(jsSvdUpdateKernels, (m) => new Float64Array(m), 0);
      expect(w.kept).toBe(j.kept);
      expect(relDiff(w.B, j.B)).toBeLessThan(1e-12);
      expect(relDiff(w.R, j.R)).toBeLessThan(1e-12);
    });
  }
});
