// compress(): a model's factor product U Vᵀ cut to the smallest rank that
// keeps it to a relative Frobenius tolerance. A bpmf model holds its kept
// samples side by side (rank k times their number), so its predictions cost
// that many multiply-adds; their average usually has far fewer significant
// directions. U = Q_U R_U and V = Q_V R_V (thin QRs), the core R_U R_Vᵀ = W Σ Zᵀ
// (its SVD), and the compressed factors are Q_U W_p Σ_p^(1/2) and
// Q_V Z_p Σ_p^(1/2), p the fewest singular values whose tail is within tol.
import { BACKEND, gemm, LowrankError, opt, qr, svd, type Backend, type DenseMatrix } from "@lowrank/linalg";
import { CompletionModel } from "./model.js";
import { readOpts } from "./options.js";

/** Options of {@link compress}. */
export interface CompressOptions {
  /** Relative Frobenius error of U Vᵀ allowed, in [0, 1) (default 0.03): the dropped singular values' root sum of squares over all of theirs. */
  tol?: number;
  /** "wasm" (default) or "js". */
  backend?: Backend;
}

const COMPRESS_OPTIONS = { tol: opt.number({ min: 0, below: 1 }), backend: BACKEND };

/**
 * A model with the same biases, mean and clipping whose factor product is the
 * given model's to relative Frobenius error `tol`, at the smallest rank that
 * does so (never above the model's). Useful for bpmf models, whose rank is k
 * times the kept samples: predictions and recommendations cost O(rank) per
 * entry. Cost O((rows + cols) r² + r³) for rank r (QRs, a GEMM and an SVD).
 *
 * Errors: INVALID_ARGUMENT (not a model; options), NON_FINITE.
 *
 * @example
 * const small = compress(await complete(ratings)); // tol 0.03
 * small.rank; // far below the bpmf model's k x samples
 */
export function compress(model: CompletionModel, options: CompressOptions = {}): CompletionModel {
  if (!(model instanceof CompletionModel)) throw new LowrankError("INVALID_ARGUMENT", "compress: model must be a CompletionModel");
  const o = readOpts("compress", options, COMPRESS_OPTIONS);
  const tol = o.tol ?? 0.03, backend = o.backend;
  const n = model.rows, m = model.cols, r = model.rank;
  const qu = qr({ rows: n, cols: r, data: model.U }, { backend }), qv = qr({ rows: m, cols: r, data: model.V }, { backend });
  // The core R_U R_Vᵀ (pu x pv).
  const core = gemm(qu.R, qv.R, { transB: true, backend });
  const f = svd(core, { backend });
  const sv = f.s;
  let total = 0;
  for (let t = 0; t < sv.length; t++) total += sv[t] * sv[t];
  // The fewest leading values whose dropped tail stays within tol² of the total (at least one).
  let p = sv.length, tail = 0;
  while (p > 1 && tail + sv[p - 1] * sv[p - 1] <= tol * tol * total) {
    tail += sv[p - 1] * sv[p - 1];
    p--;
  }
  // Q W_p Σ_p^(1/2) for each side: W's first p columns scaled, then one product.
  const side = (Q: DenseMatrix, W: DenseMatrix) => {
    const q = W.rows, w = W.cols, Wp = new Float64Array(q * p);
    for (let t = 0; t < q; t++) for (let c = 0; c < p; c++) Wp[t * p + c] = W.data[t * w + c] * Math.sqrt(sv[c]);
    return Float64Array.from(gemm(Q, { rows: q, cols: p, data: Wp }, { backend }).data);
  };
  const U = side(qu.Q, f.U), V = side(qv.Q, f.V);
  for (let q = 0; q < U.length; q++) if (!Number.isFinite(U[q])) throw new LowrankError("NON_FINITE", "compress: the model's factors are not finite");
  return new CompletionModel(
    model.method, n, m, p, U, V, model.rowBias.slice(), model.colBias.slice(), model.globalMean, model.clip, model.history.slice(),
    model.regularization, model.observed, model.ids, { converged: model.converged, residual: model.residual },
  );
}
