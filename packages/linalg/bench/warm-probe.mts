// One fresh process per case (spawned by warm.bench.ts): init(), then the
// same call 32 times; prints init's wall and CPU time, the first call and the
// median of calls 28-32, each in CPU time of the process (robust to other
// load on the machine; it includes V8's background compilation, which is
// part of what a cold call costs). linalg's cases load its sources; the other
// packages' cases load their built dist (skipped when it is missing).
const which = process.argv[2];
const here = new URL(".", import.meta.url);
const dist = (p: string) => new URL(`../../${p}/dist/index.js`, here).href;
const L = which === "svd" || which === "gemm" ? await import("../src/index.js") : await import(dist("linalg"));
const rng = new L.Rng(7);
const mat = (r: number, c: number) => ({ rows: r, cols: c, data: rng.fillNormal(new Float64Array(r * c)) });
const cases: Record<string, () => Promise<() => unknown>> = {
  svd: async () => { const A = mat(200, 40); return () => L.svd(A); },
  gemm: async () => { const A = mat(128, 128), B = mat(128, 128); return () => L.gemm(A, B); },
  tucker: async () => {
    const T = await import(dist("tensor-network"));
    const X = { shape: [20, 20, 20], data: rng.fillNormal(new Float64Array(8000)) };
    return () => T.tucker(X, { rank: [5, 5, 5] });
  },
  complete: async () => {
    const M = await import(dist("matrix-completion"));
    const n = 2000, rowIndex = new Int32Array(n), colIndex = new Int32Array(n), values = new Float64Array(n);
    for (let i = 0; i < n; i++) { const q = (i * 3) % 8000; rowIndex[i] = Math.floor(q / 80); colIndex[i] = q % 80; values[i] = ((i * 31) % 11) / 3; }
    const obs = { rows: 100, cols: 80, rowIndex, colIndex, values };
    return () => M.complete(obs, { rank: 5, maxIter: 10 });
  },
  leverage: async () => { const S = await import(dist("sensitivity-sampling")); const X = mat(2000, 20); return () => S.leverageScores(X); },
};
const f = await cases[which]();
// Optional, for diagnosis: WARM_THREADS (init's threads), WARM_SLEEP (ms idle between init and the first call).
const threads = process.env.WARM_THREADS ? Number(process.env.WARM_THREADS) : undefined;
const sleep = Number(process.env.WARM_SLEEP ?? 0);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const w0 = performance.now(), c0 = cpu();
await L.init(threads === undefined ? {} : { threads });
const initWall = performance.now() - w0, initCpu = cpu() - c0;
if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
const t: number[] = [], w: number[] = [];
for (let i = 0; i < 32; i++) { const s = cpu(), sw = performance.now(); await f(); t.push(cpu() - s); w.push(performance.now() - sw); }
const med = (a: number[]) => a.slice(27).sort((x, y) => x - y)[2];
const late = med(t);
console.log(JSON.stringify({ which, initWall, initCpu, first: t[0], second: t[1], late, firstWall: w[0], secondWall: w[1], lateWall: med(w) }));
