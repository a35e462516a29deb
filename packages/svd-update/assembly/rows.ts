// Row gathers and scatters of a tall factor (row-major, k columns): only the
// rows an update touches are read or written, never the whole factor.
import { axpy } from "../../linalg/assembly/blas1";

/** out (p x k) = rows idx[0..p) of P (row-major, k columns). */
export function gatherRows(p: i32, k: i32, idx: usize, P: usize, out: usize): void {
  const bytes = <usize>k << 3;
  for (let i = 0; i < p; i++) {
    const r = <usize>load<i32>(idx + (<usize>i << 2));
    memory.copy(out + <usize>i * bytes, P + r * bytes, bytes);
  }
}

/** P[idx[i]] += X[i] for i < p (X is p x k, row-major). */
export function scatterAddRows(p: i32, k: i32, idx: usize, X: usize, P: usize): void {
  const bytes = <usize>k << 3;
  for (let i = 0; i < p; i++) {
    const r = <usize>load<i32>(idx + (<usize>i << 2));
    axpy(k, 1.0, X + <usize>i * bytes, P + r * bytes);
  }
}
