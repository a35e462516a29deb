// Leverage scores (exact QR vs sketched), Lewis weights, l1 regression and the online samplers on
// heavy-tailed designs: TS reference vs the two WASM variants, at n = 1e5 and 1e6, d = 10 and 50;
// then the sketched against the exact leverage scores at n = 1e6, d = 50, side by side, with their
// accuracy. Run by tools/bench/run.mjs.
import { hasRelaxedSimd, type DenseMatrix, type WasmVariant } from "@lowrank/linalg";
import { heavyTailedRegression } from "@lowrank/datasets";
import {
  init, leverageScores, lewisWeights, lpRegression, OnlineLeverageSampler, OnlineLewisSampler, projectionBounds,
} from "../src/index.js";
import { note, pick, row, quick } from "../../../tools/bench/lib.mjs";

const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];

/** Median ms of `runs` calls after `warmup` untimed ones (one call under --quick). */
async function timeIt(fn: () => unknown, warmup: number, runs: number): Promise<number> {
  if (quick) {
    warmup = 0;
    runs = 1;
  }
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((x, y) => x - y);
  return t[t.length >> 1];
}

const projections = (n: number, d: number) => {
  const k = Math.ceil(Math.log(n));
  return 2 * k < d ? k : 0;
};

interface Case {
  name: string;
  run: (backend: "js" | "wasm") => unknown;
  flops?: number;
  /** Skip the TS reference (too slow at this size). */
  noTs?: boolean;
  extra?: () => Record<string, string | number>;
}

async function table(label: string, A: DenseMatrix, b: Float64Array, cases: Case[]): Promise<void> {
  const n = A.rows, d = A.cols, big = n * d >= 2e7;
  const ts = new Map<string, number>();
  for (const c of cases) if (!c.noTs) ts.set(c.name, await timeIt(() => c.run("js"), big ? 0 : 1, big ? 1 : 3));
  const wasm = new Map<WasmVariant, Map<string, number>>();
  for (const v of variants) {
    await init({ variant: v, threads: 1 }); // one thread: bench/threads.bench.ts has the 2-thread rows
    const m = new Map<string, number>();
    for (const c of cases) m.set(c.name, await timeIt(() => c.run("wasm"), 1, 3));
    wasm.set(v, m);
  }
  for (const c of cases) {
    row({
      case: c.name,
      size: label,
      ts: ts.get(c.name) ?? null,
      simd: wasm.get("simd")!.get(c.name)!,
      relaxed: wasm.get("relaxed-simd")?.get(c.name) ?? null,
      flops: c.flops,
      extra: c.extra?.() ?? {},
    });
  }
  void b;
}

const grid: [number, number][] = pick([[20000, 20], [100000, 10], [100000, 50], [1000000, 10], [1000000, 50]], [[2000, 5], [2000, 12]]);
for (const [n, d] of grid) {
  const { A, b } = heavyTailedRegression(n, d, { seed: 1 });
  const k = projections(n, d);
  let lewisIt = 0;
  await table(`${n}×${d}`, A, b, [
    // Chunked Householder R (2nd²) + row norms against the triangular R⁻¹ (nd²).
    { name: "leverageScores qr", run: (backend) => leverageScores(A, { backend }), flops: 3 * n * d * d },
    // CountSketch (nd) + QR of 4d² x d + the row pass: A (R⁻¹ G) with k columns (2ndk), or the triangular R⁻¹ (nd²).
    { name: "leverageScores sketch", run: (backend) => leverageScores(A, { method: "sketch", seed: 1, backend }), flops: (k > 0 ? 2 * n * d * k : n * d * d) + 8 * d ** 4 },
    {
      name: "lewisWeights p = 1",
      run: async (backend) => {
        lewisIt = (await lewisWeights(A, 1, { backend })).iterations;
      },
      noTs: n * d > 1e7,
      extra: () => ({ iterations: lewisIt }),
    },
  ]);
}
note(
  "Designs: heavyTailedRegression(n, d, { seed: 1 }) (Student t, df 2). Times include copying A into WASM memory and the result out. " +
    "TS reference: one timed call at n·d >= 2e7, median of 3 below; Lewis weights in TS skipped above n·d = 1e7 (minutes). " +
    "Lewis weights: QR basis, then the over-relaxed Cohen-Peng iteration to max |log change| <= 1e-10. " +
    "qr GFLOP/s counts 3nd² (chunked QR of A, then the triangular row pass); sketch counts the row pass (2ndk with k = ⌈ln n⌉ Gaussian columns when 2k < d, else nd²) plus 8d⁴ (QR of the 4d² x d sketch).",
);

{
  const [n, d] = pick([100000, 20], [2000, 5]);
  const { A, b } = heavyTailedRegression(n, d, { seed: 1 });
  const Ab = new Float64Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    Ab.set(A.data.subarray(i * d, i * d + d), i * (d + 1));
    Ab[i * (d + 1) + d] = b[i];
  }
  let irlsIt = 0, keptLev = 0, keptLewis = 0;
  await table(`${n}×${d}`, A, b, [
    {
      name: "OnlineLeverageSampler push (all rows)",
      run: async (backend) => {
        const s = await OnlineLeverageSampler.create(d, { seed: 1, backend });
        keptLev = s.push(A).indices.length;
      },
      extra: () => ({ kept: keptLev }),
    },
    {
      name: "OnlineLewisSampler p = 1 push ([A | b])",
      run: async (backend) => {
        const s = await OnlineLewisSampler.create(d + 1, { p: 1, seed: 1, backend });
        keptLewis = s.push({ rows: n, cols: d + 1, data: Ab }).indices.length;
      },
      extra: () => ({ kept: keptLewis }),
    },
    {
      name: "lpRegression p = 1",
      run: async (backend) => {
        irlsIt = (await lpRegression(A, b, 1, { backend })).iterations;
      },
      extra: () => ({ iterations: irlsIt }),
    },
  ]);
  note("Online samplers: all rows pushed at once (kernel batches of 4096), default oversample 8; lpRegression: IRLS plus the l1 vertex polish to a certified optimum.");
}

// The large case: exact vs sketched leverage scores at n = 1e6, d = 50, WASM (fastest variant),
// alternating calls so both see the same machine load; then the accuracy of each sketch over all rows.
{
  const [N, D] = pick([1000000, 50], [4000, 8]);
  const big = heavyTailedRegression(N, D, { seed: 2 }).A;
  const v = variants[variants.length - 1];
  await init({ variant: v, threads: 1 });
  const k = projections(N, D);
  const tq: number[] = [], ts: number[] = [], ts0: number[] = [];
  let exact: Float64Array = leverageScores(big).scores;
  leverageScores(big, { method: "sketch", seed: 1 });
  const reps = quick ? 1 : 5;
  let sk: Float64Array = exact, sk0: Float64Array = exact;
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    exact = leverageScores(big).scores;
    tq.push(performance.now() - t0);
    t0 = performance.now();
    sk = leverageScores(big, { method: "sketch", seed: 1 }).scores;
    ts.push(performance.now() - t0);
    t0 = performance.now();
    sk0 = leverageScores(big, { method: "sketch", seed: 1, projections: 0 }).scores;
    ts0.push(performance.now() - t0);
  }
  let t0 = performance.now();
  const srht = leverageScores(big, { method: "sketch", sketch: "srht", seed: 1, projections: 0 }).scores;
  const tSrht = performance.now() - t0;
  const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
  const range = (s: Float64Array) => {
    let lo = Infinity, hi = 0;
    for (let i = 0; i < N; i++) {
      const q = s[i] / exact[i];
      lo = Math.min(lo, q);
      hi = Math.max(hi, q);
    }
    return `[${lo.toFixed(3)}, ${hi.toFixed(3)}]`;
  };
  const [blo, bhi] = projectionBounds(N, k, 0.01);
  const size = `${N}×${D}`;
  const mq = med(tq);
  row({ case: `leverageScores qr (${v})`, size, ts: null, simd: null, relaxed: null, extra: { "time (ms)": mq.toFixed(0), "exact / this": "1.00", "τ̃/τ over all rows": "exact" } });
  row({ case: `leverageScores sketch, k = ${k} (${v})`, size, ts: null, simd: null, relaxed: null, extra: { "time (ms)": med(ts).toFixed(0), "exact / this": (mq / med(ts)).toFixed(2), "τ̃/τ over all rows": range(sk), "stated factor (δ = 0.01)": `[${blo.toFixed(3)}, ${bhi.toFixed(2)}] · embedding` } });
  row({ case: `leverageScores sketch, k = 0 (${v})`, size, ts: null, simd: null, relaxed: null, extra: { "time (ms)": med(ts0).toFixed(0), "exact / this": (mq / med(ts0)).toFixed(2), "τ̃/τ over all rows": range(sk0), "stated factor (δ = 0.01)": "embedding: [(1+ε)⁻², (1-ε)⁻²]" } });
  row({ case: `leverageScores srht, k = 0 (${v})`, size, ts: null, simd: null, relaxed: null, extra: { "time (ms)": tSrht.toFixed(0), "exact / this": (mq / tSrht).toFixed(2), "τ̃/τ over all rows": range(srht), "stated factor (δ = 0.01)": "[0.457, 6.25] (Tropp)" } });
  note(
    `${size}: heavyTailedRegression(${N}, ${D}, { seed: 2 }), ${v}, medians of ${reps} alternating calls (exact, sketch, sketch without projection; SRHT one call). ` +
      `Sketch: CountSketch of 4d² rows, QR, then A (R⁻¹ G)/√k with k = ⌈ln n⌉ = ${k} Gaussian columns; every row's χ²_k/k factor lies in [${blo.toFixed(3)}, ${bhi.toFixed(2)}] with probability 0.99 (projectionBounds), times the sketch's embedding factor, which the k = 0 row measures.`,
  );
}
