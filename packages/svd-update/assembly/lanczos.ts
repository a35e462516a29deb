// Single-vector CSR products of the Lanczos methods (src/lanczos-gkl.ts,
// src/lanczos-gram.ts): linalg's spmm is written for blocks and pays a call per nonzero when k = 1.

/** Σ_{q in [q, end)} data[q] x[indices[q]], gathered with two accumulators (even and odd positions from q) added at the end. */
@inline function rowDot(q: i32, end: i32, indices: usize, data: usize, x: usize): f64 {
  let s0 = 0.0, s1 = 0.0;
  for (; q + 1 < end; q += 2) {
    const j0 = <usize>load<i32>(indices + (<usize>q << 2));
    const j1 = <usize>load<i32>(indices + (<usize>(q + 1) << 2));
    s0 += load<f64>(data + (<usize>q << 3)) * load<f64>(x + (j0 << 3));
    s1 += load<f64>(data + (<usize>(q + 1) << 3)) * load<f64>(x + (j1 << 3));
  }
  if (q < end) s0 += load<f64>(data + (<usize>q << 3)) * load<f64>(x + (<usize>load<i32>(indices + (<usize>q << 2)) << 3));
  return s0 + s1;
}

/** y[indices[q]] += data[q] t for q in [q, end). */
@inline function rowScatter(q: i32, end: i32, indices: usize, data: usize, t: f64, y: usize): void {
  for (; q < end; q++) {
    const at = y + (<usize>load<i32>(indices + (<usize>q << 2)) << 3);
    store<f64>(at, load<f64>(at) + load<f64>(data + (<usize>q << 3)) * t);
  }
}

/** y (rows) = A x for CSR A: each row's dot product gathered with two accumulators. */
export function csrMatvec(rows: i32, indptr: usize, indices: usize, data: usize, x: usize, y: usize): void {
  let q = load<i32>(indptr);
  for (let i = 0; i < rows; i++) {
    const end = load<i32>(indptr + (<usize>(i + 1) << 2));
    store<f64>(y + (<usize>i << 3), rowDot(q, end, indices, data, x));
    q = end;
  }
}

/** y (cols) = Aᵀ x for CSR A (rows x cols): each row scattered, scaled by its x entry. */
export function csrMatvecT(rows: i32, cols: i32, indptr: usize, indices: usize, data: usize, x: usize, y: usize): void {
  memory.fill(y, 0, <usize>cols << 3);
  for (let i = 0; i < rows; i++) {
    const xi = load<f64>(x + (<usize>i << 3));
    const end = load<i32>(indptr + (<usize>(i + 1) << 2));
    if (xi == 0) continue;
    rowScatter(load<i32>(indptr + (<usize>i << 2)), end, indices, data, xi, y);
  }
}

/**
 * y (cols) = Aᵀ (A x) for CSR A in one pass over A: each row's dot product
 * with x (as csrMatvec), then that row scattered into y scaled by it (as
 * csrMatvecT), so A is read once per product of AᵀA instead of twice.
 */
export function csrGramMatvec(rows: i32, cols: i32, indptr: usize, indices: usize, data: usize, x: usize, y: usize): void {
  memory.fill(y, 0, <usize>cols << 3);
  let q0 = load<i32>(indptr);
  for (let i = 0; i < rows; i++) {
    const end = load<i32>(indptr + (<usize>(i + 1) << 2));
    const t = rowDot(q0, end, indices, data, x);
    if (t != 0) rowScatter(q0, end, indices, data, t, y);
    q0 = end;
  }
}
