// Factorisation benchmarks: thin SVD and QR of a tall matrix, symmetric eigen of
// a square one, TS reference vs the two WASM variants vs ml-matrix. A case whose
// export does not exist (yet) is skipped with a note. Run by tools/bench/run.mjs.
import * as linalg from "../src/index.js";
import { hasRelaxedSimd, init, Rng, type BackendOptions, type DenseMatrix, type WasmVariant } from "../src/index.js";
import { EigenvalueDecomposition, Matrix, QrDecomposition, SingularValueDecomposition } from "ml-matrix";
import { note, pick, row, skip, time, type TimeOptions } from "../../../tools/bench/lib.mjs";

type Factor = (A: DenseMatrix, opts?: BackendOptions) => unknown;

const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
const rng = new Rng(7);
const randn = (rows: number, cols: number): DenseMatrix => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) });
const toMl = (A: DenseMatrix): Matrix => {
  const M = new Matrix(A.rows, A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) M.set(i, j, A.data[i * A.cols + j]);
  return M;
};
const symmetric = (n: number): DenseMatrix => {
  const B = randn(n, n);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = 0.5 * (B.data[i * n + j] + B.data[j * n + i]);
  return { rows: n, cols: n, data: S };
};

const [m, n] = pick([1000, 200], [40, 8]);
const ne = pick(200, 8);
const tall = randn(m, n), mlTall = toMl(tall);
const sym = symmetric(ne), mlSym = toMl(sym);

interface Case {
  name: string;
  size: string;
  fn: Factor | null;
  A: DenseMatrix;
  /** Nominal flop count where the method has a fixed one. */
  flops?: number;
  anchor: () => unknown;
}

const exported = (name: string): Factor | null => {
  const f = (linalg as Record<string, unknown>)[name];
  return typeof f === "function" ? (f as Factor) : null;
};

const all: Case[] = [
  {
    name: "svd (thin)",
    size: `${m}×${n}`,
    fn: exported("svd"),
    A: tall,
    anchor: () => new SingularValueDecomposition(mlTall, { autoTranspose: false }),
  },
  {
    name: "qr (thin Q, R)",
    size: `${m}×${n}`,
    fn: exported("qr"),
    A: tall,
    // Householder R (2mn² - 2n³/3) plus the thin Q accumulated (4mn² - 4n³/3).
    flops: 6 * m * n * n - 2 * n * n * n,
    // ml-matrix keeps Q implicit until asked; ask for both factors as our qr returns them.
    anchor: () => {
      const f = new QrDecomposition(mlTall);
      return [f.orthogonalMatrix, f.upperTriangularMatrix];
    },
  },
  {
    name: "eigh",
    size: `${ne}×${ne}`,
    fn: exported("eigh"),
    A: sym,
    anchor: () => new EigenvalueDecomposition(mlSym, { assumeSymmetric: true }),
  },
];

const cases = all.filter((c) => {
  if (!c.fn) skip(c.name, `@lowrank/linalg does not export ${c.name.split(" ")[0]} yet`);
  return c.fn !== null;
});

// Each call costs from milliseconds to about a second: a few runs, one warm-up.
const opts: TimeOptions = { warmup: 1, runs: 5, minTimeMs: 0 };
const ts = cases.map((c) => time(() => c.fn!(c.A, { backend: "js" }), opts));
const anchor = cases.map((c) => time(c.anchor, opts));
const wasm = new Map<WasmVariant, number[]>();
for (const v of variants) {
  await init({ variant: v });
  wasm.set(
    v,
    cases.map((c) => time(() => c.fn!(c.A), opts)),
  );
}

cases.forEach((c, i) => {
  row({
    case: c.name,
    size: c.size,
    ts: ts[i],
    simd: wasm.get("simd")![i],
    relaxed: wasm.get("relaxed-simd")?.[i] ?? null,
    anchor: anchor[i],
    anchorName: "ml-matrix",
    flops: c.flops,
  });
});

if (cases.length) {
  note(
    "Factorisations: qr's GFLOP/s counts 6mn² - 2n³ (Householder R plus the thin Q); svd (QR, then one-sided Jacobi) and eigh (tridiagonalisation, then QL) " +
      "iterate, so they get no flop count. Every implementation computes the vectors: ml-matrix's SingularValueDecomposition (U and V), " +
      "QrDecomposition plus its orthogonalMatrix and upperTriangularMatrix, EigenvalueDecomposition with assumeSymmetric.",
  );
}
