// tridiagonalizeUpper by panels (LAPACK's dsytrd with dlatrd): the trailing
// triangle's rank-2 updates gathered over TRD_NB reflectors and applied by
// GEMM. Mirrored in src/kernels/tridiagonal-blocked.ts (plain loops there);
// used by src/eigh.ts.
import { axpy, dot, scal } from "./blas1";
import { gemm } from "./gemm";
import { at, ld, st } from "./rotation";
import { madd } from "./simd";
import { closeTridiagonal, reflectRow } from "./tridiagonal";

export const TRD_NB: i32 = 32;

/** See src/kernels/tridiagonal-blocked.ts. work: 2 TRD_NB n + n + GEMM_WORK_F64 doubles. */
export function tridiagonalizeBlocked(n: i32, A: usize, lda: i32, d: usize, e: usize, tau: usize, work: usize): void {
  const nb = TRD_NB;
  const rowBytes = <usize>n << 3;
  const V = work, W = V + <usize>nb * rowBytes, y = W + <usize>nb * rowBytes;
  const gw = y + rowBytes;
  for (let j = 0; j < n - 2; j += nb) {
    const kb = min(nb, n - 2 - j);
    memory.fill(V, 0, <usize>kb * rowBytes);
    memory.fill(W, 0, <usize>kb * rowBytes);
    for (let i = 0; i < kb; i++) {
      const k = j + i;
      const rk = at(A, lda, k, k);
      for (let p = 0; p < i; p++) {
        const vp = V + <usize>p * rowBytes, wp = W + <usize>p * rowBytes;
        axpy(n - k, -ld(vp, k), wp + (<usize>k << 3), rk);
        axpy(n - k, -ld(wp, k), vp + (<usize>k << 3), rk);
      }
      const t = reflectRow(n, k, A, lda, d, e, tau);
      if (t == 0) continue;
      const x = rk + 8, L = n - k - 1, o = <usize>(k + 1) << 3;
      const vi = V + <usize>i * rowBytes + o, wi = W + <usize>i * rowBytes + o;
      memory.copy(vi, x, <usize>L << 3);
      memory.fill(y, 0, <usize>L << 3);
      for (let r = 0; r < L; r++) symvRow(L - r, at(A, lda, k + 1 + r, k + 1 + r), x + (<usize>r << 3), y + (<usize>r << 3));
      for (let p = 0; p < i; p++) {
        const vp = V + <usize>p * rowBytes + o, wp = W + <usize>p * rowBytes + o;
        const a = dot(L, wp, x), b = dot(L, vp, x);
        axpy(L, -a, vp, y);
        axpy(L, -b, wp, y);
      }
      scal(L, t, y);
      const K = 0.5 * t * dot(L, y, x);
      axpy(L, -K, x, y);
      memory.copy(wi, y, <usize>L << 3);
    }
    trailingUpdate(n, j + kb, kb, A, lda, V, W, gw);
  }
  closeTridiagonal(n, A, lda, d, e, tau);
}

function trailingUpdate(n: i32, t0: i32, kb: i32, A: usize, lda: i32, V: usize, W: usize, gw: usize): void {
  for (let r0 = t0; r0 < n; r0 += TRD_NB) {
    const rb = min(TRD_NB, n - r0), w = n - r0, c = at(A, lda, r0, r0), o = <usize>r0 << 3;
    gemm(true, false, rb, w, kb, -1.0, V + o, n, W + o, n, 1.0, c, lda, gw);
    gemm(true, false, rb, w, kb, -1.0, W + o, n, V + o, n, 1.0, c, lda, gw);
  }
}

/**
 * One row of the upper-stored symmetric product y += A22 v: with a = the row
 * from its diagonal (m entries) and x, y from the same index, y[0] += a·x and
 * y[1..] += x[0] a[1..], in one pass over the row (each entry loaded once;
 * the twin takes a dot then an axpy).
 */
@inline function symvRow(m: i32, a: usize, x: usize, y: usize): void {
  const x0 = load<f64>(x), vx0 = f64x2.splat(x0);
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let c = 1;
  for (; c + 3 < m; c += 4) {
    const o = <usize>c << 3;
    const a0 = v128.load(a + o), a1 = v128.load(a + o, 16);
    s0 = madd(a0, v128.load(x + o), s0);
    s1 = madd(a1, v128.load(x + o, 16), s1);
    v128.store(y + o, madd(vx0, a0, v128.load(y + o)));
    v128.store(y + o, madd(vx0, a1, v128.load(y + o, 16)), 16);
  }
  s0 = f64x2.add(s0, s1);
  let s = load<f64>(a) * x0 + f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; c < m; c++) {
    const ac = ld(a, c);
    s += ac * ld(x, c);
    st(y, c, ld(y, c) + x0 * ac);
  }
  store<f64>(y, load<f64>(y) + s);
}
