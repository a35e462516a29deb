// Per-batch bookkeeping of an update, moved out of TypeScript so that a small
// batch crosses the JS/WASM boundary a few times instead of looping in JS:
// checking the batch's CSR and finding its support, scattering it into the
// dense support block, the small core SVD with its packing, and the k x k
// rotation of a factor's K. Mirrored in src/kernels/batch.ts.
import { axpyInline, dotInline } from "../../linalg/assembly/blas1";
import { invertGJ } from "../../linalg/assembly/lu";
import { madd } from "../../linalg/assembly/simd";
import { jacobiRowsRetry } from "../../linalg/assembly/svd-driver";

@inline function ldi(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function sti(p: usize, i: i32, v: i32): void {
  store<i32>(p + (<usize>i << 2), v);
}

@inline function ldf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function stf(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/**
 * Checks the s-row CSR (indptr from 0, non-decreasing; indices in [0, dim);
 * data finite) and lists its distinct indices in first-seen order in idx,
 * setting marker[j] to j's position (marker is -1 outside the support).
 * Returns p, the support size, or -1 (indptr), -2 (index), -3 (non-finite)
 * with the marker untouched.
 */
export function csrSupport(s: i32, dim: i32, indptr: usize, indices: usize, data: usize, marker: usize, idx: usize): i32 {
  if (ldi(indptr, 0) != 0) return -1;
  for (let i = 0; i < s; i++) if (ldi(indptr, i + 1) < ldi(indptr, i)) return -1;
  const nnz = ldi(indptr, s);
  for (let q = 0; q < nnz; q++) {
    const j = ldi(indices, q);
    if (j < 0 || j >= dim) return -2;
    const v = ldf(data, q);
    if (!(v - v == 0)) return -3;
  }
  let p = 0;
  for (let q = 0; q < nnz; q++) {
    const j = ldi(indices, q);
    if (ldi(marker, j) < 0) {
      sti(marker, j, p);
      sti(idx, p, j);
      p++;
    }
  }
  return p;
}

/**
 * Ec (s x p) = the batch's rows on its support (positions from marker, as set
 * by csrSupport), then resets marker to -1 on the support idx[0..p).
 */
export function scatterBatch(s: i32, p: i32, indptr: usize, indices: usize, data: usize, marker: usize, idx: usize, Ec: usize): void {
  memory.fill(Ec, 0, (<usize>s * <usize>p) << 3);
  for (let i = 0; i < s; i++) {
    const row = Ec + ((<usize>i * <usize>p) << 3);
    for (let q = ldi(indptr, i); q < ldi(indptr, i + 1); q++) {
      const at = row + (<usize>ldi(marker, ldi(indices, q)) << 3);
      store<f64>(at, load<f64>(at) + ldf(data, q));
    }
  }
  for (let t = 0; t < p; t++) sti(marker, ldi(idx, t), -1);
}

/**
 * The kk leading singular triplets of the r x c row-major M: one-sided Jacobi
 * on X = [N | I] (N = M when r <= c, else Mᵀ; X is R x (L + R) for R = min,
 * L = max) by linalg's Jacobi driver: scaled rotations, tolerance sqrt(L) eps,
 * then L eps should that not converge in maxSweeps; work: 5 R + 5 doubles.
 * F (r x kk), theta (kk), G (c x kk); vectors of zero singular values are zero.
 */
export function smallSvdCore(
  r: i32, c: i32, M: usize, kk: i32, X: usize, d: usize,
  F: usize, theta: usize, G: usize, maxSweeps: i32, work: usize,
): void {
  const trans = r > c;
  const R = trans ? c : r, L = trans ? r : c, w = L + R;
  memory.fill(X, 0, (<usize>R * <usize>w) << 3);
  for (let i = 0; i < R; i++) {
    const xi = i * w;
    if (trans) for (let j = 0; j < L; j++) stf(X, xi + j, ldf(M, j * c + i));
    else memory.copy(X + (<usize>xi << 3), M + (<usize>(i * c) << 3), <usize>L << 3);
    stf(X, xi + L + i, 1.0);
  }
  // linalg's Jacobi for short rows (scaled rotations, independent pairs overlapped): the core's rows are short,
  // so the chain of divisions and square roots from one rotation to the next, not the arithmetic, sets the speed.
  jacobiRowsRetry(R, L, w, X, w, d, L, maxSweeps, true, work);
  const J = trans ? G : F, W = trans ? F : G;
  for (let i = 0; i < kk; i++) {
    const di = ldf(d, i);
    stf(theta, i, di);
    const inv = di > 0 ? 1.0 / di : 0.0;
    for (let a = 0; a < R; a++) stf(J, a * kk + i, ldf(X, i * w + L + a));
    for (let a = 0; a < L; a++) stf(W, a * kk + i, ldf(X, i * w + a) * inv);
  }
}

/**
 * C (k x k) = A B for row-major k x k A, B (C distinct from both). Each
 * 8-wide strip of a row of C stays in registers over the whole sum (C[i][j] =
 * Σ_a A[i][a] B[a][j] from 0 in order of a, as the TS twin's axpy loop).
 */
function mulSmall(k: i32, A: usize, B: usize, C: usize): void {
  const row = <usize>k << 3;
  for (let i = 0; i < k; i++) {
    const ai = A + <usize>i * row, ci = C + <usize>i * row;
    let j = 0;
    for (; j + 8 <= k; j += 8) {
      let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
      let b = B + (<usize>j << 3);
      for (let a = 0; a < k; a++) {
        const va = v128.load64_splat(ai + (<usize>a << 3));
        c0 = madd(va, v128.load(b), c0);
        c1 = madd(va, v128.load(b, 16), c1);
        c2 = madd(va, v128.load(b, 32), c2);
        c3 = madd(va, v128.load(b, 48), c3);
        b += row;
      }
      const o = ci + (<usize>j << 3);
      v128.store(o, c0);
      v128.store(o, c1, 16);
      v128.store(o, c2, 32);
      v128.store(o, c3, 48);
    }
    for (; j + 2 <= k; j += 2) {
      let c0 = f64x2.splat(0);
      let b = B + (<usize>j << 3);
      for (let a = 0; a < k; a++) {
        c0 = madd(v128.load64_splat(ai + (<usize>a << 3)), v128.load(b), c0);
        b += row;
      }
      v128.store(ci + (<usize>j << 3), c0);
    }
    for (; j < k; j++) {
      let s: f64 = 0;
      for (let a = 0; a < k; a++) s += ldf(ai, a) * ldf(B, a * k + j);
      stf(ci, j, s);
    }
  }
}

/**
 * The rotation of a factor's K by H (k x k): Kn = K H (H when identity),
 * Kin = H⁻¹ K⁻¹ (H⁻¹ when identity), H⁻¹ by Gauss-Jordan with partial
 * pivoting. Returns ||Kn||_F ||Kin||_F, or -1 when H is singular (Kin
 * undefined). work: 3 k² + 2 k doubles.
 */
export function rotateFactor(k: i32, K: usize, Kinv: usize, H: usize, identity: bool, Kn: usize, Kin: usize, work: usize): f64 {
  const kk = <usize>k * <usize>k;
  const Hinv = work, gj = work + (kk << 3);
  if (identity) memory.copy(Kn, H, kk << 3);
  else mulSmall(k, K, H, Kn);
  if (!invertGJ(k, H, Hinv, gj)) return -1;
  if (identity) memory.copy(Kin, Hinv, kk << 3);
  else mulSmall(k, Hinv, Kinv, Kin);
  const n2 = <i32>kk;
  return Math.sqrt(dotInline(n2, Kn, Kn)) * Math.sqrt(dotInline(n2, Kin, Kin));
}

/**
 * The projection of a batch on one side (Deng et al.'s sparse form): Ec (s x p)
 * = the batch on its support (positions from marker, then reset to -1 on
 * idx[0..p)), C0 (s x k) = Ec P[idx] K (P the side's tall factor, k columns;
 * without K when identity), read straight from P's rows (no gather). tmp: s k doubles.
 */
export function projectBatch(
  s: i32, p: i32, k: i32, indptr: usize, indices: usize, data: usize, marker: usize, idx: usize,
  P: usize, K: usize, identity: bool, Ec: usize, C0: usize, tmp: usize,
): void {
  scatterBatch(s, p, indptr, indices, data, marker, idx, Ec);
  const row = <usize>k << 3;
  const out = identity ? C0 : tmp;
  memory.fill(out, 0, <usize>s * row);
  for (let i = 0; i < s; i++) {
    const oi = out + <usize>i * row, ei = Ec + ((<usize>i * <usize>p) << 3);
    for (let t = 0; t < p; t++) {
      const e = load<f64>(ei + (<usize>t << 3));
      if (e != 0) axpyInline(k, e, P + <usize>ldi(idx, t) * row, oi);
    }
  }
  if (!identity) {
    memory.fill(C0, 0, <usize>s * row);
    for (let i = 0; i < s; i++) {
      const ci = C0 + <usize>i * row, ti = tmp + <usize>i * row;
      for (let a = 0; a < k; a++) axpyInline(k, load<f64>(ti + (<usize>a << 3)), K + <usize>a * row, ci);
    }
  }
}

/**
 * The core matrix of appending s vectors (rows for addRows): M ((k + s) x w,
 * w = k + sq) = [[diag(sv), 0], [C0, Rᵀ]] with C0 (s x k) and R (row length s,
 * sq rows).
 */
export function appendCore(k: i32, s: i32, sq: i32, sv: usize, C0: usize, R: usize, M: usize): void {
  const w = k + sq;
  memory.fill(M, 0, (<usize>(k + s) * <usize>w) << 3);
  for (let i = 0; i < k; i++) stf(M, i * w + i, ldf(sv, i));
  for (let j = 0; j < s; j++) {
    memory.copy(M + (<usize>((k + j) * w) << 3), C0 + (<usize>(j * k) << 3), <usize>k << 3);
    for (let i = 0; i < sq; i++) stf(M, (k + j) * w + k + i, ldf(R, i * s + j));
  }
}
