import {
  arenaBytes, checkDense, checkVector, LowrankError, runInWorkspace,
  type BackendOptions, type CsrMatrix, type DenseMatrix,
} from "@lowrank/linalg";
import { toCsr } from "./input.js";
import { jsSvdUpdateKernels } from "./kernels.js";
import { svdUpdateWasm } from "./module.js";
import { bindSvdUpdate } from "./wasm.js";

/**
 * Relative error of each singular value against a reference: |s_i - ref_i| / ref_i
 * (0 where both are 0). O(k). Errors: SHAPE, EMPTY, NON_FINITE.
 *
 * @example
 * const err = singularValueError(es.singularValues(), fresh.s); // Float64Array
 * const worst = Math.max(...err);
 */
export function singularValueError(s: ArrayLike<number>, sRef: ArrayLike<number>): Float64Array {
  const a = checkVector(s, "s"), b = checkVector(sRef, "sRef", a.length);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    out[i] = d === 0 ? 0 : d / Math.abs(b[i]);
  }
  return out;
}

/**
 * The scaled residual of each triplet, ||A v_i - s_i u_i|| / s_i (Kalantzis et
 * al.; 0 for an exact singular triplet). A is CSR or dense and only multiplied
 * (A V through spmm). Synchronous: on the default wasm backend call and await
 * `init()` first. O(nnz k + (rows + cols) k). Errors: SHAPE, EMPTY, NON_FINITE,
 * INDEX, NOT_INITIALIZED.
 *
 * @example
 * await init();
 * const r = residualMetric(A, U, s, V); // Float64Array of k residuals
 */
export function residualMetric(
  A: CsrMatrix | DenseMatrix, U: DenseMatrix, s: ArrayLike<number>, V: DenseMatrix, opts: BackendOptions = {},
): Float64Array {
  const C = toCsr(A, "A");
  const Uc = checkDense(U, "U"), Vc = checkDense(V, "V");
  const k = Uc.cols;
  const sv = checkVector(s, "s", k);
  if (Uc.rows !== C.rows || Vc.rows !== C.cols || Vc.cols !== k) {
    throw new LowrankError("SHAPE", `residualMetric: A is ${C.rows} x ${C.cols}, U ${Uc.rows} x ${k}, V ${Vc.rows} x ${Vc.cols}`);
  }
  const m = C.rows, nnz = C.indptr[m];
  const AV = runInWorkspace(opts.backend ?? "wasm", arenaBytes(nnz + Vc.data.length + m * k, nnz + m + 1, 6), jsSvdUpdateKernels, () => {
    const instance = svdUpdateWasm.shared();
    return { instance, kernels: bindSvdUpdate(instance) };
  }, (ws) => {
    const out = ws.f64(m * k);
    ws.kernels.spmm(m, k, ws.inputI32(C.indptr), ws.inputI32(C.indices.subarray(0, nnz)), ws.input(C.data.subarray(0, nnz)), ws.input(Vc.data), out);
    return ws.output(out);
  });
  const res = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      const r = AV[i * k + j] - sv[j] * Uc.data[i * k + j];
      res[j] += r * r;
    }
  }
  for (let j = 0; j < k; j++) res[j] = Math.sqrt(res[j]) / sv[j];
  return res;
}
