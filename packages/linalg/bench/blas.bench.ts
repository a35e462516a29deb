// BLAS benchmarks: GEMM, dot, axpy through the public API, TS reference vs the
// two WASM variants vs ml-matrix. Run by tools/bench/run.mjs (see its README).
import { axpy, dot, gemm, hasRelaxedSimd, init, Rng, type DenseMatrix, type WasmVariant } from "@lowrank/linalg";
import { Matrix } from "ml-matrix";
import { cpuInfo, note, pick, row, time, type TimeOptions } from "../../../tools/bench/lib.mjs";

const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];

interface Case {
  name: string;
  size: string;
  flops: number;
  opts: TimeOptions;
  ts: () => unknown;
  wasm: () => unknown;
  anchor: () => unknown;
}

const rng = new Rng(42);
const randn = (rows: number, cols: number): DenseMatrix => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) });
const toMl = (A: DenseMatrix): Matrix => {
  const M = new Matrix(A.rows, A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) M.set(i, j, A.data[i * A.cols + j]);
  return M;
};

const cases: Case[] = [];

for (const n of pick([64, 256, 512], [16])) {
  const A = randn(n, n), B = randn(n, n);
  const mA = toMl(A), mB = toMl(B);
  cases.push({
    name: "gemm",
    size: `${n}×${n}`,
    flops: 2 * n * n * n,
    // The TS reference and ml-matrix take ~0.2-1 s per call at n = 512.
    opts: n >= 512 ? { warmup: 1, runs: 5, minTimeMs: 0 } : {},
    ts: () => gemm(A, B, { backend: "js" }),
    wasm: () => gemm(A, B),
    anchor: () => mA.mmul(mB),
  });
}

for (const n of pick([1e3, 1e4, 1e5, 1e6], [1e3])) {
  const x = rng.fillNormal(new Float64Array(n)), y = rng.fillNormal(new Float64Array(n));
  const mx = Matrix.rowVector(x), my = Matrix.rowVector(y);
  const size = n >= 1e4 ? `1e${Math.round(Math.log10(n))}` : String(n);
  cases.push({
    name: "dot",
    size,
    flops: 2 * n,
    opts: {},
    ts: () => dot(x, y, { backend: "js" }),
    wasm: () => dot(x, y),
    anchor: () => mx.dot(my),
  });
  cases.push({
    name: "axpy",
    size,
    flops: 2 * n,
    opts: {},
    ts: () => axpy(0.5, x, y, { backend: "js" }),
    wasm: () => axpy(0.5, x, y),
    anchor: () => Matrix.add(my, Matrix.mul(mx, 0.5)),
  });
}
// Keep the table grouped: gemm, then dot by size, then axpy by size.
cases.sort((a, b) => ["gemm", "dot", "axpy"].indexOf(a.name) - ["gemm", "dot", "axpy"].indexOf(b.name));

// TS reference and anchor need no WASM; then each variant in turn, switching the shared instance.
const ts = cases.map((c) => time(c.ts, c.opts));
const anchor = cases.map((c) => time(c.anchor, c.opts));
const wasm = new Map<WasmVariant, number[]>();
for (const v of variants) {
  await init({ variant: v });
  wasm.set(v, cases.map((c) => time(c.wasm, c.opts)));
}

// Estimated single-core f64 peak of 128-bit WASM SIMD, from the nominal clock:
// clock x 2 v128 FMA pipes x 2 f64 lanes x 2 flops (f64x2.relaxed_madd as one FMA).
// The simd variant's f64x2.mul + f64x2.add reaches the same only on cores that
// issue the add on a pipe of its own (Golden Cove and later), else half of it.
const cpu = cpuInfo();
const ghz = cpu.mhz ? cpu.mhz / 1000 : null;
const peak = ghz && cpu.flags.includes("fma") ? ghz * 2 * 2 * 2 : ghz ? ghz * 2 * 2 : null;

cases.forEach((c, i) => {
  const simd = wasm.get("simd")![i];
  const relaxed = wasm.get("relaxed-simd")?.[i] ?? null;
  const extra: Record<string, string> = {};
  if (c.name === "gemm" && peak) {
    const best = relaxed !== null && relaxed < simd ? relaxed : simd;
    extra["best WASM / est. peak"] = `${Math.round((100 * c.flops) / (best * 1e6) / peak)}%`;
  }
  row({ case: c.name, size: c.size, ts: ts[i], simd, relaxed, anchor: anchor[i], anchorName: "ml-matrix", flops: c.flops, extra });
});

note(
  "GFLOP/s counts 2n³ for gemm and 2n for dot and axpy. dot and axpy are memory-bound: their per-call copy of x and y into WASM memory dominates.",
);
if (peak && ghz) {
  note(
    `Estimated 1-core WASM SIMD128 f64 peak: ${peak.toFixed(1)} GFLOP/s = ${ghz.toFixed(2)} GHz nominal clock (/proc/cpuinfo) ` +
      `x 2 v128 FMA pipes x 2 f64 lanes x 2 flops (f64x2.relaxed_madd lowered to FMA${cpu.flags.includes("fma") ? "" : "; no fma flag, so halved"}); ` +
      "the simd variant's separate mul + add reaches it only where the core issues adds on a pipe of its own, else half. " +
      "The machine has 2 cores; benchmarks use one. /proc/cpuinfo (here under KVM) gives the nominal clock, not turbo: a percentage above 100% means the core ran faster than nominal.",
  );
}
