// Runs the WASM vs TypeScript benchmarks off the main thread, so the page
// stays responsive and can cancel by terminating the worker.
import { bestVariant, gemm, hasRelaxedSimd, init, Rng, svd, type DenseMatrix, type WasmVariant } from "@lowrank/linalg";
import type { BenchMessage, BenchRequest } from "./bench-protocol";

const post = (m: BenchMessage) => (self as unknown as Worker).postMessage(m);

/** Median time of `fn` over at least 5 runs and 100 ms, after 2 warm-up calls. */
function time(fn: () => unknown): number {
  fn();
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < 100 && times.length < 50)) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function relDiff(a: Float64Array, b: Float64Array): number {
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return s === 0 ? e : e / s;
}

function randn(rows: number, cols: number, seed: number): DenseMatrix {
  return { rows, cols, data: new Rng(seed).fillNormal(new Float64Array(rows * cols)) };
}

async function timeVariant(variant: WasmVariant, fn: () => Float64Array): Promise<{ ms: number; out: Float64Array }> {
  await init({ variant });
  return { ms: time(fn), out: fn() };
}

self.onmessage = async (e: MessageEvent<BenchRequest>) => {
  try {
    const { gemmSizes, svdShapes } = e.data;
    const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
    post({ type: "variants", best: bestVariant() ?? "none", available: variants });
    const total = gemmSizes.length + svdShapes.length;
    let done = 0;
    const cases: Array<{ name: string; size: string; run: (backend: "wasm" | "js") => Float64Array }> = [
      ...gemmSizes.map((n) => {
        const A = randn(n, n, n), B = randn(n, n, n + 1);
        return { name: "gemm", size: `${n}×${n}`, run: (backend: "wasm" | "js") => gemm(A, B, { backend }).data };
      }),
      ...svdShapes.map(([m, n]) => {
        const A = randn(m, n, m * n);
        return { name: "svd", size: `${m}×${n}`, run: (backend: "wasm" | "js") => svd(A, { backend }).s };
      }),
    ];
    for (const c of cases) {
      post({ type: "progress", done, total, label: `${c.name} ${c.size}` });
      const jsOut = c.run("js");
      const js = time(() => c.run("js"));
      const simd = await timeVariant("simd", () => c.run("wasm"));
      const relaxed = variants.includes("relaxed-simd") ? await timeVariant("relaxed-simd", () => c.run("wasm")) : null;
      const maxRelDiff = Math.max(relDiff(simd.out, jsOut), relaxed ? relDiff(relaxed.out, jsOut) : 0);
      post({ type: "row", row: { case: c.name, size: c.size, js, simd: simd.ms, relaxed: relaxed?.ms ?? null, maxRelDiff } });
      done++;
      // Yield so progress messages flow and the optimizing compiler can finish in the background.
      await new Promise((r) => setTimeout(r, 0));
    }
    post({ type: "done" });
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};
