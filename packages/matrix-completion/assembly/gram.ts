// Lower triangle of a Gram matrix G += Σ_q f_q f_qᵀ, the hot loop of every
// exact row solve and of the sketched preconditioner. Four rows f_q at a
// time, two rows of G at a time: each row of G is loaded and stored once per
// four rank-1 updates and each load of f is shared by two rows of G. Every
// entry still receives the updates in order (q ascending, one multiply-add
// each), so the sums round exactly as one axpy per f_q, which is what the
// TypeScript twin (src/kernels/gram.ts) does. Only the lower triangle (columns
// 0..r of row r, leading dimension d) is touched; Cholesky reads nothing else.
import { axpyInline } from "../../linalg/assembly/blas1";
import { madd, rank1x4 } from "../../linalg/assembly/simd";

/**
 * g0[0..n) += a0 f0 + ... + a3 f3 and g1[0..n) += b0 f0 + ... + b3 f3, each
 * term added in turn (left to right), each factor load shared by both rows.
 */
@inline function rank2x4(
  n: i32, g0: usize, g1: usize, f0: usize, f1: usize, f2: usize, f3: usize,
  a0: f64, a1: f64, a2: f64, a3: f64, b0: f64, b1: f64, b2: f64, b3: f64,
): void {
  const va0 = f64x2.splat(a0), va1 = f64x2.splat(a1), va2 = f64x2.splat(a2), va3 = f64x2.splat(a3);
  const vb0 = f64x2.splat(b0), vb1 = f64x2.splat(b1), vb2 = f64x2.splat(b2), vb3 = f64x2.splat(b3);
  let c = 0;
  for (; c + 2 <= n; c += 2) {
    const o = <usize>c << 3;
    const x0 = v128.load(f0 + o), x1 = v128.load(f1 + o), x2 = v128.load(f2 + o), x3 = v128.load(f3 + o);
    let p = v128.load(g0 + o), q = v128.load(g1 + o);
    p = madd(va0, x0, p);
    q = madd(vb0, x0, q);
    p = madd(va1, x1, p);
    q = madd(vb1, x1, q);
    p = madd(va2, x2, p);
    q = madd(vb2, x2, q);
    p = madd(va3, x3, p);
    q = madd(vb3, x3, q);
    v128.store(g0 + o, p);
    v128.store(g1 + o, q);
  }
  if (c < n) {
    const o = <usize>c << 3;
    const x0 = load<f64>(f0 + o), x1 = load<f64>(f1 + o), x2 = load<f64>(f2 + o), x3 = load<f64>(f3 + o);
    let p = load<f64>(g0 + o), q = load<f64>(g1 + o);
    p += a0 * x0;
    p += a1 * x1;
    p += a2 * x2;
    p += a3 * x3;
    q += b0 * x0;
    q += b1 * x1;
    q += b2 * x2;
    q += b3 * x3;
    store<f64>(g0 + o, p);
    store<f64>(g1 + o, q);
  }
}

/** G (lower, leading dimension d) += f0 f0ᵀ + f1 f1ᵀ + f2 f2ᵀ + f3 f3ᵀ for k-long rows. */
@inline export function gram4(k: i32, d: i32, G: usize, f0: usize, f1: usize, f2: usize, f3: usize): void {
  let r = 0;
  for (; r + 2 <= k; r += 2) {
    const o = <usize>r << 3, o1 = <usize>(r + 1) << 3;
    const g0 = G + (<usize>(r * d) << 3), g1 = G + (<usize>((r + 1) * d) << 3);
    const a0 = load<f64>(f0 + o), a1 = load<f64>(f1 + o), a2 = load<f64>(f2 + o), a3 = load<f64>(f3 + o);
    const b0 = load<f64>(f0 + o1), b1 = load<f64>(f1 + o1), b2 = load<f64>(f2 + o1), b3 = load<f64>(f3 + o1);
    rank2x4(r + 1, g0, g1, f0, f1, f2, f3, a0, a1, a2, a3, b0, b1, b2, b3);
    // Row r + 1 reaches one column further than row r: its diagonal entry.
    let x = load<f64>(g1 + o1);
    x += b0 * b0;
    x += b1 * b1;
    x += b2 * b2;
    x += b3 * b3;
    store<f64>(g1 + o1, x);
  }
  if (r < k) {
    const o = <usize>r << 3;
    rank1x4(r + 1, G + (<usize>(r * d) << 3), f0, f1, f2, f3, load<f64>(f0 + o), load<f64>(f1 + o), load<f64>(f2 + o), load<f64>(f3 + o));
  }
}

/** G (lower, leading dimension d) += f fᵀ. */
@inline export function gram1(k: i32, d: i32, G: usize, f: usize): void {
  for (let r = 0; r < k; r++) axpyInline(r + 1, load<f64>(f + (<usize>r << 3)), f, G + (<usize>(r * d) << 3));
}

/** G (k x k, lower triangle; zeroed first) = Xᵀ X for the n k-long rows of X, ldx doubles apart. */
export function gramRows(n: i32, k: i32, X: usize, ldx: i32, G: usize): void {
  memory.fill(G, 0, <usize>(k * k) << 3);
  const row = <usize>ldx << 3;
  let q = 0;
  for (; q + 4 <= n; q += 4) {
    const f0 = X + <usize>q * row;
    gram4(k, k, G, f0, f0 + row, f0 + 2 * row, f0 + 3 * row);
  }
  for (; q < n; q++) gram1(k, k, G, X + <usize>q * row);
}
