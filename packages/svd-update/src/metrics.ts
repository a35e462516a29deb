import { asVector, BACKEND, checkSize, LowrankError, readOptions, type BackendOptions, type CsrMatrix, type DenseMatrix } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import { asBatch, asDense } from "./input.js";
import { svdUpdateModule } from "./module.js";
import { maxAbs, scaleExponent, scaleInto, times2 } from "./scale.js";

function notRepresentable(fn: string, i: number): LowrankError {
  return new LowrankError("NON_FINITE", `${fn}: entry ${i} of the result exceeds the largest double`);
}

/**
 * Relative error of each singular value against a reference: |s_i - ref_i| / |ref_i|,
 * 0 where both are equal, and the absolute error |s_i| where ref_i = 0. O(k).
 * Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE (also when a ratio exceeds the largest double).
 *
 * @example
 * const err = singularValueError(es.singularValues(), fresh.s); // Float64Array
 * const worst = Math.max(...err);
 */
export function singularValueError(s: ArrayLike<number>, sRef: ArrayLike<number>): Float64Array {
  const a = asVector(s, "s"), b = asVector(sRef, "sRef", { length: a.length });
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    let d = Math.abs(a[i] - b[i]);
    if (d === 0) continue;
    if (b[i] === 0) out[i] = d;
    else {
      // |a - b| overflows only for huge values of opposite signs: halves are exact there.
      out[i] = Number.isFinite(d) ? d / Math.abs(b[i]) : (d = Math.abs(a[i] / 2 - b[i] / 2)) / Math.abs(b[i] / 2);
    }
    if (!Number.isFinite(out[i])) throw notRepresentable("singularValueError", i);
  }
  return out;
}

const RESIDUAL_SCHEMA = { backend: BACKEND };

/**
 * The scaled residual of each triplet, ||A v_i - s_i u_i|| / |s_i| (Kalantzis
 * et al.; 0 for an exact singular triplet; the absolute residual where s_i = 0).
 * A is CSR or dense and only multiplied (A V through spmm). Inputs of extreme
 * magnitude are scaled by powers of two first. Synchronous; in Node and
 * workers the wasm backend compiles on first use, on a browser's main thread
 * call and await `init()` first. O(nnz k + (rows + cols) k). Errors:
 * INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE, INDEX, TOO_LARGE, NOT_INITIALIZED.
 *
 * @example
 * const r = residualMetric(A, U, s, V); // Float64Array of k residuals
 */
export function residualMetric(
  A: CsrMatrix | DenseMatrix, U: DenseMatrix, s: ArrayLike<number>, V: DenseMatrix, opts: BackendOptions = {},
): Float64Array {
  const o = readOptions("residualMetric", opts, RESIDUAL_SCHEMA);
  const C = asBatch(A, "A");
  const Uc = asDense(U, "U"), Vc = asDense(V, "V");
  const k = Uc.cols;
  const sv = asVector(s, "s", { length: k });
  if (Uc.rows !== C.rows || Vc.rows !== C.cols || Vc.cols !== k) {
    throw new LowrankError("SHAPE", `residualMetric: A is ${C.rows} x ${C.cols}, U ${Uc.rows} x ${k}, V ${Vc.rows} x ${Vc.cols}`);
  }
  const m = C.rows, nnz = C.indptr[m];
  checkSize(m * k, "A V");
  // r = A V - U diag(s) is formed as 2^-T r: A V / 2^(eA + eV') and U diag(s) / 2^(eS + eU') with both exponent sums T.
  const eA = scaleExponent(maxAbs(C.data, nnz)), eV = scaleExponent(maxAbs(Vc.data));
  const eS = scaleExponent(maxAbs(sv)), eU = scaleExponent(maxAbs(Uc.data));
  const T = Math.max(eA + eV, eS + eU);
  const data = eA === 0 ? C.data : scaleInto(C.data, -eA, new Float64Array(nnz), nnz);
  const Vd = T - eA === 0 ? Vc.data : scaleInto(Vc.data, -(T - eA), new Float64Array(Vc.data.length));
  const Ud = T - eS === 0 ? Uc.data : scaleInto(Uc.data, -(T - eS), new Float64Array(Uc.data.length));
  const ss = eS === 0 ? sv : scaleInto(sv, -eS, new Float64Array(k));
  const AV = svdUpdateModule.run(o.backend, arenaBytes(nnz + Vd.length + m * k, nnz + m + 1, 6), (ws) => {
    const out = ws.f64(m * k);
    ws.kernels.spmm(m, k, ws.inputI32(C.indptr.subarray(0, m + 1)), ws.inputI32(C.indices.subarray(0, nnz)), ws.input(data.subarray(0, nnz)), ws.input(Vd), out);
    return ws.output(out);
  });
  const res = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      const r = AV[i * k + j] - ss[j] * Ud[i * k + j];
      res[j] += r * r;
    }
  }
  for (let j = 0; j < k; j++) {
    const norm = Math.sqrt(res[j]);
    res[j] = ss[j] !== 0 ? times2(norm / Math.abs(ss[j]), T - eS) : norm === 0 ? 0 : times2(norm, T);
    if (!Number.isFinite(res[j])) throw notRepresentable("residualMetric", j);
  }
  return res;
}
