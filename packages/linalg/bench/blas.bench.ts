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

// Single-core f64 peak of 128-bit SIMD, from the nominal clock (see the note below).
const cpu = cpuInfo();
const ghz = cpu.mhz ? cpu.mhz / 1000 : null;
const flopsPerCycle: Record<WasmVariant, number> = {
  // f64x2.mul + f64x2.add: 2 FP pipes, one v128 op each per cycle -> 2 lanes x 2 flops.
  simd: 4,
  // f64x2.relaxed_madd -> one FMA: 2 FMA pipes x 2 lanes x 2 flops (needs the fma flag, else V8 emits mul+add).
  "relaxed-simd": cpu.flags.includes("fma") ? 8 : 4,
};

cases.forEach((c, i) => {
  const simd = wasm.get("simd")![i];
  const relaxed = wasm.get("relaxed-simd")?.[i] ?? null;
  const extra: Record<string, string> = {};
  if (c.name === "gemm" && ghz) {
    const best: WasmVariant = relaxed !== null && relaxed < simd ? "relaxed-simd" : "simd";
    const gflops = c.flops / ((best === "simd" ? simd : relaxed!) * 1e6);
    extra["best WASM % of 1-core peak"] = `${Math.round((100 * gflops) / (ghz * flopsPerCycle[best]))}%`;
  }
  row({ case: c.name, size: c.size, ts: ts[i], simd, relaxed, anchor: anchor[i], anchorName: "ml-matrix", flops: c.flops, extra });
});

note(
  "GFLOP/s counts 2n³ for gemm and 2n for dot and axpy. dot and axpy are memory-bound: their per-call copy of x and y into WASM memory dominates.",
);
if (ghz) {
  note(
    `Estimated 1-core WASM SIMD128 f64 peak at the nominal ${ghz.toFixed(2)} GHz (/proc/cpuinfo; turbo may run higher): ` +
      `simd ${(ghz * flopsPerCycle.simd).toFixed(1)} GFLOP/s (f64x2.mul + f64x2.add, 2 FP pipes x 2 lanes x 2 flops / 2 ops = 4 flops/cycle), ` +
      `relaxed-simd ${(ghz * flopsPerCycle["relaxed-simd"]).toFixed(1)} GFLOP/s (f64x2.relaxed_madd as FMA: 2 FMA pipes x 2 lanes x 2 flops = ${flopsPerCycle["relaxed-simd"]} flops/cycle). ` +
      "Benchmarks run on one thread, so these per-core figures are the ceiling.",
  );
}
