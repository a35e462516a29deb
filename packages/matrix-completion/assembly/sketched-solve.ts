// The passes of robust alternating minimisation (Gu, Song, Yin, Zhang 2023,
// arXiv 2302.11068) over a block of rows of one side. Each row's regression
// min_x ||D x - t|| (D = the other side's factor rows at the row's
// observations) is solved approximately by sketch-and-precondition:
//   1. S D with a subspace embedding S of s rows: a CountSketch (one ±1 per
//      observation, O(|Omega_i| k); one hash of F's rows per half-step,
//      tabulated by sketchTable and shared by every row) or an SRHT (random
//      signs, a Walsh-Hadamard transform of the zero-padded design, s of its
//      rows: O(N k log N), N the next power of two >= |Omega_i|),
//   2. the Cholesky factor L of the sketched Gram matrix (S D)ᵀ(S D), so that
//      R = Lᵀ is the R of a QR of S D and D R⁻¹ is well conditioned (a failed
//      or near-singular factorisation leaves the row to the exact solve),
//   3. conjugate gradients on the normal equations preconditioned by L Lᵀ,
//      warm-started from the row's current value.
// sketchedPrepare does steps 1-2 and starts the CG of each row of the block
// (and gives each row's squared residual at the start, which the driver
// carries through the steps: the iteration's training loss);
// sketchedStep makes one CG step on each row still active. How many steps,
// which rows stop, and the exact solves of the rows left out are decided by
// the driver, src/robust-altmin.ts (docs/ARCHITECTURE.md, "matrix-completion").
// Twin: src/kernels/sketched-solve.ts.
import { cholesky } from "../../linalg/assembly/cholesky-rows";
import { triangularSolve } from "../../linalg/assembly/triangular";
import { axpyInline, dotInline } from "../../linalg/assembly/blas1";
import { gatherSigned } from "./gather-signed";
import { gatherSketch } from "./gather-sketch";
import { gramRows } from "./gram";
import { hadamardRows } from "./hadamard";
import { normalProduct } from "./normal-product";
import { bucketOf, mix32, rowKey, stepKey } from "./sketch-hash";

@inline function rowAt(ptr: usize, i: i32): i32 {
  return load<i32>(ptr + (<usize>i << 2));
}

/** z (kp doubles, padding copied from g) = (L Lᵀ)⁻¹ g for the lower triangular L (k x k). */
@inline function precondition(k: i32, kp: i32, L: usize, g: usize, z: usize): void {
  memory.copy(z, g, <usize>kp << 3);
  triangularSolve(true, false, false, k, 1, L, k, z, 1);
  triangularSolve(true, true, false, k, 1, L, k, z, 1);
}

/** The smallest power of two >= n (n >= 1). */
@inline function pow2AtLeast(n: i32): i32 {
  let N = 1;
  while (N < n) N <<= 1;
  return N;
}

/**
 * This half-step's CountSketch of F's m rows: T[j] = byte offset of row j's
 * bucket among s rows kp = k rounded up to even doubles apart, | its sign bit.
 * The bucket and sign depend on (seed, j) only. O(m).
 */
export function sketchTable(m: i32, k: i32, s: i32, seed: u32, T: usize): void {
  const kp = (k + 1) & ~1;
  const hk = stepKey(seed);
  for (let j = 0; j < m; j++) {
    const h = mix32(hk ^ <u32>j);
    store<i32>(T + (<usize>j << 2), bucketOf(h, s) * kp * 8 | <i32>(h & 1));
  }
}

/**
 * Prepares rows i0 .. i0 + nb - 1 of X (k columns) against F: a row with more
 * than s observations is gathered into D (its rows at (ptr[i] - ptr[i0]) kp
 * doubles), sketched (SD: s kp doubles; H: the SRHT's P kp doubles, P the
 * power of two >= the row's count), its factor L_r (k², r-th of L) formed,
 * and its CG started: g_r = Dᵀ(t - D x), z_r = p_r = (L Lᵀ)⁻¹ g_r (kp each,
 * r-th of g, z, p), gamma[r] = g_r · z_r, rr[r] = |t - D x|², status[r] = 1.
 * Any other row gets status[r] = 0 (rr[r] then undefined) and is left to the
 * exact solve. srht: 0 CountSketch (T from
 * sketchTable), 1 SRHT. buf: 2 CHUNK + kp doubles. Returns the rows prepared.
 * O(|Omega_block| k + nb (s k² + k³)) (+ the SRHT's transforms).
 */
export function sketchedPrepare(
  i0: i32, nb: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, X: usize, s: i32, seed: u32, srht: i32,
  T: usize, D: usize, SD: usize, H: usize, L: usize, g: usize, z: usize, p: usize, gamma: usize, status: usize, rr: usize, buf: usize,
): i32 {
  const kp = (k + 1) & ~1;
  const row = <usize>kp << 3, kk = <usize>(k * k) << 3;
  const base = rowAt(ptr, i0);
  let prepared = 0;
  for (let r = 0; r < nb; r++) {
    const i = i0 + r;
    const start = rowAt(ptr, i), cnt = rowAt(ptr, i + 1) - start;
    store<f64>(status + (<usize>r << 3), 0);
    if (cnt <= s) continue;
    const x = X + (<usize>i * <usize>k << 3), Dr = D + <usize>(start - base) * row;
    const gr = g + <usize>r * row, zr = z + <usize>r * row, pr = p + <usize>r * row, Lr = L + <usize>r * kk;
    let res: f64;
    if (srht) {
      const key = rowKey(seed, i);
      res = gatherSigned(cnt, k, start, idx, vals, F, Dr, x, gr, H, key, buf);
      // Pad to N rows, transform, keep s distinct rows: offset + t * stride mod N (stride odd).
      const N = pow2AtLeast(cnt);
      memory.fill(H + <usize>cnt * row, 0, <usize>(N - cnt) * row);
      hadamardRows(N, kp, H, kp);
      const pick = mix32(key ^ 0x5bd1e995);
      const offset = <i32>(pick & <u32>(N - 1)), stride = <i32>((mix32(pick) | 1) & <u32>(N - 1));
      for (let t = 0; t < s; t++) memory.copy(SD + <usize>t * row, H + <usize>((offset + t * stride) & (N - 1)) * row, row);
    } else {
      memory.fill(SD, 0, <usize>s * row);
      res = gatherSketch(cnt, k, start, idx, vals, F, Dr, x, gr, SD, T, buf);
    }
    store<f64>(rr + (<usize>r << 3), res);
    gramRows(s, k, SD, kp, Lr);
    let fullRank = cholesky(k, Lr, k) >= 0;
    let dmax: f64 = 0;
    for (let c = 0; c < k && fullRank; c++) dmax = max(dmax, load<f64>(Lr + (<usize>(c * k + c) << 3)));
    for (let c = 0; c < k && fullRank; c++) fullRank = load<f64>(Lr + (<usize>(c * k + c) << 3)) > 1e-7 * dmax;
    if (!fullRank) continue;
    precondition(k, kp, Lr, gr, zr);
    memory.copy(pr, zr, row);
    store<f64>(gamma + (<usize>r << 3), dotInline(k, gr, zr));
    store<f64>(status + (<usize>r << 3), 1);
    prepared++;
  }
  return prepared;
}

/**
 * One preconditioned CG step on each row r < nb of the block with active[r]
 * != 0 (state as sketchedPrepare left it): w_r = Dᵀ(D p_r) (kp, r-th of w),
 * qq[r] = |D p_r|², and when qq[r] > 0: x += alpha p, g -= alpha w,
 * z = (L Lᵀ)⁻¹ g, gamma[r] = g · z, p = z + beta p (alpha = gamma / qq, beta
 * = the new gamma / the old). Returns the rows stepped. O(|Omega_active| k + nb k²).
 */
export function sketchedStep(
  i0: i32, nb: i32, k: i32, ptr: usize, D: usize, X: usize,
  L: usize, g: usize, z: usize, p: usize, w: usize, gamma: usize, qq: usize, active: usize, buf: usize,
): i32 {
  const kp = (k + 1) & ~1;
  const row = <usize>kp << 3, kk = <usize>(k * k) << 3;
  const base = rowAt(ptr, i0);
  let stepped = 0;
  for (let r = 0; r < nb; r++) {
    if (load<f64>(active + (<usize>r << 3)) == 0) continue;
    const i = i0 + r;
    const start = rowAt(ptr, i), cnt = rowAt(ptr, i + 1) - start;
    const x = X + (<usize>i * <usize>k << 3), Dr = D + <usize>(start - base) * row;
    const gr = g + <usize>r * row, zr = z + <usize>r * row, pr = p + <usize>r * row, wr = w + <usize>r * row;
    const curv = normalProduct(cnt, k, Dr, pr, wr, buf);
    store<f64>(qq + (<usize>r << 3), curv);
    if (!(curv > 0)) continue;
    const ga = gamma + (<usize>r << 3);
    const old = load<f64>(ga);
    const alpha = old / curv;
    axpyInline(k, alpha, pr, x);
    axpyInline(k, -alpha, wr, gr);
    precondition(k, kp, L + <usize>r * kk, gr, zr);
    const next = dotInline(k, gr, zr);
    const beta = next / old;
    store<f64>(ga, next);
    for (let c = 0; c < k; c++) {
      const pc = pr + (<usize>c << 3);
      store<f64>(pc, load<f64>(zr + (<usize>c << 3)) + beta * load<f64>(pc));
    }
    stepped++;
  }
  return stepped;
}
