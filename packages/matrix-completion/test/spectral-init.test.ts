// The spectral start of altmin / robust-altmin (src/spectral-init.ts): by
// default the top-k left singular vectors of (1/p) P_Omega(M) from linalg's
// Lanczos SVD, checked against a dense SVD of that matrix; with powerIters the
// randomized subspace iteration, which only approximates them.
import { describe, expect, it } from "vitest";
import { Rng, svd } from "@lowrank/linalg";
import { completionModule } from "../src/module.js";
import { countObservations, type Observations } from "../src/observations.js";
import { spectralInit, spectralWorkSize } from "../src/spectral-init.js";
import { allocateState, stateBytes } from "../src/state.js";

/** An exact rank-r n x m matrix observed on about `frac` of its entries (every row and column at least once). */
function maskedLowRank(n: number, m: number, r: number, frac: number, seed: number): { obs: Observations; M: Float64Array } {
  const rng = new Rng(seed);
  const X = rng.fillNormal(new Float64Array(n * r)), Y = rng.fillNormal(new Float64Array(m * r));
  const M = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < r; t++) M[i * m + j] += X[i * r + t] * Y[j * r + t];
  const ri: number[] = [], ci: number[] = [], v: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (rng.uniform() < frac || i === j % n || j === i % m) {
        ri.push(i);
        ci.push(j);
        v.push(M[i * m + j]);
      }
    }
  }
  return { obs: { rows: n, cols: m, rowIndex: Int32Array.from(ri), colIndex: Int32Array.from(ci), values: Float64Array.from(v) }, M };
}

/** spectralInit's U0 (n x k) and V (m x k) on one backend. */
async function start(obs: Observations, k: number, backend: "js" | "wasm", powerIters?: number) {
  const counts = countObservations(obs);
  const l = Math.min(k + 10, obs.rows, obs.cols), work = spectralWorkSize(obs.rows, obs.cols, k, l);
  const ws = await completionModule.workspace(backend, stateBytes(counts, k, work, 0));
  const st = allocateState(ws, obs, counts, k, work, null);
  // incoherence 1e6: no row is clipped, so U0 is the singular vectors themselves (up to signs).
  const clipped = await spectralInit(st, { width: l, powerIters, incoherence: 1e6, seed: 3 });
  return { U: ws.output(st.U), V: ws.output(st.V), clipped };
}

describe("spectral start", () => {
  const n = 90, m = 70, k = 4;
  const { obs } = maskedLowRank(n, m, k, 0.3, 7);
  const nnz = obs.values.length, scale = (n * m) / nnz;
  // The scaled observed matrix (1/p) P_Omega(M), dense, and its SVD.
  const D = new Float64Array(n * m);
  for (let q = 0; q < nnz; q++) D[obs.rowIndex[q] * m + obs.colIndex[q]] = scale * obs.values[q];
  const ref = svd({ rows: n, cols: m, data: D });

  it.each(["js", "wasm"] as const)("%s: U0 is the top-k SVD of (1/p) P_Omega(M) to 1e-10, V = (1/p) P_Omega(M)ᵀ U0", async (backend) => {
    const { U, V, clipped } = await start(obs, k, backend);
    expect(clipped).toBe(0);
    const r = ref.U.cols;
    let worst = 0;
    for (let j = 0; j < k; j++) {
      // QR of an orthonormal block only flips signs: match each column's sign on its largest entry.
      let big = 0;
      for (let i = 0; i < n; i++) if (Math.abs(ref.U.data[i * r + j]) > Math.abs(ref.U.data[big * r + j])) big = i;
      const sign = Math.sign(U[big * k + j]) * Math.sign(ref.U.data[big * r + j]);
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(U[i * k + j] - sign * ref.U.data[i * r + j]));
    }
    expect(worst).toBeLessThan(1e-10);
    let vErr = 0, vMax = 0;
    for (let c = 0; c < m; c++) {
      for (let j = 0; j < k; j++) {
        let x = 0;
        for (let i = 0; i < n; i++) x += D[i * m + c] * U[i * k + j];
        vErr = Math.max(vErr, Math.abs(V[c * k + j] - x));
        vMax = Math.max(vMax, Math.abs(x));
      }
    }
    expect(vErr).toBeLessThan(1e-12 * vMax);
  });

  it("the backends agree, and powerIters still selects the randomized iteration (a different, approximate start)", async () => {
    const a = await start(obs, k, "js"), b = await start(obs, k, "wasm");
    for (let i = 0; i < n * k; i++) expect(Math.abs(a.U[i] - b.U[i])).toBeLessThan(1e-12);
    const r = await start(obs, k, "wasm", 0);
    let diff = 0;
    for (let i = 0; i < n * k; i++) diff = Math.max(diff, Math.abs(Math.abs(r.U[i]) - Math.abs(b.U[i])));
    expect(diff).toBeGreaterThan(1e-8);
  });
});
