// One half-step of robust alternating minimisation (Gu, Song, Yin, Zhang 2023,
// arXiv 2302.11068) over every row of one side in one call. Each row's
// regression min_x ||D x - t|| (D = the other side's factor rows at the row's
// observations) is solved approximately by sketch-and-precondition:
//   1. S D with a subspace embedding S of s rows: a CountSketch (one ±1 per
//      observation, O(|Omega_i| k)) or an SRHT (random signs, a Walsh-Hadamard
//      transform of the zero-padded design, s of its rows: O(N k log N), N the
//      next power of two >= |Omega_i|),
//   2. the Cholesky factor L of the sketched Gram matrix (S D)ᵀ(S D), so that
//      R = Lᵀ is the R of a QR of S D and D R⁻¹ is well conditioned (s k² +
//      k³/3 flops on the SIMD Gram kernel, against a Householder QR's
//      2 s k² - 2k³/3 applied reflector by reflector; squaring the
//      condition number costs nothing that matters, as a preconditioner needs
//      only a few correct digits, and a failed or near-singular factorisation
//      falls back to the exact solve),
//   3. conjugate gradients on the normal equations preconditioned by RᵀR =
//      L Lᵀ, warm-started from the row's current value, until the
//      preconditioned normal residual ||L⁻¹ Dᵀ(t - D x)|| has fallen by
//      innerTol or maxInner steps have run.
// The passes over the row's observations are fused: one pass gathers D,
// sketches it and forms the starting gradient Dᵀ(t - D x); each CG step is
// one more pass computing w = Dᵀ(D p) (a dot and an axpy on the same row, the
// gradient updated as g -= alpha w), so no residual vector is kept.
// The CountSketch's bucket and sign depend on (seed, j) only: one hash of F's
// rows per call, tabulated before the rows (O(m)) and shared by every row's
// regression, so the first pass reads an i32 where it used to hash each
// observation (the hash was more than half of that pass at k = 4).
// Rows with at most s observations are solved exactly through their normal
// equations (a sketch that is not shorter than D saves nothing).
// Mirrored in src/kernels.ts (sketchedHalfStep).
import { cholesky } from "../../linalg/assembly/cholesky-rows";
import { triangularSolve } from "../../linalg/assembly/triangular";
import { axpyInline, dotInline } from "../../linalg/assembly/blas1";
import { gramRows } from "./gram";
import { normalSolve } from "./normal-solve";
import { bucketOf, mix32, rowKey, stepKey } from "./sketch-hash";

@inline function f64At(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** z = (L Lᵀ)⁻¹ g for the lower triangular L (k x k, leading dimension k). */
function precondition(k: i32, L: usize, g: usize, z: usize): void {
  memory.copy(z, g, <usize>k << 3);
  triangularSolve(true, false, false, k, 1, L, k, z, 1);
  triangularSolve(true, true, false, k, 1, L, k, z, 1);
}

/** The smallest power of two >= n (n >= 1). */
@inline function pow2AtLeast(n: i32): i32 {
  let N = 1;
  while (N < n) N <<= 1;
  return N;
}

@inline function fma2(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, acc);
  return f64x2.add(acc, f64x2.mul(a, b));
}

/**
 * Copies the k doubles at src to dst (a wasm memory.copy of a few dozen bytes
 * is a runtime call, dearer than the row's arithmetic at small k) and returns
 * their dot product with x, rounded exactly as dotInline(k, dst, x).
 */
@inline function copyDot(k: i32, src: usize, dst: usize, x: usize): f64 {
  const zero = f64x2.splat(0);
  let a0 = zero, a1 = zero;
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    const o = <usize>c << 3;
    const d0 = v128.load(src + o), d1 = v128.load(src + o, 16);
    v128.store(dst + o, d0);
    v128.store(dst + o, d1, 16);
    a0 = fma2(d0, v128.load(x + o), a0);
    a1 = fma2(d1, v128.load(x + o, 16), a1);
  }
  a0 = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  for (; c < k; c++) {
    const o = <usize>c << 3;
    const v = load<f64>(src + o);
    store<f64>(dst + o, v);
    s += v * load<f64>(x + o);
  }
  return s;
}

/**
 * w = Dᵀ (D p) over the cnt contiguous k-long rows of D; returns |D p|². One
 * pass, a dot and an axpy per row. For k = 4 and 8, p and w stay in
 * registers (k = 16: in two sweeps per chunk of rows, buf holding 64 dots); the dots round as dotInline (lane pairs summed, then the lanes)
 * and w's entries receive their terms in row order, as axpyInline.
 */
function normalProduct(cnt: i32, k: i32, D: usize, p: usize, w: usize, buf: usize): f64 {
  let qq: f64 = 0;
  const row = <usize>k << 3;
  const zero = f64x2.splat(0);
  if (k == 4) {
    const p0 = v128.load(p), p1 = v128.load(p, 16);
    let w0 = zero, w1 = zero;
    for (let q = 0; q < cnt; q++) {
      const dq = D + <usize>q * row;
      const d0 = v128.load(dq), d1 = v128.load(dq, 16);
      const a = f64x2.add(fma2(d0, p0, zero), fma2(d1, p1, zero));
      const v = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
      qq += v * v;
      const vv = f64x2.splat(v);
      w0 = fma2(vv, d0, w0);
      w1 = fma2(vv, d1, w1);
    }
    v128.store(w, w0);
    v128.store(w, w1, 16);
    return qq;
  }
  if (k == 8) {
    const p0 = v128.load(p), p1 = v128.load(p, 16), p2 = v128.load(p, 32), p3 = v128.load(p, 48);
    let w0 = zero, w1 = zero, w2 = zero, w3 = zero;
    for (let q = 0; q < cnt; q++) {
      const dq = D + <usize>q * row;
      const d0 = v128.load(dq), d1 = v128.load(dq, 16), d2 = v128.load(dq, 32), d3 = v128.load(dq, 48);
      const a = f64x2.add(fma2(d2, p2, fma2(d0, p0, zero)), fma2(d3, p3, fma2(d1, p1, zero)));
      const v = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
      qq += v * v;
      const vv = f64x2.splat(v);
      w0 = fma2(vv, d0, w0);
      w1 = fma2(vv, d1, w1);
      w2 = fma2(vv, d2, w2);
      w3 = fma2(vv, d3, w3);
    }
    v128.store(w, w0);
    v128.store(w, w1, 16);
    v128.store(w, w2, 32);
    v128.store(w, w3, 48);
    return qq;
  }
  if (k == 16) {
    // Chunks of 64 rows (8 KiB, L1-resident), two sweeps each: the dots with p
    // held in eight registers (into buf), then the axpys with w in eight
    // registers. Each row is loaded once per sweep, against twice plus p's
    // eight loads in a one-sweep loop that cannot keep both p and w in
    // registers. Same operations in the same order as the generic loop.
    memory.fill(w, 0, row);
    for (let q0 = 0; q0 < cnt; q0 += 64) {
      const q1 = min(q0 + 64, cnt);
      const p0 = v128.load(p), p1 = v128.load(p, 16), p2 = v128.load(p, 32), p3 = v128.load(p, 48);
      const p4 = v128.load(p, 64), p5 = v128.load(p, 80), p6 = v128.load(p, 96), p7 = v128.load(p, 112);
      for (let q = q0; q < q1; q++) {
        const dq = D + <usize>q * row;
        let a0 = fma2(v128.load(dq), p0, zero);
        let a1 = fma2(v128.load(dq, 16), p1, zero);
        a0 = fma2(v128.load(dq, 32), p2, a0);
        a1 = fma2(v128.load(dq, 48), p3, a1);
        a0 = fma2(v128.load(dq, 64), p4, a0);
        a1 = fma2(v128.load(dq, 80), p5, a1);
        a0 = fma2(v128.load(dq, 96), p6, a0);
        a1 = fma2(v128.load(dq, 112), p7, a1);
        a0 = f64x2.add(a0, a1);
        const v = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
        qq += v * v;
        store<f64>(buf + (<usize>(q - q0) << 3), v);
      }
      let w0 = v128.load(w), w1 = v128.load(w, 16), w2 = v128.load(w, 32), w3 = v128.load(w, 48);
      let w4 = v128.load(w, 64), w5 = v128.load(w, 80), w6 = v128.load(w, 96), w7 = v128.load(w, 112);
      for (let q = q0; q < q1; q++) {
        const dq = D + <usize>q * row;
        const vv = v128.load64_splat(buf + (<usize>(q - q0) << 3));
        w0 = fma2(vv, v128.load(dq), w0);
        w1 = fma2(vv, v128.load(dq, 16), w1);
        w2 = fma2(vv, v128.load(dq, 32), w2);
        w3 = fma2(vv, v128.load(dq, 48), w3);
        w4 = fma2(vv, v128.load(dq, 64), w4);
        w5 = fma2(vv, v128.load(dq, 80), w5);
        w6 = fma2(vv, v128.load(dq, 96), w6);
        w7 = fma2(vv, v128.load(dq, 112), w7);
      }
      v128.store(w, w0);
      v128.store(w, w1, 16);
      v128.store(w, w2, 32);
      v128.store(w, w3, 48);
      v128.store(w, w4, 64);
      v128.store(w, w5, 80);
      v128.store(w, w6, 96);
      v128.store(w, w7, 112);
    }
    return qq;
  }
  memory.fill(w, 0, row);
  for (let q = 0; q < cnt; q++) {
    const dq = D + <usize>q * row;
    const v = dotInline(k, dq, p);
    qq += v * v;
    axpyInline(k, v, dq, w);
  }
  return qq;
}

/**
 * The first pass of a sketched row at k = 4, 8 or 16 with a CountSketch: gathers
 * D, returns nothing but leaves g = Dᵀ(t - D x) and S D, with g held in
 * registers (and x at k = 4, 8): the generic loop's per-row axpy into g in
 * memory is a store-to-load chain from one observation to the next, and its
 * loop control costs more than the arithmetic at these k. T is the call's
 * bucket table (byte offset of the bucket | sign bit per row of F); the sign
 * flips the row's sign bits (exactly sign * row). Rounds exactly as the generic loop.
 */
function gatherSketchSmall(
  cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, SD: usize, T: usize,
): void {
  const row = <usize>k << 3;
  const zero = f64x2.splat(0);
  const x0 = v128.load(x), x1 = v128.load(x, 16);
  let g0 = zero, g1 = zero;
  if (k == 4) {
    for (let q = 0; q < cnt; q++) {
      const j = load<i32>(idx + (<usize>(start + q) << 2));
      const src = F + <usize>j * row, dq = D + <usize>q * row;
      const d0 = v128.load(src), d1 = v128.load(src, 16);
      v128.store(dq, d0);
      v128.store(dq, d1, 16);
      const a = f64x2.add(fma2(d0, x0, zero), fma2(d1, x1, zero));
      const rq = load<f64>(vals + (<usize>(start + q) << 3)) - (f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1));
      const vr = f64x2.splat(rq);
      g0 = fma2(vr, d0, g0);
      g1 = fma2(vr, d1, g1);
      const t = load<i32>(T + (<usize>j << 2));
      const neg = i64x2.splat(<i64>(t & 1) << 63);
      const b = SD + <usize>(t & ~1);
      v128.store(b, f64x2.add(v128.load(b), v128.xor(d0, neg)));
      v128.store(b, f64x2.add(v128.load(b, 16), v128.xor(d1, neg)), 16);
    }
    v128.store(g, g0);
    v128.store(g, g1, 16);
    return;
  }
  if (k == 16) {
    // g in eight registers; x and the stored row are read from L1 (the row: once from F for the dot, then from D).
    let g2 = zero, g3 = zero, g4 = zero, g5 = zero, g6 = zero, g7 = zero;
    for (let q = 0; q < cnt; q++) {
      const j = load<i32>(idx + (<usize>(start + q) << 2));
      const src = F + <usize>j * row, dq = D + <usize>q * row;
      let d = v128.load(src);
      v128.store(dq, d);
      let a0 = fma2(d, x0, zero);
      d = v128.load(src, 16);
      v128.store(dq, d, 16);
      let a1 = fma2(d, x1, zero);
      d = v128.load(src, 32);
      v128.store(dq, d, 32);
      a0 = fma2(d, v128.load(x, 32), a0);
      d = v128.load(src, 48);
      v128.store(dq, d, 48);
      a1 = fma2(d, v128.load(x, 48), a1);
      d = v128.load(src, 64);
      v128.store(dq, d, 64);
      a0 = fma2(d, v128.load(x, 64), a0);
      d = v128.load(src, 80);
      v128.store(dq, d, 80);
      a1 = fma2(d, v128.load(x, 80), a1);
      d = v128.load(src, 96);
      v128.store(dq, d, 96);
      a0 = fma2(d, v128.load(x, 96), a0);
      d = v128.load(src, 112);
      v128.store(dq, d, 112);
      a1 = fma2(d, v128.load(x, 112), a1);
      a0 = f64x2.add(a0, a1);
      const rq = load<f64>(vals + (<usize>(start + q) << 3)) - (f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1));
      const vr = f64x2.splat(rq);
      const t = load<i32>(T + (<usize>j << 2));
      const neg = i64x2.splat(<i64>(t & 1) << 63);
      const b = SD + <usize>(t & ~1);
      d = v128.load(dq);
      g0 = fma2(vr, d, g0);
      v128.store(b, f64x2.add(v128.load(b), v128.xor(d, neg)));
      d = v128.load(dq, 16);
      g1 = fma2(vr, d, g1);
      v128.store(b, f64x2.add(v128.load(b, 16), v128.xor(d, neg)), 16);
      d = v128.load(dq, 32);
      g2 = fma2(vr, d, g2);
      v128.store(b, f64x2.add(v128.load(b, 32), v128.xor(d, neg)), 32);
      d = v128.load(dq, 48);
      g3 = fma2(vr, d, g3);
      v128.store(b, f64x2.add(v128.load(b, 48), v128.xor(d, neg)), 48);
      d = v128.load(dq, 64);
      g4 = fma2(vr, d, g4);
      v128.store(b, f64x2.add(v128.load(b, 64), v128.xor(d, neg)), 64);
      d = v128.load(dq, 80);
      g5 = fma2(vr, d, g5);
      v128.store(b, f64x2.add(v128.load(b, 80), v128.xor(d, neg)), 80);
      d = v128.load(dq, 96);
      g6 = fma2(vr, d, g6);
      v128.store(b, f64x2.add(v128.load(b, 96), v128.xor(d, neg)), 96);
      d = v128.load(dq, 112);
      g7 = fma2(vr, d, g7);
      v128.store(b, f64x2.add(v128.load(b, 112), v128.xor(d, neg)), 112);
    }
    v128.store(g, g0);
    v128.store(g, g1, 16);
    v128.store(g, g2, 32);
    v128.store(g, g3, 48);
    v128.store(g, g4, 64);
    v128.store(g, g5, 80);
    v128.store(g, g6, 96);
    v128.store(g, g7, 112);
    return;
  }
  const x2 = v128.load(x, 32), x3 = v128.load(x, 48);
  let g2 = zero, g3 = zero;
  for (let q = 0; q < cnt; q++) {
    const j = load<i32>(idx + (<usize>(start + q) << 2));
    const src = F + <usize>j * row, dq = D + <usize>q * row;
    const d0 = v128.load(src), d1 = v128.load(src, 16), d2 = v128.load(src, 32), d3 = v128.load(src, 48);
    v128.store(dq, d0);
    v128.store(dq, d1, 16);
    v128.store(dq, d2, 32);
    v128.store(dq, d3, 48);
    const a = f64x2.add(fma2(d2, x2, fma2(d0, x0, zero)), fma2(d3, x3, fma2(d1, x1, zero)));
    const rq = load<f64>(vals + (<usize>(start + q) << 3)) - (f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1));
    const vr = f64x2.splat(rq);
    g0 = fma2(vr, d0, g0);
    g1 = fma2(vr, d1, g1);
    g2 = fma2(vr, d2, g2);
    g3 = fma2(vr, d3, g3);
    const t = load<i32>(T + (<usize>j << 2));
    const neg = i64x2.splat(<i64>(t & 1) << 63);
    const b = SD + <usize>(t & ~1);
    v128.store(b, f64x2.add(v128.load(b), v128.xor(d0, neg)));
    v128.store(b, f64x2.add(v128.load(b, 16), v128.xor(d1, neg)), 16);
    v128.store(b, f64x2.add(v128.load(b, 32), v128.xor(d2, neg)), 32);
    v128.store(b, f64x2.add(v128.load(b, 48), v128.xor(d3, neg)), 48);
  }
  v128.store(g, g0);
  v128.store(g, g1, 16);
  v128.store(g, g2, 32);
  v128.store(g, g3, 48);
}

/**
 * In-place unnormalised Walsh-Hadamard transform of the N (a power of two)
 * k-long rows of H: butterflies (a, b) -> (a + b, a - b) on whole rows.
 */
function hadamardRows(N: i32, k: i32, H: usize): void {
  const row = <usize>k << 3;
  for (let h = 1; h < N; h <<= 1) {
    for (let i0 = 0; i0 < N; i0 += h << 1) {
      for (let i = i0; i < i0 + h; i++) {
        const a = H + <usize>i * row, b = a + <usize>h * row;
        let c = 0;
        for (; c + 2 <= k; c += 2) {
          const o = <usize>c << 3;
          const x = v128.load(a + o), y = v128.load(b + o);
          v128.store(a + o, f64x2.add(x, y));
          v128.store(b + o, f64x2.sub(x, y));
        }
        if (c < k) {
          const o = <usize>c << 3;
          const x = load<f64>(a + o), y = load<f64>(b + o);
          store<f64>(a + o, x + y);
          store<f64>(b + o, x - y);
        }
      }
    }
  }
}

/**
 * Updates rows i < n of X (n x k) in place; F has m rows. `zeros` holds one 0 per row of F
 * (the exact path's bias offsets). `work` holds s k + k² + 4 k + maxCount k + ceil(m / 2)
 * doubles (+ P k for an SRHT, P the power of two >= maxCount), maxCount being the largest row count. srht: 0 for
 * a CountSketch, 1 for an SRHT. Returns the total number of CG steps taken.
 * The CountSketch is one hash of F's rows per call (bucket and sign of row j
 * from stepKey(seed) and j, tabulated once per call in `work`), shared by every
 * row regression of the call: each row's sketch is a CountSketch of its own
 * observations, drawn afresh in every call.
 */
export function sketchedHalfStep(
  n: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, m: i32, X: usize,
  s: i32, seed: u32, innerTol: f64, maxInner: i32, ridge: f64, maxCount: i32, zeros: usize, work: usize, srht: i32,
): i32 {
  const SD = work;
  const L = f64At(SD, s * k), g = f64At(L, k * k), z = f64At(g, k), p = f64At(z, k), w = f64At(p, k);
  const D = f64At(w, k), T = f64At(D, maxCount * k), H = f64At(T, (m + 1) >> 1);
  const row = <usize>k << 3;
  if (!srht) {
    // This call's CountSketch of F's rows: bucket byte offset | sign bit per row j of F.
    const hk = stepKey(seed);
    for (let j = 0; j < m; j++) {
      const h = mix32(hk ^ <u32>j);
      store<i32>(T + (<usize>j << 2), bucketOf(h, s) * k * 8 | <i32>(h & 1));
    }
  }
  const tol2 = innerTol * innerTol;
  let steps = 0;
  for (let i = 0; i < n; i++) {
    const start = load<i32>(ptr + (<usize>i << 2)), end = load<i32>(ptr + (<usize>(i + 1) << 2));
    const cnt = end - start;
    const x = X + <usize>i * row;
    if (cnt == 0) {
      memory.fill(x, 0, row);
      continue;
    }
    let sketched = cnt > s;
    const key = rowKey(seed, i);
    if (sketched) {
      // One pass: gather D, start the gradient g = Dᵀ(t - D x), and sketch
      // (CountSketch: into SD's buckets; SRHT: signed rows into H).
      memory.fill(g, 0, row);
      if (!srht) memory.fill(SD, 0, <usize>(s * k) << 3);
      if (!srht && (k == 4 || k == 8 || k == 16)) gatherSketchSmall(cnt, k, start, idx, vals, F, D, x, g, SD, T);
      else for (let q = 0; q < cnt; q++) {
        const j = load<i32>(idx + (<usize>(start + q) << 2));
        const dq = D + <usize>q * row;
        const rq = load<f64>(f64At(vals, start + q)) - copyDot(k, F + <usize>j * row, dq, x);
        axpyInline(k, rq, dq, g);
        if (srht) {
          const sign: f64 = (mix32(key ^ <u32>j) & 1) != 0 ? -1.0 : 1.0;
          const hq = H + <usize>q * row;
          for (let c = 0; c < k; c++) store<f64>(f64At(hq, c), sign * load<f64>(f64At(dq, c)));
        } else {
          const t = load<i32>(T + (<usize>j << 2));
          axpyInline(k, (t & 1) != 0 ? -1.0 : 1.0, dq, SD + <usize>(t & ~1));
        }
      }
      if (srht) {
        // Pad to N rows, transform, keep s distinct rows: offset + t * stride mod N (stride odd).
        const N = pow2AtLeast(cnt);
        memory.fill(H + <usize>cnt * row, 0, <usize>(N - cnt) * row);
        hadamardRows(N, k, H);
        const pick = mix32(key ^ 0x5bd1e995);
        const offset = <i32>(pick & <u32>(N - 1)), stride = <i32>((mix32(pick) | 1) & <u32>(N - 1));
        for (let t = 0; t < s; t++) memory.copy(SD + <usize>t * row, H + <usize>((offset + t * stride) & (N - 1)) * row, row);
      }
      gramRows(s, k, SD, L);
      let fullRank = cholesky(k, L, k) >= 0;
      let dmax: f64 = 0;
      for (let c = 0; c < k && fullRank; c++) dmax = max(dmax, load<f64>(f64At(L, c * k + c)));
      for (let c = 0; c < k && fullRank; c++) fullRank = load<f64>(f64At(L, c * k + c)) > 1e-7 * dmax;
      sketched = fullRank;
    }
    if (!sketched) {
      // G and b of the exact solve fit in the sketch's room (s >= k + 1).
      if (normalSolve(start, end, k, idx, vals, F, zeros, 0, ridge, 0, false, SD, f64At(SD, k * k))) {
        memory.copy(x, f64At(SD, k * k), row);
      } else {
        memory.fill(x, 0, row);
      }
      continue;
    }
    // Preconditioned CG on the normal equations from the warm start x.
    precondition(k, L, g, z);
    memory.copy(p, z, row);
    let gamma = dotInline(k, g, z);
    const stop = tol2 * gamma;
    for (let it = 0; it < maxInner && gamma > stop && gamma > 0; it++) {
      const qq = normalProduct(cnt, k, D, p, w, SD); // SD is free once L is formed
      if (!(qq > 0)) break;
      const alpha = gamma / qq;
      axpyInline(k, alpha, p, x);
      axpyInline(k, -alpha, w, g);
      precondition(k, L, g, z);
      const next = dotInline(k, g, z);
      const beta = next / gamma;
      gamma = next;
      // p = z + beta p
      for (let c = 0; c < k; c++) {
        const pc = f64At(p, c);
        store<f64>(pc, load<f64>(f64At(z, c)) + beta * load<f64>(pc));
      }
      steps++;
    }
  }
  return steps;
}
