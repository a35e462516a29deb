// TT rounding: Oseledets 2011, "Tensor-train decomposition", Algorithm 2.
import { BACKEND, LowrankError, opt, type BackendOptions, type Tensor } from "@lowrank/linalg";
import { arenaBytes, qrBlockedWorkSize } from "@lowrank/linalg/internal";
import { leftSingular, svdScratch } from "./factor.js";
import { tensorModule } from "./module.js";
import { readNetwork } from "./decomposition.js";
import { bondCaps, truncationRank } from "./tensor-train.js";
import { norm2 } from "./tensor.js";
import type { TensorNetwork, TensorNetworkLike } from "./types.js";
import { checkSizes, RANKS, readOpts } from "./validate.js";
import { partScales, scaled, unscaleLast } from "./scaling.js";
import { RESULT_VERSION } from "@lowrank/linalg";

/** Options of {@link ttRound}. */
export interface TtRoundOptions extends BackendOptions {
  /** Relative accuracy: ‖tt - result‖ <= eps ‖tt‖ (default 1e-12 without maxRank, else 0). */
  eps?: number;
  /** Largest bond rank: one number or the N - 1 inner bonds. */
  maxRank?: number | number[];
}

/**
 * Recompresses a tensor train to the smallest ranks within `eps` (and
 * `maxRank`) without densifying: a right-to-left sweep of QR factorisations
 * makes cores 2..N right-orthogonal (G_k = Rᵀ Qᵀ, Rᵀ pushed into G_{k-1}),
 * so ‖tt‖ = ‖G_1‖; then a left-to-right sweep of truncated SVDs with the
 * TT-SVD threshold eps ‖tt‖ / sqrt(N-1) (Alg. 2). Without a rank cap
 * ‖tt - result‖ <= eps ‖tt‖. O(N n r³).
 * Errors: SHAPE (not a tensor train: end ranks must be 1), NON_FINITE, INVALID_ARGUMENT.
 *
 * @example
 * const r = ttRound(ttAdd(tt, tt), { eps: 1e-10 }); // ranks of tt, entries doubled
 */
export function ttRound(tt: TensorNetworkLike, opts: TtRoundOptions = {}): TensorNetwork {
  const t = readNetwork(tt, "tt");
  const o = readOpts("ttRound", opts, { eps: opt.number({ min: 0 }), maxRank: RANKS, backend: BACKEND });
  const N = t.shape.length;
  if (t.ranks[0] !== 1) {
    throw new LowrankError("SHAPE", "ttRound: a tensor train has end ranks 1 (tensor rings are not rounded by this method)");
  }
  const caps = bondCaps(o.maxRank, N);
  const eps = o.eps ?? (o.maxRank === undefined ? 1e-12 : 0);
  // Cores of extreme magnitude are scaled by powers of two (exact); the last core, which holds the norm
  // after the sweeps, takes the scale back.
  const e = partScales(t.cores.map((c) => c.data));
  const cores: Tensor[] = t.cores.map((c, k) => ({ shape: c.shape.slice(), data: e[k] === 0 ? c.data.slice() : scaled(c.data, e[k]) }));
  let most = 0, rmax = 1;
  for (const c of cores) {
    most = Math.max(most, c.data.length);
    rmax = Math.max(rmax, c.shape[0], c.shape[2]);
  }
  // Per step: two cores in, two out, a transpose, Q and the SVD's scratch, all bounded by the largest core.
  const scratch = svdScratch(most / rmax + rmax, rmax);
  checkSizes("ttRound", 8 * most, 2 * rmax * rmax, scratch, 8 * rmax);
  const bytes = arenaBytes(8 * most + 2 * rmax * rmax + scratch + 8 * rmax, 0, 32);
  const out = tensorModule.run(o.backend, bytes, (ws) => {
    const K = ws.kernels;
    // Right-to-left orthogonalisation (Alg. 2, lines 2-5).
    for (let k = N - 1; k >= 1; k--) {
      ws.scoped(() => {
        const [r, n, r2] = cores[k].shape;
        const M = n * r2, q = Math.min(M, r);
        const a = ws.f64(M * r);
        for (let i = 0; i < r; i++) for (let j = 0; j < M; j++) a[j * r + i] = cores[k].data[i * M + j];
        const tau = ws.f64(r), work = ws.f64(Math.max(qrBlockedWorkSize(M, r), qrBlockedWorkSize(M, q))), Q = ws.f64(M * q);
        K.householderQrBlocked(M, r, a, r, tau, work);
        K.householderQBlocked(M, q, a, r, tau, Q, q, work);
        // G_k = (Q R)ᵀ = Rᵀ Qᵀ: keep Qᵀ, multiply G_{k-1} by Rᵀ (R is q x r, upper triangle of a).
        const Rt = ws.f64(r * q);
        for (let i = 0; i < q; i++) for (let j = i; j < r; j++) Rt[j * q + i] = a[i * r + j];
        const g = new Float64Array(q * M);
        for (let i = 0; i < M; i++) for (let c = 0; c < q; c++) g[c * M + i] = Q[i * q + c];
        cores[k] = { shape: [q, n, r2], data: g };
        const [pr, pn] = cores[k - 1].shape;
        const prev = ws.input(cores[k - 1].data), out = ws.f64(pr * pn * q);
        K.gemm(false, false, pr * pn, q, r, 1, prev, r, Rt, q, 0, out, q);
        cores[k - 1] = { shape: [pr, pn, q], data: ws.output(out).slice() };
      });
    }
    const delta2 = N > 1 ? (eps * norm2(cores[0].data)) ** 2 / (N - 1) : 0;
    // Left-to-right truncation (Alg. 2, lines 7-11).
    for (let k = 0; k < N - 1; k++) {
      ws.scoped(() => {
        const [r, n, r2] = cores[k].shape;
        const m = r * n, kmin = Math.min(m, r2);
        const G = ws.input(cores[k].data), U = ws.f64(m * kmin), s = ws.f64(kmin);
        leftSingular(ws, m, r2, G, U, s);
        const rn = Math.min(truncationRank(s, delta2), caps[k]);
        const core = new Float64Array(m * rn);
        for (let i = 0; i < m; i++) for (let c = 0; c < rn; c++) core[i * rn + c] = U[i * kmin + c];
        cores[k] = { shape: [r, n, rn], data: core };
        // diag(σ)Vᵀ = U_rᵀ G_k, carried into the next core.
        const SV = ws.f64(rn * r2);
        K.gemm(true, false, rn, r2, m, 1, U, kmin, G, r2, 0, SV, r2);
        const [, nn, rr] = cores[k + 1].shape;
        const next = ws.input(cores[k + 1].data), out = ws.f64(rn * nn * rr);
        K.gemm(false, false, rn, nn * rr, r2, 1, SV, r2, next, nn * rr, 0, out, nn * rr);
        cores[k + 1] = { shape: [rn, nn, rr], data: ws.output(out).slice() };
      });
    }
    return { cores, ranks: [...cores.map((c) => c.shape[0]), 1] };
  });
  return { kind: "tensor-network", version: RESULT_VERSION, cores: unscaleLast(out.cores, e.reduce((a, b) => a + b, 0), "ttRound"), ranks: out.ranks };
}
