// Triangular solves op(T) X = B in place of B, row-major. Untransposed: each
// row of X is B's row minus a combination of solved rows (axpy), or for one
// right-hand side a dot product with a row of T. Transposed: each solved row
// is removed from the rows it feeds, reading one contiguous row of T.
// Mirrored in src/kernels/triangular.ts.
import { axpy, dot } from "./blas1";
import { at, ld } from "./rotation";

function divRow(k: i32, b: usize, dg: f64): void {
  for (let t = 0; t < k; t++) {
    const p = b + (<usize>t << 3);
    store<f64>(p, load<f64>(p) / dg);
  }
}

export function triangularSolve(
  lower: bool, trans: bool, unit: bool, n: i32, k: i32,
  T: usize, ldt: i32, B: usize, ldb: i32,
): i32 {
  if (!unit) {
    for (let i = 0; i < n; i++) if (load<f64>(at(T, ldt, i, i)) == 0) return -(i + 1);
  }
  const vec = k == 1 && ldb == 1;
  if (!trans) {
    const lo = lower ? 0 : n - 1, step = lower ? 1 : -1;
    for (let q = 0; q < n; q++) {
      const i = lo + step * q;
      const j0 = lower ? 0 : i + 1, j1 = lower ? i : n;
      const bi = at(B, ldb, i, 0);
      if (vec) {
        store<f64>(bi, load<f64>(bi) - dot(j1 - j0, at(T, ldt, i, j0), at(B, 1, j0, 0)));
      } else {
        for (let j = j0; j < j1; j++) {
          const tij = load<f64>(at(T, ldt, i, j));
          if (tij != 0) axpy(k, -tij, at(B, ldb, j, 0), bi);
        }
      }
      if (!unit) divRow(k, bi, load<f64>(at(T, ldt, i, i)));
    }
  } else {
    const forward = !lower;
    for (let q = 0; q < n; q++) {
      const i = forward ? q : n - 1 - q;
      const bi = at(B, ldb, i, 0);
      if (!unit) divRow(k, bi, load<f64>(at(T, ldt, i, i)));
      const j0 = forward ? i + 1 : 0, j1 = forward ? n : i;
      if (vec) {
        axpy(j1 - j0, -load<f64>(bi), at(T, ldt, i, j0), at(B, 1, j0, 0));
      } else {
        for (let j = j0; j < j1; j++) {
          const tij = load<f64>(at(T, ldt, i, j));
          if (tij != 0) axpy(k, -tij, bi, at(B, ldb, j, 0));
        }
      }
    }
  }
  return 0;
}
