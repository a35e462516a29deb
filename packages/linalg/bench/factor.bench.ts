// Factorisation benchmarks: thin SVD and QR of tall, tall-skinny and square
// matrices, symmetric eigen of square ones (200, 500, 1000), TS reference vs the two WASM
// variants vs ml-matrix. QR runs twice per shape: the public `qr` (blocked
// compact-WY kernels above the crossover) and the same steps through the
// unblocked kernels (householderQr + householderQ), side by side in one run.
// A case whose export does not exist (yet) is skipped with a note. Run by tools/bench/run.mjs.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import * as linalg from "../src/index.js";
import { randnOf, toMl } from "./matrices.js";
import { hasRelaxedSimd, init, Rng, type BackendOptions, type DenseMatrix, type WasmVariant } from "../src/index.js";
import { withLinalg } from "../src/internal.js";
import { Matrix, QrDecomposition } from "ml-matrix";
import { note, pick, quick, row, skip, time, type TimeOptions } from "../../../tools/bench/lib.mjs";

type Factor = (A: DenseMatrix, opts?: BackendOptions) => unknown;

const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
const rng = new Rng(7);
const randn = (rows: number, cols: number): DenseMatrix => randnOf(rng, rows, cols);
const symmetric = (n: number): DenseMatrix => {
  const B = randn(n, n);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = 0.5 * (B.data[i * n + j] + B.data[j * n + i]);
  return { rows: n, cols: n, data: S };
};

/**
 * `qr` through the unblocked kernels: the same copy in, householderQr,
 * householderQ and copy out as the public qr before the blocked kernels
 * (without its exact power-of-two scaling, one O(mn) pass).
 */
const qrUnblocked: Factor = (A, opts = {}) => {
  const m = A.rows, n = A.cols, k = Math.min(m, n);
  return withLinalg(opts.backend, 8 * (m * n + k + n + m * k) + 64, (ws) => {
    const K = ws.kernels;
    const a = ws.copy(A.data);
    const tau = ws.f64(k), work = ws.f64(n), Q = ws.f64(m * k);
    K.householderQr(m, n, a, n, tau, work);
    K.householderQ(m, k, a, n, tau, Q, k, work);
    const R = ws.output(a.subarray(0, k * n));
    for (let i = 0; i < k; i++) R.fill(0, i * n, i * n + i);
    return { Q: ws.output(Q), R };
  });
};

const mlQr = (M: Matrix) => () => {
  const f = new QrDecomposition(M);
  return [f.orthogonalMatrix, f.upperTriangularMatrix];
};

interface Case {
  name: string;
  size: string;
  fn: Factor | null;
  A: DenseMatrix;
  /** Nominal flop count where the method has a fixed one. */
  flops?: number;
  /** The outside anchor; none for the unblocked QR rows (they share the blocked row's measurement). */
  anchor?: () => unknown;
  /** An anchor measured outside this process (numpy), in ms, with its name. */
  anchorMs?: number | null;
  anchorName?: string;
  opts: TimeOptions;
  /** For a blocked QR row: the index of its unblocked twin, for the speed-up column. */
  twin?: number;
}

const exported = (name: string): Factor | null => {
  const f = (linalg as Record<string, unknown>)[name];
  return typeof f === "function" ? (f as Factor) : null;
};

// Each call costs from milliseconds to seconds: a few runs, one warm-up; the
// largest shapes (seconds per call in TS and ml-matrix) three runs, no warm-up.
const light: TimeOptions = { warmup: 1, runs: 5, minTimeMs: 0 };
const heavy: TimeOptions = { warmup: 0, runs: 3, minTimeMs: 0 };
// ml-matrix takes up to a minute per call at these sizes: one call.
const once: TimeOptions = { warmup: 0, runs: 1, minTimeMs: 0 };
// Householder R (2mn² - 2n³/3) plus the thin Q accumulated (4mn² - 4n³/3), for m >= n.
const qrFlops = (m: number, n: number) => 6 * m * n * n - 2 * n * n * n;

// LAPACK through numpy (OpenBLAS, one thread), timed in this run when /usr/bin/python3 has numpy:
// np.linalg.svd(full_matrices=False) is gesdd, np.linalg.eigh is syevd. Median wall ms after one warm-up.
const pyEnv: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
delete pyEnv.OPENBLAS_CORETYPE;
delete pyEnv.OPENBLAS_L2_SIZE;
const python = spawnSync("/usr/bin/python3", ["-c", "import numpy"], { encoding: "utf8", env: pyEnv }).status === 0;
const NUMPY = `
import sys, time, numpy as np
kind, m, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
a = np.random.default_rng(1).standard_normal((m, n))
if kind == "eigh": a = (a + a.T) / 2
f = (lambda: np.linalg.svd(a, full_matrices=False)) if kind == "svd" else (lambda: np.linalg.eigh(a))
f()
t = []
for _ in range(runs):
    s = time.perf_counter(); f(); t.append((time.perf_counter() - s) * 1e3)
t.sort(); print(t[len(t) // 2])
`;
function numpyMs(kind: "svd" | "eigh", rows: number, cols: number): number | null {
  if (!python) return null;
  const out = spawnSync("/usr/bin/python3", ["-c", NUMPY, kind, String(rows), String(cols), quick ? "1" : "7"], { encoding: "utf8", env: pyEnv });
  return out.status === 0 ? Number(out.stdout.trim()) : null;
}
const svdMethod = (method: "jacobi" | "bidiagonal"): Factor | null => {
  const f = exported("svd");
  return f ? (A, opts = {}) => f(A, { ...opts, method } as BackendOptions) : null;
};

const [m, n] = pick([1000, 200], [40, 8]);
// eigh: QL below its divide-and-conquer crossover (100) in the quick run, divide and conquer above.
const eighSizes: [number, TimeOptions][] = pick([[200, light], [500, light], [1000, heavy]], [[8, light], [120, light]]);
const tall = randn(m, n);
const qrShapes: [number, number, TimeOptions][] = pick(
  [[1000, 200, light], [4000, 500, heavy], [100000, 50, heavy], [1000, 1000, heavy]],
  [[40, 8, light], [130, 100, light]],
);
const load0 = loadavg()[0];

const all: Case[] = [];
for (const [sm, sn, opts] of pick([[1000, 200, light], [2000, 500, heavy]], [[40, 8, light], [130, 100, light]]) as [number, number, TimeOptions][]) {
  const A = sm === m && sn === n ? tall : randn(sm, sn);
  const np = numpyMs("svd", sm, sn);
  all.push({ name: "svd (thin)", size: `${sm}×${sn}`, fn: exported("svd"), A, anchorMs: np, anchorName: "numpy gesdd (1 thread)", opts });
  // One-sided Jacobi beside it where its TS twin takes seconds, not minutes.
  if (sm * sn <= 200000) {
    all.push({ name: "svd (thin), method jacobi", size: `${sm}×${sn}`, fn: svdMethod("jacobi"), A, anchorMs: np, anchorName: "numpy gesdd (1 thread)", opts });
  }
}
for (const [qm, qn, opts] of qrShapes) {
  const A = qm === m && qn === n ? tall : randn(qm, qn);
  const M = toMl(A);
  const size = `${qm === 100000 ? "1e5" : qm}×${qn}`;
  all.push({ name: "qr unblocked (thin Q, R)", size, fn: qrUnblocked, A, flops: qrFlops(qm, qn), opts });
  all.push({
    name: "qr (thin Q, R)",
    size,
    fn: exported("qr"),
    A,
    flops: qrFlops(qm, qn),
    // ml-matrix keeps Q implicit until asked; ask for both factors as our qr returns them.
    anchor: mlQr(M),
    opts,
    twin: all.length - 1,
  });
}
for (const [ne, opts] of eighSizes) {
  all.push({
    name: "eigh",
    size: `${ne}×${ne}`,
    fn: exported("eigh"),
    A: symmetric(ne),
    anchorMs: numpyMs("eigh", ne, ne),
    anchorName: "numpy syevd (1 thread)",
    opts,
  });
}

const cases = all.filter((c) => {
  if (!c.fn) skip(c.name, `@lowrank/linalg does not export ${c.name.split(" ")[0]} yet`);
  return c.fn !== null;
});

const twinOf = (c: Case) => (c.twin === undefined ? -1 : cases.indexOf(all[c.twin]));
const twins = new Set(cases.map(twinOf).filter((t) => t >= 0));
const ts = cases.map((c, i) => (twins.has(i) ? null : time(() => c.fn!(c.A, { backend: "js" }), c.opts)));
const anchor = cases.map((c) => (c.anchorMs !== undefined ? c.anchorMs : c.anchor ? time(c.anchor, c.opts === heavy ? once : c.opts) : null));
// An unblocked QR row shares the TS and ml-matrix measurements of its blocked twin: on js the public
// qr runs the same unblocked kernels, and the ml-matrix call is the same.
cases.forEach((c, i) => {
  const t = twinOf(c);
  if (t >= 0) {
    ts[t] = ts[i];
    anchor[t] = anchor[i];
  }
});
const wasm = new Map<WasmVariant, number[]>();
for (const v of variants) {
  // One thread, as the numpy anchor: no pool for the large GEMMs.
  await init({ variant: v, threads: 1 });
  wasm.set(
    v,
    cases.map((c) => time(() => c.fn!(c.A), c.opts)),
  );
}

// numpy again now, after the WASM runs, keeping each case's faster median: load on a shared machine
// changes over a run of minutes, and this way neither side is only measured at its worst.
const numpyAgain = cases.map((c) => (c.anchorMs != null && c.anchorName?.startsWith("numpy") ? numpyMs(c.name === "eigh" ? "eigh" : "svd", c.A.rows, c.A.cols) : null));
numpyAgain.forEach((t, i) => {
  if (t !== null && anchor[i] !== null) anchor[i] = Math.min(anchor[i]!, t);
});

const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "–");
cases.forEach((c, i) => {
  const extra: Record<string, string> = {};
  const t = twinOf(c);
  if (t >= 0) {
    extra["blocked speed-up (unblocked / blocked: simd / relaxed)"] =
      `${ratio(wasm.get("simd")![t], wasm.get("simd")![i])} / ${ratio(wasm.get("relaxed-simd")?.[t], wasm.get("relaxed-simd")?.[i])}`;
  }
  row({
    case: c.name,
    size: c.size,
    ts: ts[i]!,
    simd: wasm.get("simd")![i],
    relaxed: wasm.get("relaxed-simd")?.[i] ?? null,
    anchor: anchor[i],
    anchorName: c.anchorName ?? "ml-matrix",
    flops: c.flops,
    extra,
  });
});

if (cases.length) {
  note(
    "Factorisations: qr's GFLOP/s counts 6mn² - 2n³ (Householder R plus the thin Q); svd and eigh " +
      "iterate, so they get no flop count. Every implementation computes the vectors: ml-matrix's " +
      "QrDecomposition plus its orthogonalMatrix and upperTriangularMatrix; numpy's svd (full_matrices=False: LAPACK gesdd) and eigh (syevd).",
  );
  note(
    "svd (thin) is the default method at these sizes, 'bidiagonal': QR, Householder bidiagonalisation of R, implicit-shift QR on the " +
      "bidiagonal (rotations recorded and applied in batches of 8-column strips), U = Q Qb Ub by GEMM; 'method jacobi' is QR then one-sided " +
      "Jacobi on R (the default up to min(m, n) = 32). eigh: tridiagonalisation (dsytd2), then from n = 100 divide and conquer on the " +
      "tridiagonal (secular equation, Löwner vectors, merges by GEMM) and Qᵀ applied from the reflectors by panels through GEMM; " +
      "below 100 Qᵀ formed and batched QL. Every WASM run on one thread (init({ threads: 1 })). " +
      `numpy runs /usr/bin/python3 with OPENBLAS_NUM_THREADS=1, timed in this run before and after the WASM runs (median of 7 after a warm-up each time; the faster of the two); ` +
      `load average at the start: ${load0.toFixed(1)}, at the end: ${loadavg()[0].toFixed(1)}.`,
  );
  note(
    "qr is the public function: on wasm the blocked compact-WY kernels at these sizes (householderQrBlocked, householderQBlocked; " +
      "panels of 32 columns, trailing updates and Q by GEMM), on js the unblocked TS kernels (faster in plain TypeScript than the blocked TS twin). " +
      "'qr unblocked' runs the same copy in and out around the unblocked householderQr + householderQ (rank-1 updates, SIMD axpy) on wasm; " +
      "its TS and ml-matrix times are the qr row's measurements (the same computation, timed once). " +
      "The 4000×500, 1e5×50 and 1000×1000 rows are 3 runs without warm-up (ml-matrix: one run)."  );
}
