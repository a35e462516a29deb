// Single-vector CSR products of the thick-restart Lanczos SVD (src/lanczos-gkl.ts,
// src/lanczos-gram.ts): spmm is written for blocks and pays a call per nonzero when k = 1.
// Not in assembly/index.ts: a package whose module runs the Lanczos SVD exports these from
// its own assembly/index.ts (svd-update, matrix-completion), so the others' binaries stay as they are.
//
// The products that scatter (Aᵀ x and Aᵀ A x) cut the rows of A into `np`
// pieces of about equal nonzeros (pieceStart); piece 0 scatters into y, piece
// t >= 1 into its own partial vector parts[t - 1], and y then adds the partial
// vectors in the order t = 1, 2, ... So the result depends on np (a property
// the caller derives from the matrix) and never on how many threads ran the
// pieces: csrTask runs one piece (or one column chunk of the sum) on the pool
// (docs/ARCHITECTURE.md, "Threads"), the single-threaded kernels run them all in order.
import { gemm } from "./gemm";
import { gemv } from "./gemv";
import { spmm } from "./sparse";

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

@inline function ptr(indptr: usize, i: i32): i32 {
  return load<i32>(indptr + (<usize>i << 2));
}

/**
 * First row of piece t of np: the first row i with indptr[i] - indptr[0] >=
 * floor(t nnz / np) (0 for t <= 0, rows for t >= np). O(log rows).
 */
function pieceStart(t: i32, np: i32, rows: i32, indptr: usize): i32 {
  if (t <= 0) return 0;
  if (t >= np) return rows;
  const q0 = ptr(indptr, 0);
  const target = q0 + <i32>((<i64>t * <i64>(ptr(indptr, rows) - q0)) / <i64>np);
  let lo = 0, hi = rows;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ptr(indptr, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** y[i] = row i of A times x for rows [r0, r1). */
@inline function gatherRows(r0: i32, r1: i32, indptr: usize, indices: usize, data: usize, x: usize, y: usize): void {
  let q = ptr(indptr, r0);
  for (let i = r0; i < r1; i++) {
    const end = ptr(indptr, i + 1);
    store<f64>(y + (<usize>i << 3), rowDot(q, end, indices, data, x));
    q = end;
  }
}

/** out (cols) = Σ_{i in [r0, r1)} t_i a_i with t_i = a_i·x (gram) or x[i]: rows with t_i = 0 skipped. */
function scatterRows(gram: bool, r0: i32, r1: i32, cols: i32, indptr: usize, indices: usize, data: usize, x: usize, out: usize): void {
  memory.fill(out, 0, <usize>cols << 3);
  let q0 = ptr(indptr, r0);
  for (let i = r0; i < r1; i++) {
    const end = ptr(indptr, i + 1);
    const t = gram ? rowDot(q0, end, indices, data, x) : load<f64>(x + (<usize>i << 3));
    if (t != 0) rowScatter(q0, end, indices, data, t, out);
    q0 = end;
  }
}

/** Where piece t scatters: y for t = 0, else parts[t - 1] (cols each). */
@inline function partOf(t: i32, cols: i32, y: usize, parts: usize): usize {
  return t == 0 ? y : parts + ((<usize>(t - 1) * <usize>cols) << 3);
}

/** y[j] += parts[0][j] + parts[1][j] + ... (left to right) for j in [c0, c1). */
function addParts(c0: i32, c1: i32, np: i32, cols: i32, y: usize, parts: usize): void {
  // Two entries at a time, each summed over the parts in order in a register (the same additions as one part after another).
  const stride = <usize>cols << 3;
  let j = c0;
  for (; j + 2 <= c1; j += 2) {
    const at = y + (<usize>j << 3);
    let acc = v128.load(at), p = parts + (<usize>j << 3);
    for (let t = 1; t < np; t++) {
      acc = f64x2.add(acc, v128.load(p));
      p += stride;
    }
    v128.store(at, acc);
  }
  for (; j < c1; j++) {
    const at = y + (<usize>j << 3);
    let acc = load<f64>(at), p = parts + (<usize>j << 3);
    for (let t = 1; t < np; t++) {
      acc += load<f64>(p);
      p += stride;
    }
    store<f64>(at, acc);
  }
}

/** The np pieces in order, then their sum. */
function scatterProduct(gram: bool, rows: i32, cols: i32, np: i32, indptr: usize, indices: usize, data: usize, x: usize, y: usize, parts: usize): void {
  for (let t = 0; t < np; t++) {
    scatterRows(gram, pieceStart(t, np, rows, indptr), pieceStart(t + 1, np, rows, indptr), cols, indptr, indices, data, x, partOf(t, cols, y, parts));
  }
  addParts(0, cols, np, cols, y, parts);
}

/** y (rows) = A x for CSR A: each row's dot product gathered with two accumulators. */
export function csrMatvec(rows: i32, indptr: usize, indices: usize, data: usize, x: usize, y: usize): void {
  gatherRows(0, rows, indptr, indices, data, x, y);
}

/** y (cols) = Aᵀ x for CSR A (rows x cols) in np pieces (parts: (np - 1) cols scratch): each row scattered, scaled by its x entry. */
export function csrMatvecT(rows: i32, cols: i32, np: i32, indptr: usize, indices: usize, data: usize, x: usize, y: usize, parts: usize): void {
  scatterProduct(false, rows, cols, np, indptr, indices, data, x, y, parts);
}

/**
 * y (cols) = Aᵀ (A x) for CSR A in one pass over A, in np pieces (as
 * csrMatvecT): each row's dot product with x (as csrMatvec), then that row
 * scattered scaled by it, so A is read once per product of AᵀA.
 */
export function csrGramMatvec(rows: i32, cols: i32, np: i32, indptr: usize, indices: usize, data: usize, x: usize, y: usize, parts: usize): void {
  scatterProduct(true, rows, cols, np, indptr, indices, data, x, y, parts);
}

/** counts[c] = nonzeros of rows [r0, r1) in column c (cols i32). */
function transposeCount(r0: i32, r1: i32, cols: i32, indptr: usize, indices: usize, counts: usize): void {
  memory.fill(counts, 0, <usize>cols << 2);
  const end = ptr(indptr, r1);
  for (let q = ptr(indptr, r0); q < end; q++) {
    const at = counts + (<usize>load<i32>(indices + (<usize>q << 2)) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
}

/** The np pieces' counts (np x cols) made into each piece's first position in each column of the transpose, whose indptr (cols + 1) they give. */
function transposeStarts(np: i32, cols: i32, counts: usize, tIndptr: usize): void {
  let s = 0;
  store<i32>(tIndptr, 0);
  for (let c = 0; c < cols; c++) {
    for (let t = 0; t < np; t++) {
      const at = counts + ((<usize>t * <usize>cols + <usize>c) << 2), n = load<i32>(at);
      store<i32>(at, s);
      s += n;
    }
    store<i32>(tIndptr + (<usize>(c + 1) << 2), s);
  }
}

/** Rows [r0, r1) written into the transpose at the running positions `next` (cols i32): row i's entry in column c goes to row c, column i. */
function transposeFill(r0: i32, r1: i32, indptr: usize, indices: usize, data: usize, next: usize, tIndices: usize, tData: usize): void {
  let q = ptr(indptr, r0);
  for (let i = r0; i < r1; i++) {
    const end = ptr(indptr, i + 1);
    for (; q < end; q++) {
      const c = next + (<usize>load<i32>(indices + (<usize>q << 2)) << 2), at = load<i32>(c);
      store<i32>(c, at + 1);
      store<i32>(tIndices + (<usize>at << 2), i);
      store<f64>(tData + (<usize>at << 3), load<f64>(data + (<usize>q << 3)));
    }
  }
}

/** out[0] = max |x_i|, out[1] = min over x_i != 0 of |x_i| (infinity when none) for i < n. */
function valueRange(x: usize, n: i32, out: usize): void {
  let hi = 0.0, lo = Infinity;
  for (let i = 0; i < n; i++) {
    const a = abs(load<f64>(x + (<usize>i << 3)));
    if (a > hi) hi = a;
    if (a != 0 && a < lo) lo = a;
  }
  store<f64>(out, hi);
  store<f64>(out, lo, 8);
}

/**
 * Task t of the CSR product job at `job` (twelve i32: mode, rows, cols, np,
 * chunk, indptr, indices, data, x, y, parts, unused). mode 0: rows of piece
 * t of y = A x; 1 / 2: piece t of Aᵀ x / Aᵀ A x scattered into its own
 * vector; 3: columns [t chunk, (t + 1) chunk) of y plus the partial vectors;
 * 4: rows of piece t of linalg's spmm (y = A X, X = x with `cols` columns),
 * each row as spmm computes it. Modes 1 or 2 then 3 give csrMatvecT /
 * csrGramMatvec's bits. 5 / 6: linalg's gemv (y = alpha op(G) x + beta y, G
 * rows x cols at `indptr` with row stride np, alpha and beta the f64 at
 * bytes 48 and 56), rows [t chunk, (t + 1) chunk) of the plain product (5)
 * or columns [t chunk, (t + 1) chunk) of the transposed one (6; chunk a
 * multiple of 4, so each column meets the same SIMD lanes as in one call).
 * 7 / 9: piece t of the transpose of A (rows x cols): 7 counts its nonzeros
 * per column into counts[t] (at x, np rows of cols i32), 9 writes them at
 * counts[t]'s running positions into the transpose's indices (at y) and data
 * (at parts); 8 (task 0 only) turns the counts into those positions and the
 * transpose's indptr (cols + 1 i32 at byte 44): the transpose is the one of
 * csr-transpose.ts, whatever ran the pieces. 10: columns [t chunk, (t + 1)
 * chunk) of G (rows x cols at `indptr`, row stride np) times the same entries
 * of x, one dot per row, into parts[t] (rows doubles): Gram-Schmidt's
 * coefficients by pieces of coordinates. 11: rows [t chunk, (t + 1) chunk) of
 * W (rows x cols at `indptr`) give parts[t] = W_tᵀ W_t (cols x cols, linalg's
 * gemm with the thread's scratch): CholeskyQR's Gram by row pieces. 12:
 * entries [t chunk, (t + 1) chunk) of `data` (rows entries) give parts[2 t] =
 * their largest magnitude and parts[2 t + 1] their smallest nonzero one
 * (infinity if none): exact, so the same for any pieces.
 */
export function csrTask(job: usize, t: i32, scratch: usize): void {
  const mode = load<i32>(job), rows = load<i32>(job, 4), cols = load<i32>(job, 8), np = load<i32>(job, 12), chunk = load<i32>(job, 16);
  const indptr = <usize>load<u32>(job, 20), indices = <usize>load<u32>(job, 24), data = <usize>load<u32>(job, 28);
  const x = <usize>load<u32>(job, 32), y = <usize>load<u32>(job, 36), parts = <usize>load<u32>(job, 40);
  if (mode == 0) {
    gatherRows(pieceStart(t, np, rows, indptr), pieceStart(t + 1, np, rows, indptr), indptr, indices, data, x, y);
  } else if (mode == 3) {
    const c0 = t * chunk;
    if (c0 < cols) addParts(c0, min(cols, c0 + chunk), np, cols, y, parts);
  } else if (mode == 5 || mode == 6) {
    const lda = np, c0 = t * chunk, alpha = load<f64>(job, 48), beta = load<f64>(job, 56);
    const G = indptr;
    if (mode == 5 && c0 < rows) gemv(false, min(chunk, rows - c0), cols, alpha, G + ((<usize>c0 * <usize>lda) << 3), lda, x, beta, y + (<usize>c0 << 3));
    if (mode == 6 && c0 < cols) gemv(true, rows, min(chunk, cols - c0), alpha, G + (<usize>c0 << 3), lda, x, beta, y + (<usize>c0 << 3));
  } else if (mode == 4) {
    const r0 = pieceStart(t, np, rows, indptr), r1 = pieceStart(t + 1, np, rows, indptr);
    if (r1 > r0) spmm(r1 - r0, cols, indptr + (<usize>r0 << 2), indices, data, x, y + ((<usize>r0 * <usize>cols) << 3));
  } else if (mode == 7) {
    if (t < np) transposeCount(pieceStart(t, np, rows, indptr), pieceStart(t + 1, np, rows, indptr), cols, indptr, indices, x + ((<usize>t * <usize>cols) << 2));
  } else if (mode == 8) {
    if (t == 0) transposeStarts(np, cols, x, <usize>load<u32>(job, 44));
  } else if (mode == 9) {
    if (t < np) transposeFill(pieceStart(t, np, rows, indptr), pieceStart(t + 1, np, rows, indptr), indptr, indices, data, x + ((<usize>t * <usize>cols) << 2), y, parts);
  } else if (mode == 10) {
    const c0 = t * chunk;
    if (c0 < cols) gemv(false, rows, min(chunk, cols - c0), 1.0, indptr + (<usize>c0 << 3), np, x + (<usize>c0 << 3), 0.0, parts + ((<usize>t * <usize>rows) << 3));
  } else if (mode == 11) {
    const r0 = t * chunk, W = indptr + ((<usize>r0 * <usize>cols) << 3);
    if (r0 < rows) gemm(true, false, cols, cols, min(chunk, rows - r0), 1.0, W, cols, W, cols, 0.0, parts + ((<usize>t * <usize>cols * <usize>cols) << 3), cols, scratch);
  } else if (mode == 12) {
    const q0 = t * chunk;
    if (q0 < rows) valueRange(data + (<usize>q0 << 3), min(chunk, rows - q0), parts + (<usize>t << 4));
  } else if (t < np) {
    scatterRows(mode == 2, pieceStart(t, np, rows, indptr), pieceStart(t + 1, np, rows, indptr), cols, indptr, indices, data, x, partOf(t, cols, y, parts));
  }
}
