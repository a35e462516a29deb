// Where a 1-thread truncatedSvd (Lanczos, rank 16) spends its time: each
// kernel call of the run's kernel set timed and counted as "pooled" when, on
// 2 threads, the same call runs on the pool (or beside a pool job: the small
// eigenproblem) by linalg's rules in threads-csr.ts, threads-gemm.ts and
// lanczos-gram.ts, else "serial"; what no kernel call covers (input checks,
// copies, JavaScript between kernels, GC) is serial too. With 2 threads the
// pooled share at most halves, which bounds the speed-up (Amdahl). Run from
// packages/svd-update (best WASM variant; the thresholds below mirror linalg's):
//   node --no-concurrent-recompilation --experimental-wasm-relaxed-simd --import tsx bench/threads-split.ts
import { loadavg } from "node:os";
import { stopThreads } from "@lowrank/linalg";
import { PARALLEL_CSR_MIN } from "@lowrank/linalg/kernels";
import { init, truncatedSvd } from "../src/index.js";
import { svdUpdateModule } from "../src/module.js";
import { referenceMatrix } from "../test/reference-matrices.js";

/** threads-csr.ts's PARALLEL_GEMV_MIN and PARALLEL_PIECES_MIN, threads-gemm.ts's PARALLEL_GEMM_MIN. */
const GEMV_MIN = 1 << 18, GEMM_MIN = 1 << 21;

await init({ variant: "relaxed-simd", threads: 2 });
console.log("load", loadavg().map((x) => x.toFixed(2)).join(" "));
type Rule = (...a: never[]) => boolean;
const nnz = (indptr: Int32Array, rows: number) => indptr[rows] - indptr[0];
const rules: Record<string, Rule> = {
  csrGramMatvec: (r: number, _c: number, np: number, ip: Int32Array) => np >= 2 && nnz(ip, r) >= PARALLEL_CSR_MIN,
  csrMatvecT: (r: number, _c: number, np: number, ip: Int32Array) => np >= 2 && nnz(ip, r) >= PARALLEL_CSR_MIN,
  csrMatvec: (r: number, ip: Int32Array) => nnz(ip, r) >= PARALLEL_CSR_MIN,
  spmm: (r: number, k: number, ip: Int32Array) => nnz(ip, r) * k >= PARALLEL_CSR_MIN * 4,
  csrTranspose: (r: number, _c: number, _np: number, ip: Int32Array) => nnz(ip, r) >= PARALLEL_CSR_MIN,
  valueRange: (n: number) => n >= PARALLEL_CSR_MIN,
  gemvPieces: (r: number, c: number) => r * c >= GEMV_MIN,
  gramPieces: (r: number, c: number) => r * c * c >= GEMV_MIN,
  gemv: (_t: boolean, m: number, n: number) => m * n >= GEMV_MIN,
  gemm: (_a: boolean, _b: boolean, m: number, n: number, k: number) => m * n * k >= GEMM_MIN && (m > 256 || n > 256),
  // The AᵀA form's small eigenproblem runs beside the next product on the pool.
  tridiagonalize: () => true,
  tridiagonalQt: () => true,
  tridiagonalQl: () => true,
  dot: () => false,
  axpy: () => false,
  scal: () => false,
  cholesky: () => false,
  triangularSolve: () => false,
  rngFill: () => false,
};

for (const name of ["spam", "sotu-paragraph"] as const) {
  const A = referenceMatrix(name);
  await truncatedSvd(A, { rank: 16, threads: 1 });
  // The leased instance a 1-thread run takes (the one the last run gave back), and its kernel set: timed in place.
  const lease = await svdUpdateModule.leasedWorkspace("wasm", 1 << 16);
  const K = lease.ws.kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
  lease.release();
  const plain = { ...K }, ms: Record<string, number> = {};
  for (const [fn, pooled] of Object.entries(rules)) {
    const f = plain[fn];
    if (!f) continue;
    K[fn] = (...a: unknown[]) => {
      const t0 = performance.now(), r = f(...a), key = `${(pooled as (...x: unknown[]) => boolean)(...a) ? "pooled" : "serial"} ${fn}`;
      ms[key] = (ms[key] ?? 0) + performance.now() - t0;
      return r;
    };
  }
  const N = 10;
  let total = 0;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await truncatedSvd(A, { rank: 16, threads: 1 });
    total += performance.now() - t0;
  }
  Object.assign(K, plain);
  const rows = Object.entries(ms).sort((a, b) => b[1] - a[1]);
  const pooled = rows.filter(([k]) => k.startsWith("pooled")).reduce((s, [, v]) => s + v, 0);
  const pct = (v: number) => `${((100 * v) / total).toFixed(1)}%`;
  console.log(`${name}: 1 thread ${(total / N).toFixed(1)} ms a run; pooled work ${pct(pooled)}, serial ${pct(total - pooled)} (bound on 2 threads ${(total / (total - pooled / 2)).toFixed(2)}x)`);
  for (const [k, v] of rows) if (v / total >= 0.001) console.log(`  ${k.padEnd(24)} ${pct(v)}`);
}
stopThreads();
