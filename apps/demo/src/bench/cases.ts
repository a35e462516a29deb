// The bench page's cases: each package's main algorithm on a small synthetic
// problem, called once per backend with the same inputs, so that the
// TypeScript twin and each WebAssembly variant do the same work.
import { gemm, Rng, svd, type Backend, type CsrMatrix, type DenseMatrix, type Tensor } from "@lowrank/linalg";
import { complete } from "@lowrank/matrix-completion";
import { lewisWeights, leverageScores } from "@lowrank/sensitivity-sampling";
import { EvolvingSvd, truncatedSvd } from "@lowrank/svd-update";
import { cp, reconstruct, tucker } from "@lowrank/tensor-network";

export type Preset = "small" | "medium";

export interface BenchCase {
  /** The package whose algorithm this is (the home page keys its speed-ups on it). */
  pkg: string;
  name: string;
  size: string;
  /** One run on a backend; its output is compared across backends. */
  run(backend: Backend): Promise<Float64Array>;
}

function randn(rows: number, cols: number, seed: number): DenseMatrix {
  return { rows, cols, data: new Rng(seed).fillNormal(new Float64Array(rows * cols)) };
}

/** A rows x cols matrix of rank r plus a little noise. */
function lowRank(rows: number, cols: number, r: number, seed: number): DenseMatrix {
  const L = randn(rows, r, seed), R = randn(r, cols, seed + 1), N = randn(rows, cols, seed + 2);
  const out = gemm(L, R, { backend: "js" });
  for (let i = 0; i < out.data.length; i++) out.data[i] += 0.01 * N.data[i];
  return out;
}

/** A sparse matrix with about `density` of its entries non-zero, standard normal values. */
function sparse(rows: number, cols: number, density: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  const indptr = new Int32Array(rows + 1), indices: number[] = [], data: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (rng.uniform() < density) {
        indices.push(j);
        data.push(rng.normal());
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

/** Rows r0 .. r1 of a CSR matrix as their own matrix. */
function rowsOf(A: CsrMatrix, r0: number, r1: number): CsrMatrix {
  const p0 = A.indptr[r0], p1 = A.indptr[r1];
  return { rows: r1 - r0, cols: A.cols, indptr: A.indptr.slice(r0, r1 + 1).map((p) => p - p0), indices: A.indices.slice(p0, p1), data: A.data.slice(p0, p1) };
}

/** A share `frac` of a low-rank matrix's entries, as observations. */
function observed(M: DenseMatrix, frac: number, seed: number) {
  const rng = new Rng(seed);
  const rowIndex: number[] = [], colIndex: number[] = [], values: number[] = [];
  for (let p = 0; p < M.data.length; p++) {
    if (rng.uniform() < frac) {
      rowIndex.push(Math.floor(p / M.cols));
      colIndex.push(p % M.cols);
      values.push(M.data[p]);
    }
  }
  return { rows: M.rows, cols: M.cols, rowIndex: Int32Array.from(rowIndex), colIndex: Int32Array.from(colIndex), values: Float64Array.from(values) };
}

function cube(n: number, r: number, seed: number): Tensor {
  // A rank-r CP tensor plus noise: what Tucker and CP are meant to find.
  const A = randn(n, r, seed), B = randn(n, r, seed + 1), C = randn(n, r, seed + 2), N = randn(n, n * n, seed + 3);
  const data = new Float64Array(n * n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) {
    let s = 0;
    for (let q = 0; q < r; q++) s += A.data[i * r + q] * B.data[j * r + q] * C.data[k * r + q];
    data[(i * n + j) * n + k] = s + 0.01 * N.data[i * n * n + j * n + k];
  }
  return { shape: [n, n, n], data };
}

/** The cases of a preset; inputs are made once, here, not inside the timed runs. */
export function benchCases(preset: Preset): BenchCase[] {
  const s = preset === "small" ? 1 : 2;
  const g = 96 * s, [sm, sn] = [160 * s, 40 * s];
  const G1 = randn(g, g, 1), G2 = randn(g, g, 2), S = randn(sm, sn, 3);
  const [cm, cn] = [120 * s, 90 * s];
  const obs = observed(lowRank(cm, cn, 5, 4), 0.3, 5);
  const [um, un] = [240 * s, 120 * s], start = um / 2, batch = 10;
  const U = sparse(um, un, 0.05, 6);
  const t = 16 + 8 * s, T = cube(t, 4, 7);
  const [lm, ln] = [2000 * s, 20], L = lowRank(lm, ln, ln, 8);
  return [
    { pkg: "linalg", name: "gemm", size: `${g}×${g}`, run: async (backend) => gemm(G1, G2, { backend }).data },
    { pkg: "linalg", name: "svd", size: `${sm}×${sn}`, run: async (backend) => svd(S, { backend }).s },
    {
      pkg: "matrix-completion", name: "ALS, 5 epochs", size: `${cm}×${cn}, k = 5, ${obs.values.length} known`,
      run: async (backend) => (await complete(obs, { rank: 5, method: "als", maxIter: 5, tol: 0, seed: 1, backend })).predictMany(obs.rowIndex, obs.colIndex),
    },
    {
      pkg: "svd-update", name: "truncated SVD + updates", size: `${um}×${un}, k = 8, ${(um - start) / batch} × ${batch} rows`,
      run: async (backend) => {
        await truncatedSvd(U, { rank: 8, seed: 1, backend });
        const es = await EvolvingSvd.create(rowsOf(U, 0, start), { rank: 8, method: "deng", seed: 1, backend });
        for (let r = start; r < um; r += batch) es.addRows(rowsOf(U, r, r + batch));
        return es.singularValues();
      },
    },
    { pkg: "tensor-network", name: "Tucker (HOOI)", size: `${t}³, core 4³`, run: async (backend) => reconstruct(await tucker(T, { rank: [4, 4, 4], method: "hooi", maxIter: 5, backend }), { backend: "js" }).data },
    { pkg: "tensor-network", name: "CP (ALS)", size: `${t}³, rank 4`, run: async (backend) => reconstruct(await cp(T, { rank: 4, maxIter: 20, seed: 1, backend }), { backend: "js" }).data },
    { pkg: "sensitivity-sampling", name: "leverage scores", size: `${lm}×${ln}`, run: async (backend) => leverageScores(L, { backend }).scores },
    { pkg: "sensitivity-sampling", name: "Lewis weights, p = 1", size: `${lm / 2}×${ln}`, run: async (backend) => (await lewisWeights({ rows: lm / 2, cols: ln, data: L.data.subarray(0, (lm / 2) * ln) }, 1, { backend })).weights },
  ];
}
