import { qr, Rng } from "@lowrank/linalg";
import { describe, expect, it } from "vitest";
import { init } from "../src/index.js";
import { jsSvdUpdateKernels, type SvdUpdateKernels } from "../src/kernels/index.js";
import { svdUpdateModule } from "../src/module.js";
import { randn, relDiff, variants } from "./helpers.js";

// The approximate-space kernels (assembly/approx-space.ts): gklExpand, the whole
// Golub-Kahan-Lanczos loop of one batch, and pairCoordinates, R = Zᵀ X.
const n = 40, k = 5, s = 6;
// V: orthonormal n x k, stored as Pg K with an orthogonal K (Pg = V Kᵀ); E: s random vectors.
const V = qr(randn(n, k, 1), { backend: "js" }).Q.data;
const Kq = qr(randn(k, k, 2), { backend: "js" }).Q.data;
const Pg = new Float64Array(n * k);
for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) Pg[i * k + a] += V[i * k + b] * Kq[a * k + b];
const E = randn(s, n, 3).data;
const Ec = new Float64Array(s * k), Xd = new Float64Array(s * n);
for (let j = 0; j < s; j++) for (let a = 0; a < k; a++) for (let i = 0; i < n; i++) Ec[j * k + a] += E[j * n + i] * V[i * k + a];
for (let j = 0; j < s; j++) for (let i = 0; i < n; i++) {
  let t = E[j * n + i];
  for (let a = 0; a < k; a++) t -= V[i * k + a] * Ec[j * k + a];
  Xd[j * n + i] = t;
}
const q0 = new Rng(4).fillNormal(new Float64Array(s));

interface Out {
  lq: number;
  /** The left vectors q_i as dense rows (lq x n) and their coordinates R (lq x s). */
  Q: Float64Array;
  R: Float64Array;
  /** max |c_i - Vᵀ b_i| (pair form). */
  cErr: number;
}

type F64 = (len: number) => Float64Array;

/** Pair form (kc = k, V as Pg K or as V with identity) or dense form (kc = 0). */
function run(K: SvdUpdateKernels, f64: F64, mode: "pair" | "pairIdentity" | "dense", l: number): Out {
  const kc = mode === "dense" ? 0 : k;
  const Xb = f64(s * n), Xc = f64(Math.max(s * kc, 1)), P = f64(n * k), Kw = f64(k * k);
  Xb.set(mode === "dense" ? Xd : E);
  if (kc > 0) Xc.set(Ec);
  P.set(mode === "pair" ? Pg : V);
  Kw.set(Kq);
  const B = f64(l * n), C = f64(Math.max(l * kc, 1)), Vr = f64(l * s), Rg = f64(l * l), Rv = f64(l * l), t = f64(k);
  Vr.set(q0);
  const lq = K.gklExpand(s, n, kc, k, l, Xb, Xc, P, Kw, mode !== "pair", B, C, Vr, Rg, Rv, t, 1e-12);
  const R = f64(Math.max(lq * s, 1));
  K.pairCoordinates(s, n, kc, lq, Xb, Xc, B, C, R);
  const Q = new Float64Array(lq * n);
  let cErr = 0;
  for (let i = 0; i < lq; i++) {
    for (let j = 0; j < n; j++) {
      let x = B[i * n + j];
      for (let a = 0; a < kc; a++) x -= V[j * k + a] * C[i * kc + a];
      Q[i * n + j] = x;
    }
    for (let a = 0; a < kc; a++) {
      let c = 0;
      for (let j = 0; j < n; j++) c += V[j * k + a] * B[i * n + j];
      cErr = Math.max(cErr, Math.abs(c - C[i * kc + a]));
    }
  }
  return { lq, Q, R: R.slice(0, lq * s), cErr };
}

const js = (mode: "pair" | "pairIdentity" | "dense", l: number) => run(jsSvdUpdateKernels, (len) => new Float64Array(len), mode, l);

describe("approximate-space kernels", () => {
  it("gklExpand builds orthonormal left vectors orthogonal to V in the Krylov space, the same in pair and dense form", () => {
    for (const l of [3, s]) {
      const o = js("pair", l), oi = js("pairIdentity", l), od = js("dense", l);
      expect([o.lq, oi.lq, od.lq]).toEqual([l, l, l]);
      // c = Vᵀ b (re-projected), QQᵀ = I, QV = 0.
      expect(o.cErr).toBeLessThan(1e-13);
      for (let a = 0; a < l; a++) {
        for (let b = 0; b < l; b++) {
          let d = 0;
          for (let j = 0; j < n; j++) d += o.Q[a * n + j] * o.Q[b * n + j];
          expect(Math.abs(d - (a === b ? 1 : 0))).toBeLessThan(1e-13);
        }
        for (let c = 0; c < k; c++) {
          let d = 0;
          for (let j = 0; j < n; j++) d += o.Q[a * n + j] * V[j * k + c];
          expect(Math.abs(d)).toBeLessThan(1e-13);
        }
      }
      // u_1 = X v_1 / ||X v_1|| for v_1 = q0 / ||q0||.
      const u = new Float64Array(n);
      for (let j = 0; j < s; j++) for (let i = 0; i < n; i++) u[i] += q0[j] * Xd[j * n + i];
      const nu = Math.hypot(...u);
      for (let i = 0; i < n; i++) expect(Math.abs(o.Q[i] - u[i] / nu)).toBeLessThan(1e-13);
      // The three forms span the same vectors, and R = Zᵀ X.
      expect(relDiff(oi.Q, o.Q)).toBeLessThan(1e-12);
      expect(relDiff(od.Q, o.Q)).toBeLessThan(1e-12);
      expect(relDiff(od.R, o.R)).toBeLessThan(1e-12);
      for (let a = 0; a < l; a++) for (let j = 0; j < s; j++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += o.Q[a * n + i] * Xd[j * n + i];
        expect(Math.abs(d - o.R[a * s + j])).toBeLessThan(1e-12);
      }
    }
    // l = s: the whole residual space, X = Qᵀ R.
    const o = js("pair", s);
    for (let j = 0; j < s; j++) for (let i = 0; i < n; i++) {
      let x = 0;
      for (let a = 0; a < s; a++) x += o.Q[a * n + i] * o.R[a * s + j];
      expect(Math.abs(x - Xd[j * n + i])).toBeLessThan(1e-12);
    }
  });

  it("gklExpand stops on a zero start vector and when a new vector lies in the span", () => {
    const K = jsSvdUpdateKernels;
    const z = () => new Float64Array(64);
    // Zero start: no space.
    expect(K.gklExpand(s, n, 0, k, 3, Float64Array.from(Xd), z(), Float64Array.from(V), z(), true, new Float64Array(3 * n), z(), new Float64Array(3 * s), z(), z(), z(), 1e-12)).toBe(0);
    // Rank-1 batch (every row a multiple of X's first row): one vector however large l.
    const X1 = new Float64Array(s * n);
    for (let j = 0; j < s; j++) for (let i = 0; i < n; i++) X1[j * n + i] = (j + 1) * Xd[i];
    const Vr = new Float64Array(s * s);
    Vr.set(q0);
    expect(K.gklExpand(s, n, 0, k, s, X1, z(), Float64Array.from(V), z(), true, new Float64Array(s * n), z(), Vr, z(), z(), z(), 1e-12)).toBe(1);
  });

  for (const variant of variants) {
    it(`wasm (${variant}) agrees with js to 1e-12`, async () => {
      await init({ variant });
      for (const mode of ["pair", "pairIdentity", "dense"] as const) {
        const w = svdUpdateModule.run("wasm", 1 << 18, (ws) => run(ws.kernels, (len) => ws.f64(len), mode, s));
        const j = js(mode, s);
        expect(w.lq).toBe(j.lq);
        expect(relDiff(w.Q, j.Q), mode).toBeLessThan(1e-12);
        expect(relDiff(w.R, j.R), mode).toBeLessThan(1e-12);
      }
    });
  }
});
