// Each package's main entry points, WASM against the TypeScript reference, side by side in one process,
// medians, WASM on one thread (docs/ARCHITECTURE.md, "Tests": speed is measured here, never asserted).
// With two builds (two worktrees, each installed and built) it is a before/after table, the builds alternated.
// node --no-concurrent-recompilation --experimental-wasm-relaxed-simd tools/bench/compare-builds.mjs [<before-dir>] [<after-dir>]
// (no directory: this checkout alone; ONLY=<substring> runs the matching rows).
const here = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const [, , beforeDir = here, afterDir] = process.argv;
const load = async (dir) => {
  const p = (n) => import(`${dir}/packages/${n}/dist/index.js`);
  return {
    la: await p("linalg"), mc: await p("matrix-completion"), su: await p("svd-update"),
    tn: await p("tensor-network"), ss: await p("sensitivity-sampling"),
  };
};
const B = await load(beforeDir), A = afterDir ? await load(afterDir) : null;
// A build from before the worker pool refuses the threads option; it runs on one thread anyway.
const ib = await B.la.init({ threads: 1 }).catch(() => B.la.init());
const ia = A ? await A.la.init({ threads: 1 }) : null;
console.log("init", JSON.stringify(ib), ia ? JSON.stringify(ia) : "");

const rng = new B.la.Rng(7);
const dense = (r, c) => ({ rows: r, cols: c, data: rng.fillNormal(new Float64Array(r * c)) });
const sym = (n) => { const M = dense(n, n); for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) { const v = (M.data[i * n + j] + M.data[j * n + i]) / 2; M.data[i * n + j] = M.data[j * n + i] = v; } return M; };
function csr(m, n, perRow, rank) {
  const U = rng.fillNormal(new Float64Array(m * rank)), V = rng.fillNormal(new Float64Array(n * rank));
  const indptr = new Int32Array(m + 1), indices = new Int32Array(m * perRow), data = new Float64Array(m * perRow);
  for (let i = 0; i < m; i++) {
    const cols = new Set(); while (cols.size < perRow) cols.add(rng.int(n));
    const sorted = [...cols].sort((a, b) => a - b);
    for (let t = 0; t < perRow; t++) {
      const j = sorted[t], q = i * perRow + t; let s = 0;
      for (let r = 0; r < rank; r++) s += U[i * rank + r] * V[j * rank + r];
      indices[q] = j; data[q] = s;
    }
    indptr[i + 1] = (i + 1) * perRow;
  }
  return { rows: m, cols: n, indptr, indices, data };
}
function ratings(n, m, nnz) {
  const r = 8, U = rng.fillNormal(new Float64Array(n * r)), V = rng.fillNormal(new Float64Array(m * r));
  const seen = new Set(); const rowIndex = new Int32Array(nnz), colIndex = new Int32Array(nnz), values = new Float64Array(nnz);
  for (let q = 0; q < nnz;) { const i = rng.int(n), j = rng.int(m); if (seen.has(i * m + j)) continue; seen.add(i * m + j); let s = 0; for (let t = 0; t < r; t++) s += U[i * r + t] * V[j * r + t]; rowIndex[q] = i; colIndex[q] = j; values[q++] = s / Math.sqrt(r) + 0.1 * rng.normal(); }
  return { rows: n, cols: m, rowIndex, colIndex, values };
}
const tensor = (n, rank) => { // low-rank Tucker core plus noise
  const X = new Float64Array(n * n * n); const F = [0, 1, 2].map(() => rng.fillNormal(new Float64Array(n * rank)));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) { let s = 0; for (let r = 0; r < rank; r++) s += F[0][i * rank + r] * F[1][j * rank + r] * F[2][k * rank + r]; X[(i * n + j) * n + k] = s + 0.01 * rng.normal(); }
  return { shape: [n, n, n], data: X };
};

const G1 = dense(512, 512), G2 = dense(512, 512);
const S = dense(1000, 200), E = sym(300), L = dense(100000, 50), W = dense(20000, 20);
const R = ratings(1000, 1700, 100000), C = csr(20000, 5000, 25, 16), T = tensor(60, 10);
const stream = csr(3000, 2000, 20, 12);
const rowsOf = (M, a, b) => ({ rows: b - a, cols: M.cols, indptr: M.indptr.slice(a, b + 1).map((x) => x - M.indptr[a]), indices: M.indices.slice(M.indptr[a], M.indptr[b]), data: M.data.slice(M.indptr[a], M.indptr[b]) });

const cases = [
  ["gemm 512", (P, be) => P.la.gemm(G1, G2, { backend: be }), 9, 3],
  ["svd 1000x200", (P, be) => P.la.svd(S, { backend: be }), 7, 3],
  ["eigh 300", (P, be) => P.la.eigh(E, { backend: be }), 7, 3],
  ["leverageScores 1e5x50", (P, be) => P.ss.leverageScores(L, { backend: be }), 7, 3],
  ["lewisWeights 2e4x20 p=1", (P, be) => P.ss.lewisWeights(W, 1, { backend: be }), 5, 3],
  ["complete (default: bpmf) 1e5", (P, be) => P.mc.complete(R, { backend: be }), 5, 3],
  ["complete ALS 1e5 k=8, 5 iters", (P, be) => P.mc.complete(R, { method: "als", rank: 8, lambda: 0.1, maxIter: 5, tol: 0, backend: be }), 5, 3],
  ["truncatedSvd 20000x5000 k=16", (P, be) => P.su.truncatedSvd(C, { rank: 16, seed: 1, backend: be }), 5, 3],
  ["deng: create + 10 batches of 100 rows", async (P, be) => { const es = await P.su.EvolvingSvd.create(rowsOf(stream, 0, 2000), { rank: 16, method: "deng", seed: 1, backend: be }); for (let b = 0; b < 10; b++) es.addRows(rowsOf(stream, 2000 + 100 * b, 2100 + 100 * b)); return es; }, 5, 3],
  ["tucker HOOI 60³ rank 10", (P, be) => P.tn.tucker(T, { rank: [10, 10, 10], method: "hooi", backend: be }), 7, 3],
  ["cp 60³ rank 10, 10 sweeps", (P, be) => P.tn.cp(T, { rank: 10, maxIter: 10, tol: 0, seed: 1, backend: be }), 5, 3],
  ["tensorTrain 60³ maxRank 10", (P, be) => P.tn.tensorTrain(T, { maxRank: 10, backend: be }), 7, 3],
];
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
async function time(fn) { const t = performance.now(); await fn(); return performance.now() - t; }
const only = process.env.ONLY;
const builds = A ? [["b", B], ["a", A]] : [["b", B]];
console.log(A ? "| call | before WASM ms | after WASM ms | after/before | before WASM/TS | after WASM/TS |" : "| call | WASM ms | TS ms | WASM/TS |");
console.log(A ? "| --- | ---: | ---: | ---: | ---: | ---: |" : "| --- | ---: | ---: | ---: |");
for (const [name, f, reps, jsReps] of cases) {
  if (only && !name.includes(only)) continue;
  try {
    for (const [, P] of builds) { await f(P, "wasm"); await f(P, "wasm"); await f(P, "js"); }
    const t = {};
    for (const [k] of builds) t[k + "w"] = [], t[k + "j"] = [];
    // Alternated (builds and backends), so every column sees the same load.
    for (let r = 0; r < Math.max(reps, jsReps); r++) {
      const order = r % 2 ? [...builds].reverse() : builds;
      for (const [k, P] of order) {
        if (r < reps) t[k + "w"].push(await time(() => f(P, "wasm")));
        if (r < jsReps) t[k + "j"].push(await time(() => f(P, "js")));
      }
    }
    const bw = med(t.bw), bj = med(t.bj);
    if (!A) { console.log(`| ${name} | ${bw.toFixed(1)} | ${bj.toFixed(1)} | ${(bj / bw).toFixed(2)}x |`); continue; }
    const aw = med(t.aw), aj = med(t.aj);
    console.log(`| ${name} | ${bw.toFixed(1)} | ${aw.toFixed(1)} | ${(aw / bw).toFixed(2)} | ${(bj / bw).toFixed(2)}x | ${(aj / aw).toFixed(2)}x |`);
  } catch (e) { console.log(`| ${name} | error: ${e.message.slice(0, 120)} |`); }
}
process.exit(0);
