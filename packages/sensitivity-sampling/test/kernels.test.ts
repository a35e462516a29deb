import { describe, expect, it, beforeAll } from "vitest";
import { Rng } from "@lowrank/linalg";
import { init } from "../src/index.js";
import { jsSensitivityKernels, type SensitivityKernels } from "../src/kernels/index.js";
import { inverseCholeskyFactor } from "../src/lewis-fixed-point.js";
import { sensitivityModule } from "../src/module.js";
import { relDiff, variants } from "./helpers.js";

beforeAll(async () => {
  await init();
});

/** Runs `fn` on the js kernel set and on every wasm variant's, returning the outputs (js first). */
async function onAll(bytes: number, fn: (K: SensitivityKernels, alloc: (src: Float64Array | number) => Float64Array) => Float64Array): Promise<Float64Array[]> {
  const out = [fn(jsSensitivityKernels, (src) => (typeof src === "number" ? new Float64Array(src) : src.slice()))];
  for (const v of variants) {
    await init({ variant: v });
    out.push(sensitivityModule.run("wasm", bytes, (ws) => ws.output(fn(ws.kernels, (src) => (typeof src === "number" ? ws.f64(src) : ws.copy(src))))));
  }
  return out;
}

describe("kernels", () => {
  const n = 1000, d = 7;
  const A = new Rng(3).fillNormal(new Float64Array(n * d));
  const v = new Rng(4).fillUniform(new Float64Array(n));

  it("tallQrR: RᵀR = MᵀM with a last partial chunk, on every backend", async () => {
    const outs = await onAll(1 << 20, (K, f) => {
      const R = f(d * d);
      K.tallQrR(n, d, f(A), d, 96, R, f((d + 96) * d), f(d), f(d));
      return R;
    });
    const MtM = new Float64Array(d * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) MtM[j * d + k] += A[i * d + j] * A[i * d + k];
    for (const R of outs) {
      const RtR = new Float64Array(d * d);
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) RtR[j * d + k] += R[l * d + j] * R[l * d + k];
      expect(relDiff(RtR, MtM)).toBeLessThan(1e-12);
      for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) expect(R[j * d + k]).toBe(0);
    }
  });

  it("stackQrR: R'ᵀR' = RᵀR + BᵀB, js and wasm bit for bit, odd and even widths, zero and partial chunks", async () => {
    // n = 1000 rows: seven full 128-row chunks and a partial one of 104 (four-row groups plus none left),
    // and n = 131 (a 3-row tail); a zero column, and a start R that is not zero.
    for (const [m, w] of [[1000, 7], [1000, 10], [131, 5], [300, 1]] as const) {
      const B = new Rng(10 + w).fillNormal(new Float64Array(m * w));
      if (w > 2) for (let i = 0; i < m; i++) B[i * w + 1] = 0;
      const R0 = new Float64Array(w * w);
      const g0 = new Rng(20 + w).fillNormal(new Float64Array(w * w));
      for (let j = 0; j < w; j++) for (let k = j; k < w; k++) R0[j * w + k] = g0[j * w + k];
      const outs = await onAll(1 << 20, (K, f) => {
        const R = f(R0);
        K.stackQrR(m, w, f(B), w, R, f(2 * w));
        return R;
      });
      const want = new Float64Array(w * w);
      for (let j = 0; j < w; j++) for (let k = 0; k < w; k++) {
        for (let i = 0; i < m; i++) want[j * w + k] += B[i * w + j] * B[i * w + k];
        for (let l = 0; l < w; l++) want[j * w + k] += R0[l * w + j] * R0[l * w + k];
      }
      for (const R of outs) {
        const RtR = new Float64Array(w * w);
        for (let j = 0; j < w; j++) for (let k = 0; k < w; k++) for (let l = 0; l < w; l++) RtR[j * w + k] += R[l * w + j] * R[l * w + k];
        expect(relDiff(RtR, want)).toBeLessThan(1e-12);
        for (let j = 0; j < w; j++) for (let k = 0; k < j; k++) expect(R[j * w + k]).toBe(0);
      }
      // No fused multiply-adds and the same order: the simd binary reproduces the reference exactly.
      const simd = variants.indexOf("simd");
      expect(Array.from(outs[1 + simd])).toEqual(Array.from(outs[0]));
      for (const R of outs.slice(1)) expect(relDiff(R, outs[0])).toBeLessThan(1e-13);
    }
  });

  it("stackQrR: a column whose remainder is near underflow keeps R backward stable (its norm taken scaled), js and simd bit for bit", async () => {
    // A matrix the contract suite found: after the first reflector, column 1's remainder is about 1.8e-161, whose
    // square is subnormal; the old sum of squares lost its bits and spoilt column 2 of R (0.0075 where 1e-84 is
    // right). Padded with zero rows to 130 (two chunks). The norm of every column of R must be that of B's.
    const rows = [[-1.763008849415649, -1.1989097272483074, 4.647110297819182e-120], [2.68408708682939e-161, 2.2883557340936752e-246, -1.1659347632843462], [1.2951634e-317, -2.0595201606843076e-245, 0]];
    for (const m of [3, 130]) {
      const w = 3;
      const B = new Float64Array(m * w);
      rows.forEach((r, i) => B.set(r, i * w));
      const outs = await onAll(1 << 20, (K, f) => {
        const R = f(w * w);
        K.stackQrR(m, w, f(B), w, R, f(2 * w));
        return R;
      });
      for (const R of outs) {
        for (let k = 0; k < w; k++) {
          let rn = 0, bn = 0;
          for (let l = 0; l <= k; l++) rn += R[l * w + k] ** 2;
          for (let i = 0; i < m; i++) bn += B[i * w + k] ** 2;
          expect(Math.abs(Math.sqrt(rn) / Math.sqrt(bn) - 1)).toBeLessThan(1e-14);
        }
        // The remainder of column 1 is about 1e-161 · sqrt(m), not rounding noise.
        expect(Math.abs(R[w + 1])).toBeGreaterThan(1e-163);
        expect(Math.abs(R[w + 1])).toBeLessThan(1e-158);
      }
      const simd = variants.indexOf("simd");
      expect(Array.from(outs[1 + simd])).toEqual(Array.from(outs[0]));
    }
  });

  it("stackQrR: a NaN or infinity in B makes R non-finite", async () => {
    for (const bad of [NaN, Infinity]) {
      const B = new Rng(7).fillNormal(new Float64Array(200 * 4));
      B[150 * 4 + 2] = bad;
      const outs = await onAll(1 << 20, (K, f) => {
        const R = f(16);
        K.stackQrR(200, 4, f(B), 4, R, f(8));
        return R;
      });
      for (const R of outs) expect(R.some((x) => !Number.isFinite(x))).toBe(true);
    }
  });

  it("weightedGram and rowNormsOfProduct match their definitions on every backend", async () => {
    const gram = await onAll(1 << 20, (K, f) => {
      const G = f(d * d);
      K.weightedGram(n, d, f(A), d, f(v), G);
      return G;
    });
    const G = new Float64Array(d * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) G[j * d + k] += v[i] * A[i * d + j] * A[i * d + k];
    for (const g of gram) expect(relDiff(g, G)).toBeLessThan(1e-13);
    const B = new Rng(5).fillNormal(new Float64Array(d * 3));
    const norms = await onAll(1 << 20, (K, f) => {
      const out = f(n);
      K.rowNormsOfProduct(n, d, 3, f(A), d, f(B), 3, false, out, f(6));
      return out;
    });
    const want = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += A[i * d + j] * B[j * 3 + c];
        want[i] += s * s;
      }
    }
    for (const o of norms) expect(relDiff(o, want)).toBeLessThan(1e-13);
  });

  it("lewisUpdateGram = lewisUpdate then weightedGram, bitwise on simd, across several blocks and a ragged tail", async () => {
    // 1203 rows: two full 512-row blocks, a partial one, and n % 4 = 3 rows outside the four-row groups.
    const m = 1203, e = 6;
    const Am = new Rng(21).fillNormal(new Float64Array(m * e));
    const U = new Float64Array(e * e);
    const ru = new Rng(22);
    for (let j = 0; j < e; j++) for (let k = j; k < e; k++) U[j * e + k] = (j === k ? 1 : 0.1) * (1 + ru.uniform());
    for (const [p, alpha] of [[1, 1.25], [1.5, 1], [3, 1]] as const) {
      const run = (fused: boolean) => async () =>
        onAll(1 << 20, (K, f) => {
          const lw = f(new Rng(23).fillUniform(new Float64Array(m)).map((x) => -2 * x)), vv = f(m), G = f(e * e), z = f(2 * e), a = f(Am), u = f(U);
          const out = new Float64Array(2 * m + e * e + 1);
          if (fused) out[0] = K.lewisUpdateGram(m, e, a, e, u, p, alpha, lw, vv, z, G);
          else {
            out[0] = K.lewisUpdate(m, e, a, e, u, p, alpha, lw, vv, z);
            K.weightedGram(m, e, a, e, vv, G);
          }
          out.set(lw, 1);
          out.set(vv, 1 + m);
          out.set(G, 1 + 2 * m);
          return out;
        });
      const fused = await run(true)(), plain = await run(false)();
      // js first, then the wasm variants in `variants` order.
      for (let b = 0; b < fused.length; b++) {
        if (b === 0 || variants[b - 1] === "simd") expect(Array.from(fused[b])).toEqual(Array.from(plain[b]));
        else expect(relDiff(fused[b], plain[b])).toBeLessThan(1e-13);
        expect(relDiff(fused[b], fused[0])).toBeLessThan(1e-12);
      }
    }
  });

  it("rowNormsOfProduct's register tile: every panel width (k = 1..9), odd n, upper triangular, matches the definition; simd bitwise = js", async () => {
    const n2 = 999;
    for (const k of [1, 2, 3, 4, 5, 6, 7, 9]) {
      const B = new Rng(10 + k).fillNormal(new Float64Array(d * k));
      const outs = await onAll(1 << 20, (K, f) => {
        const out = f(n2);
        K.rowNormsOfProduct(n2, d, k, f(A), d, f(B), k, false, out, f(2 * k));
        return out;
      });
      const want = new Float64Array(n2);
      for (let i = 0; i < n2; i++) {
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += A[i * d + j] * B[j * k + c];
          want[i] += s * s;
        }
      }
      for (const o of outs) expect(relDiff(o, want)).toBeLessThan(1e-13);
      if (variants[0] === "simd") expect(Array.from(outs[1])).toEqual(Array.from(outs[0]));
    }
    // Upper triangular B (zero below the diagonal): the panels stop at the diagonal.
    const U = new Rng(20).fillNormal(new Float64Array(d * d));
    for (let j = 0; j < d; j++) for (let c = 0; c < j; c++) U[j * d + c] = 0;
    const tri = await onAll(1 << 20, (K, f) => {
      const out = f(n2);
      K.rowNormsOfProduct(n2, d, d, f(A), d, f(U), d, true, out, f(2 * d));
      return out;
    });
    const full = await onAll(1 << 20, (K, f) => {
      const out = f(n2);
      K.rowNormsOfProduct(n2, d, d, f(A), d, f(U), d, false, out, f(2 * d));
      return out;
    });
    for (let b = 0; b < tri.length; b++) expect(relDiff(tri[b], full[0])).toBeLessThan(1e-13);
  });

  it("srhtColumns: H D A with H the Walsh-Hadamard matrix (H_ij = (-1)^popcount(i & j)), sampled and scaled; backends agree", async () => {
    const n2 = 45, np = 64, g = 3, j0 = 2, m = 10;
    const sign = Float64Array.from({ length: n2 }, (_, i) => (i % 3 === 0 ? -1 : 1));
    const idx = Int32Array.from([0, 3, 7, 8, 20, 31, 32, 44, 50, 63]);
    const outs = await onAll(1 << 20, (K, f) => {
      const SA = f(m * d);
      const I = K === jsSensitivityKernels ? idx : (() => {
        // The wasm kernel needs the indices inside WASM memory: reuse an f64 block as i32 storage.
        const buf = f(m);
        const view = new Int32Array(buf.buffer, buf.byteOffset, m);
        view.set(idx);
        return view;
      })();
      K.srhtColumns(n2, f(A), d, j0, g, f(sign), np, f(np * 4), 4, m, I, 0.5, SA, d);
      return SA;
    });
    const pop = (x: number) => { let c = 0; while (x) { c += x & 1; x >>= 1; } return c; };
    const want = new Float64Array(m * d);
    for (let r = 0; r < m; r++) {
      for (let t = 0; t < g; t++) {
        let s = 0;
        for (let i = 0; i < n2; i++) s += (pop(idx[r] & i) % 2 ? -1 : 1) * sign[i] * A[i * d + j0 + t];
        want[r * d + j0 + t] = 0.5 * s;
      }
    }
    for (const o of outs) expect(relDiff(o, want)).toBeLessThan(1e-13);
  });

  it("countSketch sends each row to one bucket with one sign: bucket sums match and backends agree bitwise", async () => {
    const u = new Rng(6).fillUniform(new Float64Array(n));
    const m = 37;
    const outs = await onAll(1 << 20, (K, f) => {
      const SA = f(m * d);
      K.countSketch(n, d, f(A), d, f(u), m, null, SA);
      return SA;
    });
    const want = new Float64Array(m * d);
    for (let i = 0; i < n; i++) {
      const t = Math.floor(u[i] * 2 * m);
      for (let j = 0; j < d; j++) want[(t >> 1) * d + j] += (t & 1 ? -1 : 1) * A[i * d + j];
    }
    for (const o of outs) expect(relDiff(o, want)).toBeLessThan(1e-14);
    expect(Array.from(outs[1])).toEqual(Array.from(outs[0]));
  });

  it("countSketchDraw = rngFill then countSketch, bitwise on every backend, and leaves the generator where rngFill does", async () => {
    // Widths around the scatter's pairs and quads, calls shorter than the generator's lead, and several calls in a row.
    for (const [w, m, calls] of [[1, 3, [5]], [2, 37, [1000]], [7, 37, [10, 1, 300]], [11, 200, [999]], [12, 50, [333]], [50, 5000, [40, 700]]] as [number, number, number[]][]) {
      const rows = calls.reduce((a, b) => a + b, 0);
      const X = new Rng(30 + w).fillNormal(new Float64Array(rows * w));
      const u = new Rng(7).fillUniform(new Float64Array(rows));
      const want = new Float64Array(m * w);
      jsSensitivityKernels.countSketch(rows, w, X, w, u, m, null, want);
      const after = new Rng(7);
      after.fillUniform(new Float64Array(rows));
      const next = after.uniform();
      const outs = await onAll(1 << 22, (K, f) => {
        const SA = f(m * w), x = f(X), rng = new Rng(7);
        let start = 0;
        for (const c of calls) {
          K.countSketchDraw(c, w, x.subarray(start * w, (start + c) * w), w, rng, m, SA);
          start += c;
        }
        expect(rng.uniform()).toBe(next);
        return SA;
      });
      for (const o of outs) expect(Array.from(o)).toEqual(Array.from(want));
    }
  });
  it("inverseCholeskyFactor: Linv = L⁻ᵀ with LinvᵀG Linv = I, no ridge for a positive definite G, linalg's ridge for a singular one", async () => {
    const r = 5;
    const X = new Rng(31).fillNormal(new Float64Array(40 * r));
    const G = new Float64Array(r * r);
    for (let i = 0; i < 40; i++) for (let j = 0; j < r; j++) for (let k = 0; k < r; k++) G[j * r + k] += X[i * r + j] * X[i * r + k];
    // Rank 1: u uᵀ, which does not factor.
    const u = [1, 2, -1, 0.5, 3], S = new Float64Array(r * r);
    for (let j = 0; j < r; j++) for (let k = 0; k < r; k++) S[j * r + k] = u[j] * u[k];
    for (const [M, singular] of [[G, false], [S, true]] as const) {
      const ridges: number[] = [];
      const outs = await onAll(1 << 16, (K, f) => {
        const Gv = f(M), Linv = f(r * r);
        ridges.push(inverseCholeskyFactor(K, r, Gv, f(r * r), Linv));
        expect(Array.from(Gv)).toEqual(Array.from(M));
        return Linv;
      });
      if (singular) {
        let trace = 0;
        for (let j = 0; j < r; j++) trace += M[j * r + j];
        for (const ridge of ridges) {
          expect(ridge).toBeGreaterThan(0);
          // linalg's policy: 1e-12 trace / n, growing 100x per try.
          const tries = Math.log(ridge / ((1e-12 * trace) / r)) / Math.log(100);
          expect(Math.abs(tries - Math.round(tries))).toBeLessThan(1e-9);
        }
      } else for (const ridge of ridges) expect(ridge).toBe(0);
      for (const U of outs) {
        for (let j = 0; j < r; j++) for (let k = 0; k < j; k++) expect(U[j * r + k]).toBe(0);
        // Uᵀ (M + ridge I) U = I.
        const ridge = ridges[0];
        for (let a = 0; a < r; a++) {
          for (let b = 0; b < r; b++) {
            let x = 0;
            for (let j = 0; j < r; j++) for (let k = 0; k < r; k++) x += U[j * r + a] * (M[j * r + k] + (j === k ? ridge : 0)) * U[k * r + b];
            expect(Math.abs(x - (a === b ? 1 : 0))).toBeLessThan(singular ? 1e-3 : 1e-10);
          }
        }
      }
    }
  });
});
