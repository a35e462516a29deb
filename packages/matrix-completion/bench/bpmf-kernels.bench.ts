// BPMF's kernels alone, on synthetic ratings shaped like MovieLens-100K's
// training split (943 users x 1682 items, 80,000 ratings, long-tailed counts
// on both sides: many items with a handful of ratings, a few with hundreds):
// one half-step over the items (the other side: users' factors), one over the
// users, and the users' with the scoring pass fused in (what the sampler runs),
// in ns per rating, for the default rank (7 with
// biases: the eight-wide four-rows-at-a-time path) and ranks that take the
// general tiled path, the rows' normals (linalg's generator against
// bpmfNormals), and a side's prior draw (bpmfPrior's arithmetic alone, and
// the whole draw with its sums and random numbers, sampleNormalWishart), in
// µs per draw. TypeScript twin and both WASM variants; one thread.
// Run by tools/bench/run.mjs, or alone:
// node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx bench/bpmf-kernels.bench.ts
import { hasRelaxedSimd, init, Rng, type WasmVariant } from "@lowrank/linalg";
import { loadavg } from "node:os";
import { sampleNormalWishart, type ScatterKernel } from "../src/bpmf-hyper.js";
import { bpmfSlotSize } from "../src/kernels/bpmf.js";
import { jsCompletionKernels, type CompletionKernels } from "../src/kernels/index.js";
import { completionModule } from "../src/module.js";
import { note, pick, row, time } from "../../../tools/bench/lib.mjs";

const variants: WasmVariant[] = hasRelaxedSimd() ? ["simd", "relaxed-simd"] : ["simd"];
const USERS = pick(943, 120), ITEMS = pick(1682, 200), NNZ = pick(80_000, 3000);

/** Sample from n log-normal weights exp(sigma g) by inverse CDF. */
function sampler(n: number, sigma: number, rng: Rng): () => number {
  const c = new Float64Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) c[i] = t += Math.exp(sigma * rng.normal());
  return () => {
    const r = rng.uniform() * t;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * Distinct (user, item) pairs with log-normal popularity (items sigma 1.5, users 0.8: about a third of the items
 * under 10 ratings, a median near 20, as in MovieLens-100K), values standardised 1-5 stars, both sides' CSR.
 */
function ratings() {
  const rng = new Rng(7), user = sampler(USERS, 0.8, rng), item = sampler(ITEMS, 1.5, rng);
  const seen = new Set<number>(), pairs: [number, number, number][] = [];
  while (pairs.length < NNZ) {
    const i = user(), j = item();
    if (!seen.has(i * ITEMS + j)) {
      seen.add(i * ITEMS + j);
      pairs.push([i, j, (1 + Math.floor(rng.uniform() * 5) - 3) / 1.1]);
    }
  }
  const csr = (n: number, a: 0 | 1) => {
    const b = a === 0 ? 1 : 0, ptr = new Int32Array(n + 1), idx = new Int32Array(NNZ), vals = new Float64Array(NNZ);
    for (const p of pairs) ptr[p[a] + 1]++;
    for (let i = 0; i < n; i++) ptr[i + 1] += ptr[i];
    const at = ptr.slice(0, n);
    for (const p of [...pairs].sort((x, y) => x[a] - y[a] || x[b] - y[b])) {
      const q = at[p[a]]++;
      idx[q] = p[b];
      vals[q] = p[2];
    }
    return { ptr, idx, vals };
  };
  return { rows: csr(USERS, 0), cols: csr(ITEMS, 1) };
}

const R = ratings();
let short = 0;
for (let j = 0; j < ITEMS; j++) if (R.cols.ptr[j + 1] - R.cols.ptr[j] < 10) short++;

/** ms per call of each pass at rank k on kernel set K; arrays from `f64`/`i32` (the workspace's, or plain). */
function passes(K: CompletionKernels, k: number, fitBias: boolean, f64: (n: number) => Float64Array, i32: (a: Int32Array) => Int32Array) {
  const d = fitBias ? k + 1 : k, rng = new Rng(11);
  const fill = (n: number, s: number) => {
    const a = f64(n);
    for (let i = 0; i < n; i++) a[i] = s * rng.normal();
    return a;
  };
  const vals = (v: Float64Array) => {
    const a = f64(v.length);
    a.set(v);
    return a;
  };
  const rp = i32(R.rows.ptr), ri = i32(R.rows.idx), rv = vals(R.rows.vals), cp = i32(R.cols.ptr), ci = i32(R.cols.idx), cv = vals(R.cols.vals);
  const U = fill(USERS * k, 0.4), V = fill(ITEMS * k, 0.4), rb = fill(USERS, 0.1), cb = fill(ITEMS, 0.1), z = fill(ITEMS * d, 1);
  const Lam = f64(d * d), h0 = f64(d), M = f64(ITEMS * k), mb = f64(ITEMS), work = f64(bpmfSlotSize(k, fitBias)), acc = f64(NNZ);
  const sums = f64(2 * USERS), errs = f64(2 * ITEMS);
  // noise "scaled": each row's and column's scale (about 1), the weights of the other side's observations.
  const tauU = f64(USERS), tauV = f64(ITEMS), wide = d === 8, Fw = f64(8 * ITEMS);
  for (let i = 0; i < USERS; i++) tauU[i] = 0.5 + rng.uniform();
  for (let j = 0; j < ITEMS; j++) tauV[j] = 0.5 + rng.uniform();
  for (let t = 0; t < d; t++) Lam[t * d + t] = 2;
  return {
    items: time(() => K.bpmfHalfStep(ITEMS, k, cp, ci, cv, U, rb, V, cb, 0, 1.3, Lam, h0, fitBias, z, M, mb, work, null, null, null, null)),
    users: time(() => K.bpmfHalfStep(USERS, k, rp, ri, rv, V, cb, U, rb, 0, 1.3, Lam, h0, fitBias, z, M, mb, work, null, null, null, null)),
    scored: time(() => K.bpmfHalfStepScored(USERS, k, rp, ri, rv, V, cb, U, rb, 0, 1.3, Lam, h0, fitBias, z, M, mb, work, acc, 3, sums, null, null, null, null, null)),
    itemsScaled: time(() => {
      if (wide) K.bpmfWeightRows(USERS, k, fitBias, U, tauU, Fw);
      K.bpmfHalfStep(ITEMS, k, cp, ci, cv, U, rb, V, cb, 0, 1.3, Lam, h0, fitBias, z, M, mb, work, tauU, tauV, errs, wide ? Fw : null);
    }),
    scoredScaled: time(() => {
      if (wide) K.bpmfWeightRows(ITEMS, k, fitBias, V, tauV, Fw);
      K.bpmfHalfStepScored(USERS, k, rp, ri, rv, V, cb, U, rb, 0, 1.3, Lam, h0, fitBias, z, M, mb, work, acc, 3, sums, tauV, tauU, wide ? Fw : null, null, null);
    }),
  };
}

const PASS_NAMES = {
  items: "half-step over the items",
  users: "half-step over the users",
  scored: "half-step over the users, scored (the sampler's)",
  itemsScaled: "noise \"scaled\": half-step over the items, weighted, with the items' errors",
  scoredScaled: "noise \"scaled\": half-step over the users, weighted and scored",
};
const shapes: [string, number, boolean][] = [
  ["k = 7 with biases (default; eight-wide path)", 7, true],
  ["k = 8 without biases (eight-wide path)", 8, false],
  ["k = 6 with biases (tiled path)", 6, true],
  ["k = 15 with biases (tiled path)", 15, true],
];
const load = loadavg()[0].toFixed(1);
for (const [name, k, fitBias] of shapes) {
  const ts = passes(jsCompletionKernels, k, fitBias, (n) => new Float64Array(n), (a) => a.slice());
  const wasm = new Map<WasmVariant, ReturnType<typeof passes>>();
  for (const v of variants) {
    await init({ variant: v });
    const bytes = 8 * (6 * NNZ + 8 * ITEMS * (k + 2) + 4 * (k + 1) ** 2 + bpmfSlotSize(k, fitBias)) + 65536;
    const ws = await completionModule.workspace("wasm", bytes);
    wasm.set(v, passes(ws.kernels, k, fitBias, (n) => ws.f64(n), (a) => {
      const b = ws.i32(a.length);
      b.set(a);
      return b;
    }));
  }
  for (const pass of ["items", "users", "scored", "itemsScaled", "scoredScaled"] as const) {
    const ns = (ms: number | undefined) => (ms === undefined ? "-" : ((ms * 1e6) / NNZ).toFixed(2));
    row({
      case: `${name}: ${PASS_NAMES[pass]}`,
      size: `${USERS}×${ITEMS}, ${NNZ} ratings`,
      ts: ts[pass], simd: wasm.get("simd")?.[pass] ?? null, relaxed: wasm.get("relaxed-simd")?.[pass] ?? null,
      extra: { "ns/rating simd": ns(wasm.get("simd")?.[pass]), "ns/rating relaxed": ns(wasm.get("relaxed-simd")?.[pass]) },
    });
  }
}
// The rows' standard normals: linalg's shared generator (rngFill) against BPMF's own (bpmfNormals), one sweep's worth.
{
  const n = (USERS + ITEMS) * 8, cell = new Map<WasmVariant, { shared: number; own: number }>();
  for (const v of variants) {
    await init({ variant: v });
    const ws = await completionModule.workspace("wasm", 8 * n + 4096);
    const z = ws.f64(n), state = ws.i32(4), rng = new Rng(3);
    state.set([1, 2, 3, 4]);
    cell.set(v, { shared: time(() => ws.kernels.rngFill(rng, z, true)), own: time(() => ws.kernels.bpmfNormals(n, z, state)) });
  }
  const js = { shared: time(() => jsCompletionKernels.rngFill(new Rng(3), new Float64Array(n), true)), own: time(() => jsCompletionKernels.bpmfNormals(n, new Float64Array(n), Int32Array.of(1, 2, 3, 4))) };
  for (const which of ["shared", "own"] as const) {
    const ns = (ms: number | undefined) => (ms === undefined ? "-" : ((ms * 1e6) / n).toFixed(2));
    row({
      case: which === "shared" ? "normals: rngFill (linalg's generator)" : "normals: bpmfNormals",
      size: `${n} normals (one sweep at k = 7)`,
      ts: js[which], simd: cell.get("simd")?.[which] ?? null, relaxed: cell.get("relaxed-simd")?.[which] ?? null,
      extra: { "ns/normal simd": ns(cell.get("simd")?.[which]), "ns/normal relaxed": ns(cell.get("relaxed-simd")?.[which]) },
    });
  }
}
// A side's prior draw at the default d = 8 (k = 7 with biases) over the users: the kernel's O(d³) arithmetic alone
// (its in-place operands restored from copies before each call), and the whole draw (gemm, gemv and dot sums over the
// rows, the d (d + 3) / 2 random numbers in TypeScript, the kernel): two draws a sweep.
{
  const k = 7, d = 8, n = USERS, rng = new Rng(5);
  const X0 = rng.fillNormal(new Float64Array(n * k)).map((x) => 0.4 * x), b0 = rng.fillNormal(new Float64Array(n)).map((x) => 0.1 * x);
  const draws = (K: CompletionKernels, f64: (len: number) => Float64Array) => {
    const X = f64(n * k), bias = f64(n), G0 = f64(d * d), s0 = f64(2 * d), L0 = f64(d * d), h00 = f64(d);
    X.set(X0);
    bias.set(b0);
    const scatter: ScatterKernel = {
      gemm: (...a) => K.gemm(...a), gemv: (...a) => K.gemv(...a), dot: (...a) => K.dot(...a), prior: (...a) => K.bpmfPrior(...a),
      ones: f64(n).fill(1), gram: f64(d * d), sums: f64(2 * d),
    };
    const G = scatter.gram, s = scatter.sums, Lam = f64(d * d), h0 = f64(d), r = new Rng(9);
    // The kernel's inputs as the draw leaves them just before its call.
    sampleNormalWishart(r, X, bias, n, n, k, L0, h00, {
      ...scatter, prior: (_d, _N, g, sv, l, h) => (G0.set(g), s0.set(sv), L0.set(l), h00.set(h), 0),
    });
    return {
      kernel: time(() => (G.set(G0), s.set(s0), Lam.set(L0), h0.set(h00), K.bpmfPrior(d, n, G, s, Lam, h0))),
      draw: time(() => sampleNormalWishart(r, X, bias, n, n, k, Lam, h0, scatter)),
    };
  };
  const cell = new Map<WasmVariant, { kernel: number; draw: number }>();
  for (const v of variants) {
    await init({ variant: v });
    const ws = await completionModule.workspace("wasm", 8 * (n * (k + 2) + 6 * d * d + 8 * d) + 65536);
    cell.set(v, draws(ws.kernels, (len) => ws.f64(len)));
  }
  const js = draws(jsCompletionKernels, (len) => new Float64Array(len));
  for (const which of ["kernel", "draw"] as const) {
    const us = (ms: number | undefined) => (ms === undefined ? "-" : (ms * 1e3).toFixed(2));
    row({
      case: which === "kernel" ? "prior: bpmfPrior (the draw's O(d³) arithmetic)" : "prior: sampleNormalWishart (sums, random numbers, bpmfPrior)",
      size: `d = ${d}, ${n} rows`,
      ts: js[which], simd: cell.get("simd")?.[which] ?? null, relaxed: cell.get("relaxed-simd")?.[which] ?? null,
      extra: { "µs/draw ts": us(js[which]), "µs/draw simd": us(cell.get("simd")?.[which]), "µs/draw relaxed": us(cell.get("relaxed-simd")?.[which]) },
    });
  }
}
note(
  `Synthetic long-tailed ratings (${short} of ${ITEMS} items under 10 ratings); a fixed prior (precision 2I), noise precision 1.3. ` +
    `Median ms per call, one thread; load average ${load} when started.`,
);
