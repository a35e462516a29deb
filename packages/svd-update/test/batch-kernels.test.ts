import { Rng } from "@lowrank/linalg";
import { describe, expect, it } from "vitest";
import { init } from "../src/index.js";
import { jsSvdUpdateKernels, type SvdUpdateKernels } from "../src/kernels/index.js";
import { svdUpdateModule } from "../src/module.js";
import { randn, relDiff, sparseRandom, variants } from "./helpers.js";

// The per-batch kernels (assembly/batch.ts): known answers on the js set, and
// the wasm set agreeing with it.
const dim = 30, k = 5;
const batch = sparseRandom(4, dim, 0.3, 7);
const P = randn(dim, k, 8).data;
const Kmat = randn(k, k, 9).data;
const H = randn(k, k, 10).data;
for (let i = 0; i < k; i++) H[i * k + i] += 4;

interface Out {
  p: number;
  idx: Int32Array;
  marker: Int32Array;
  Ec: Float64Array;
  C0: Float64Array;
  C0k: Float64Array;
  M: Float64Array;
  F: Float64Array;
  theta: Float64Array;
  G: Float64Array;
  Kn: Float64Array;
  Kin: Float64Array;
  est: number;
  bad: number[];
}

type Alloc = { f64: (n: number) => Float64Array; i32: (n: number) => Int32Array };

function run(K: SvdUpdateKernels, a: Alloc): Out {
  const s = batch.rows, nnz = batch.indptr[s];
  const ip = a.i32(s + 1), ix = a.i32(nnz), d = a.f64(nnz);
  ip.set(batch.indptr);
  ix.set(batch.indices);
  d.set(batch.data);
  const marker = a.i32(dim);
  marker.fill(-1);
  const idx = a.i32(nnz);
  const p = K.csrSupport(s, dim, ip, ix, d, marker, idx);
  const Pw = a.f64(dim * k), Kw = a.f64(k * k);
  Pw.set(P);
  Kw.set(Kmat);
  const Ec = a.f64(s * p), C0 = a.f64(s * k), tmp = a.f64(s * k), C0k = a.f64(s * k);
  // Identity first (marker then reset), then with K after marking again.
  K.projectBatch(s, p, k, ip, ix, d, marker, idx, Pw, Kw, true, Ec, C0, tmp);
  const markerAfter = marker.slice();
  K.csrSupport(s, dim, ip, ix, d, marker, idx);
  const Ec2 = a.f64(s * p);
  K.projectBatch(s, p, k, ip, ix, d, marker, idx, Pw, Kw, false, Ec2, C0k, tmp);
  // Core matrix of appending the 4 rows with sq = 3 kept directions, and its SVD.
  const sq = 3, w = k + sq, sv = a.f64(k), R = a.f64(sq * s), M = a.f64((k + s) * w);
  for (let i = 0; i < k; i++) sv[i] = 5 - i;
  const rng = new Rng(11);
  for (let i = 0; i < sq * s; i++) R[i] = rng.normal();
  K.appendCore(k, s, sq, sv, C0, R, M);
  const r = k + s, Rr = Math.min(r, w), L = Math.max(r, w);
  const X = a.f64(Rr * (L + Rr)), dd = a.f64(Rr), F = a.f64(r * k), theta = a.f64(k), G = a.f64(w * k);
  K.smallSvdCore(r, w, M, k, X, dd, F, theta, G, 30, a.f64(5 * Rr + 5));
  const Hw = a.f64(k * k), Kinv = a.f64(k * k), Kn = a.f64(k * k), Kin = a.f64(k * k), work = a.f64(3 * k * k + 2 * k);
  Hw.set(H);
  for (let i = 0; i < k; i++) Kinv[i * k + i] = 1;
  const est = K.rotateFactor(k, Kw, Kinv, Hw, false, Kn, Kin, work);
  // Bad batches: decreasing indptr, index out of range, NaN.
  const bad: number[] = [];
  const m2 = a.i32(dim);
  m2.fill(-1);
  const bi = a.i32(3), bx = a.i32(2), bd = a.f64(2), bidx = a.i32(2);
  bi.set([0, 2, 1]);
  bx.set([0, 1]);
  bd.set([1, 2]);
  bad.push(K.csrSupport(2, dim, bi, bx, bd, m2, bidx));
  bi.set([0, 1, 2]);
  bx.set([0, dim]);
  bad.push(K.csrSupport(2, dim, bi, bx, bd, m2, bidx));
  bx.set([0, 1]);
  bd.set([1, NaN]);
  bad.push(K.csrSupport(2, dim, bi, bx, bd, m2, bidx));
  bad.push(m2.every((v) => v === -1) ? 0 : 1);
  return {
    p, idx: idx.slice(0, p), marker: markerAfter, Ec: Ec.slice(), C0: C0.slice(), C0k: C0k.slice(), M: M.slice(),
    F: F.slice(), theta: theta.slice(), G: G.slice(), Kn: Kn.slice(), Kin: Kin.slice(), est, bad,
  };
}

const js = () => run(jsSvdUpdateKernels, { f64: (n) => new Float64Array(n), i32: (n) => new Int32Array(n) });

describe("batch kernels", () => {
  it("csrSupport lists the support in first-seen order, validates, and projectBatch scatters, projects and resets the marker", () => {
    const o = js();
    const seen: number[] = [];
    for (const j of batch.indices) if (!seen.includes(j)) seen.push(j);
    expect(o.p).toBe(seen.length);
    expect(Array.from(o.idx)).toEqual(seen);
    expect(o.marker.every((v) => v === -1)).toBe(true);
    expect(o.bad).toEqual([-1, -2, -3, 0]);
    // Ec holds the rows on the support; C0 = E P, C0k = E P K.
    const s = batch.rows;
    for (let i = 0; i < s; i++) {
      for (let q = batch.indptr[i]; q < batch.indptr[i + 1]; q++) expect(o.Ec[i * o.p + seen.indexOf(batch.indices[q])]).toBe(batch.data[q]);
      for (let a = 0; a < k; a++) {
        let t = 0, tk = 0;
        for (let q = batch.indptr[i]; q < batch.indptr[i + 1]; q++) t += batch.data[q] * P[batch.indices[q] * k + a];
        for (let b = 0; b < k; b++) {
          let e = 0;
          for (let q = batch.indptr[i]; q < batch.indptr[i + 1]; q++) e += batch.data[q] * P[batch.indices[q] * k + b];
          tk += e * Kmat[b * k + a];
        }
        expect(Math.abs(o.C0[i * k + a] - t)).toBeLessThan(1e-12);
        expect(Math.abs(o.C0k[i * k + a] - tk)).toBeLessThan(1e-12);
      }
    }
  });

  it("smallSvdCore factors the core matrix appendCore builds, and rotateFactor gives K H and its inverse", () => {
    const o = js();
    const s = batch.rows, sq = 3, w = k + sq, r = k + s;
    // M = [[diag(sv), 0], [C0, Rᵀ]]: check the diagonal block, then F diag(theta) Gᵀ against M's best rank-k part through Fᵀ M G = diag(theta).
    for (let i = 0; i < k; i++) for (let j = 0; j < w; j++) expect(o.M[i * w + j]).toBe(i === j ? 5 - i : 0);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let t = 0;
      for (let i = 0; i < r; i++) for (let j = 0; j < w; j++) t += o.F[i * k + a] * o.M[i * w + j] * o.G[j * k + b];
      expect(Math.abs(t - (a === b ? o.theta[a] : 0))).toBeLessThan(1e-10 * o.theta[0]);
    }
    for (let a = 1; a < k; a++) expect(o.theta[a]).toBeLessThanOrEqual(o.theta[a - 1]);
    // Kn = K H, Kin = H⁻¹ (K⁻¹ = I): Kin H = I.
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let kh = 0, hi = 0;
      for (let t = 0; t < k; t++) {
        kh += Kmat[i * k + t] * H[t * k + j];
        hi += o.Kin[i * k + t] * H[t * k + j];
      }
      expect(Math.abs(o.Kn[i * k + j] - kh)).toBeLessThan(1e-12);
      expect(Math.abs(hi - (i === j ? 1 : 0))).toBeLessThan(1e-12);
    }
    const fro = (x: Float64Array) => Math.sqrt(x.reduce((t, v) => t + v * v, 0));
    expect(o.est).toBeCloseTo(fro(o.Kn) * fro(o.Kin), 10);
    // A singular H: -1.
    const Z = new Float64Array(k * k), work = new Float64Array(3 * k * k + 2 * k);
    expect(jsSvdUpdateKernels.rotateFactor(k, Z, Z, Z, true, new Float64Array(k * k), new Float64Array(k * k), work)).toBe(-1);
  });

  for (const variant of variants) {
    it(`wasm (${variant}) agrees with js to 1e-12`, async () => {
      await init({ variant });
      const w = svdUpdateModule.run("wasm", 1 << 18, (ws) => run(ws.kernels, { f64: (n) => ws.f64(n), i32: (n) => ws.i32(n) }));
      const j = js();
      expect(w.p).toBe(j.p);
      expect(Array.from(w.idx)).toEqual(Array.from(j.idx));
      expect(Array.from(w.marker)).toEqual(Array.from(j.marker));
      expect(w.bad).toEqual(j.bad);
      for (const key of ["Ec", "C0", "C0k", "M", "F", "theta", "G", "Kn", "Kin"] as const) {
        expect(relDiff(w[key], j[key]), key).toBeLessThan(1e-12);
      }
      expect(Math.abs(w.est - j.est) / j.est).toBeLessThan(1e-12);
    });
  }
});
