// One ALS half-step over every row of one side, in one call: for each row i
// the k x k (k + 1 with a bias) regularised normal equations are formed from
// the other side's factor rows and solved by Cholesky. Twin: src/kernels/als-half-step.ts.
import { normalSolve } from "./normal-solve";

/**
 * Rows i < n of X (n x k) and ownBias from the CSR (ptr, idx, vals) of this
 * side against F (other side, k columns) and otherBias. Ridge lambda (times
 * the row's count when weighted: ALS-WR) on the factor, lambdaBias (never
 * scaled: it is the prior count that shrinks a rarely seen row's bias) on the bias.
 * k = 0 with fitBias fits the biases alone (the baseline).
 * A row without observations (or whose system is singular) gets zeros.
 * `work` holds (k + 1)² + k + 1 doubles. Returns the number of singular rows.
 */
export function alsHalfStep(
  n: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize,
  X: usize, ownBias: usize, mu: f64, lambda: f64, lambdaBias: f64, weighted: i32, fitBias: i32, work: usize,
): i32 {
  return alsRows(0, n, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, lambda, lambdaBias, weighted, fitBias, work);
}

/** alsHalfStep on rows i0 <= i < i1 only (each row's solve is independent: a task of the parallel half-step). */
export function alsRows(
  i0: i32, i1: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize,
  X: usize, ownBias: usize, mu: f64, lambda: f64, lambdaBias: f64, weighted: i32, fitBias: i32, work: usize,
): i32 {
  const d = fitBias ? k + 1 : k;
  const G = work, b = work + (<usize>(d * d) << 3);
  let singular = 0;
  for (let i = i0; i < i1; i++) {
    const start = load<i32>(ptr + (<usize>i << 2)), end = load<i32>(ptr + (<usize>(i + 1) << 2));
    const cnt = end - start;
    const x = X + (<usize>i * <usize>k << 3);
    const scale: f64 = weighted ? <f64>cnt : 1.0;
    let ok = cnt > 0;
    if (ok) ok = normalSolve(start, end, k, idx, vals, F, otherBias, mu, lambda * scale, lambdaBias, fitBias != 0, G, b);
    if (ok) {
      memory.copy(x, b, <usize>k << 3);
      store<f64>(ownBias + (<usize>i << 3), fitBias ? load<f64>(b + (<usize>k << 3)) : 0.0);
    } else {
      if (cnt > 0) singular++;
      memory.fill(x, 0, <usize>k << 3);
      store<f64>(ownBias + (<usize>i << 3), 0.0);
    }
  }
  return singular;
}
