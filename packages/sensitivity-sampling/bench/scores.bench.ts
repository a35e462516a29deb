// Leverage scores (exact QR vs CountSketch), Lewis weights and l1 regression on a
// heavy-tailed design: TS reference vs the two WASM variants. Run by tools/bench/run.mjs.
import { hasRelaxedSimd, type WasmVariant } from "@lowrank/linalg";
import { heavyTailedRegression } from "@lowrank/datasets";
import { init, leverageScores, lewisWeights, lpRegression, OnlineLeverageSampler } from "../src/index.js";
import { note, pick, row, time, quick, type TimeOptions } from "../../../tools/bench/lib.mjs";

const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
const [n, d] = pick([100000, 20], [2000, 5]);
const { A, b } = heavyTailedRegression(n, d, { seed: 1 });
const size = `${n}×${d}`;

/** Median ms of an async call: `warmup` untimed calls, then `runs` timed ones (one call each under --quick). */
async function timeAsync(fn: () => Promise<unknown>, warmup = 1, runs = 3): Promise<number> {
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

interface Case {
  name: string;
  sync?: (backend: "js" | "wasm") => unknown;
  run?: (backend: "js" | "wasm") => Promise<unknown>;
  flops?: number;
}
const slow: TimeOptions = { warmup: 1, runs: 5, minTimeMs: 0 };
let lewisIters = 0, lewisSketchIters = 0, irlsIters = 0;
const cases: Case[] = [
  // Chunked Householder R (2nd²) + row norms against the triangular R⁻¹ (nd²).
  { name: "leverageScores qr", sync: (backend) => leverageScores(A, { backend }), flops: 3 * n * d * d },
  // CountSketch (nd) + QR of 4d² x d + a_iᵀ R⁻¹ with R⁻¹ triangular (nd²).
  { name: "leverageScores sketch", sync: (backend) => leverageScores(A, { method: "sketch", seed: 1, backend }), flops: n * d * d + 8 * d ** 4 },
  {
    name: "lewisWeights p = 1",
    run: async (backend) => {
      lewisIters = (await lewisWeights(A, 1, { backend })).iterations;
    },
  },
  {
    name: "lewisWeights p = 1 sketch",
    run: async (backend) => {
      lewisSketchIters = (await lewisWeights(A, 1, { method: "sketch", seed: 1, backend })).iterations;
    },
  },
  {
    name: "OnlineLeverageSampler push (all rows)",
    run: async (backend) => {
      const s = await OnlineLeverageSampler.create(d, { seed: 1, backend });
      s.push(A);
    },
  },
  {
    name: "lpRegression p = 1",
    run: async (backend) => {
      irlsIters = (await lpRegression(A, b, 1, { backend })).iterations;
    },
  },
];

const measureAll = async (backend: "js" | "wasm"): Promise<number[]> => {
  const out: number[] = [];
  for (const c of cases) out.push(c.sync ? time(() => c.sync!(backend), slow) : await timeAsync(() => c.run!(backend)));
  return out;
};

const ts = await measureAll("js");
const wasm = new Map<WasmVariant, number[]>();
for (const v of variants) {
  await init({ variant: v });
  wasm.set(v, await measureAll("wasm"));
}
cases.forEach((c, i) => {
  row({
    case: c.name,
    size,
    ts: ts[i],
    simd: wasm.get("simd")![i],
    relaxed: wasm.get("relaxed-simd")?.[i] ?? null,
    flops: c.flops,
    extra: c.name === "lewisWeights p = 1" ? { iterations: lewisIters }
      : c.name.startsWith("lewisWeights") ? { iterations: lewisSketchIters }
      : c.name.startsWith("lpReg") ? { iterations: irlsIters } : {},
  });
});
note(
  `Design: heavyTailedRegression(${n}, ${d}, { seed: 1 }) (Student t, df 2). Times include copying A into WASM memory and the result out. ` +
    "Lewis weights: QR basis, then Cohen-Peng iterations to max |log change| <= 1e-10; lpRegression: IRLS plus the l1 vertex polish to a certified optimum. " +
    "sketch GFLOP/s counts nd² + 8d⁴ (row norms against the triangular R⁻¹ and the QR of the 4d² x d sketch); qr counts 3nd² (chunked QR of A, then the same row norms).",
);

// The large case, WASM only (the TS reference would take minutes): exact vs sketched
// leverage scores at n = 1e6, d = 50, one call each per variant, with the sketch's accuracy.
{
  const [N, D] = pick([1000000, 50], [4000, 8]);
  const big = heavyTailedRegression(N, D, { seed: 2 }).A;
  const once: TimeOptions = { warmup: 0, runs: 1, minTimeMs: 0, minSampleMs: 0 };
  const qr = new Map<WasmVariant, number>(), sk = new Map<WasmVariant, number>();
  let lo = Infinity, hi = 0;
  for (const v of variants) {
    await init({ variant: v });
    let exact: Float64Array | null = null, approx: Float64Array | null = null;
    qr.set(v, time(() => (exact = leverageScores(big).scores), once));
    sk.set(v, time(() => (approx = leverageScores(big, { method: "sketch", seed: 1 }).scores), once));
    for (let i = 0; i < N; i++) {
      const r = approx![i] / exact![i];
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
  }
  for (const [name, t] of [["leverageScores qr (WASM only)", qr], ["leverageScores sketch (WASM only)", sk]] as const) {
    row({ case: name, size: `${N}×${D}`, ts: null, simd: t.get("simd")!, relaxed: t.get("relaxed-simd") ?? null });
  }
  note(`${N}×${D} (heavyTailedRegression seed 2): one call each; sketch / exact score over all rows in [${lo.toFixed(3)}, ${hi.toFixed(3)}].`);
}
