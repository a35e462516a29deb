// The claim of Gu, Song, Yin and Zhang (2023) put to the test: where rows
// carry many observations (2000 x 4000 at 30% density: rows ~1200 >= 4k² up
// to k = 16, columns ~600 >= 4k² up to k = 12), the paper predicts that
// robust-altmin's time per iteration divided by |Omega| k stays flat across k,
// while exact solves (ALS and altmin: normal equations, O(|Omega| k²)) grow in
// proportion to k. k = 32 and 64 are added to see the crossover. Held-out error on a
// rank-k matrix plus noise is reported beside each. Default WASM variant only.
// Run by tools/bench/run.mjs.
import { lowRankMatrix, observe } from "@lowrank/datasets";
import { complete, init, rmse, trainTestSplit, type Method } from "../src/index.js";
import { note, pick, row } from "../../../tools/bench/lib.mjs";

const [n, m, density] = pick([2000, 4000, 0.3], [200, 400, 0.3]);
const ranks = pick([4, 8, 16, 32, 64], [4]);
const iters = pick(8, 2);
const { variant } = await init();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const k of ranks) {
  const { M } = lowRankMatrix(n, m, k, { seed: k, noise: 0.01 });
  const { train, test } = trainTestSplit(observe(M, density, { seed: 100 + k }), { fraction: 0.1, seed: k });
  const nnz = train.values.length;
  for (const method of ["als", "altmin", "robust-altmin"] as Method[]) {
    const model = await complete(train, { method, rank: k, maxIter: iters, tol: 0, lambda: method === "als" ? 1e-6 : undefined, biases: false, clip: false });
    const ms = median(model.history.slice(1).map((h) => h.ms));
    row({
      case: `${method} iteration`,
      size: `${n}×${m}, |Ω| = ${nnz}, k = ${k}`,
      simd: variant === "simd" ? ms : null,
      relaxed: variant === "relaxed-simd" ? ms : null,
      extra: {
        "ns / (|Ω| k)": +((ms * 1e6) / (nnz * k)).toFixed(2),
        "held-out RMSE": +rmse(model, test).toExponential(2),
        "PCG steps / row": method === "robust-altmin" ? +(model.history[model.history.length - 1].innerSteps ?? 0).toFixed(2) : "–",
      },
    });
  }
}

note(
  `Rank-k matrix (unit RMS entries) plus noise 0.01, ${density * 100}% observed, 10% of that held out; ${iters} iterations each, ` +
    "median per-iteration time after the first (WASM, the default variant init() picks, shown in its column). als: lambda 1e-6, no biases, " +
    "random start (exact normal equations, O(|Ω| k²)); altmin: the same exact solves from the spectral start, with QR; robust-altmin: defaults (CountSketch of 4k rows, PCG to a 0.1 reduction, at most 10 steps).",
);
