// A row's normal equations by register tiles, for BPMF's Gibbs half-step:
// the observations' design rows [F_j, 1, t] (the 1 with a bias, the target t
// last) are gathered in chunks of GRAM_CHUNK rows, W columns (zero-padded to
// a multiple of 4; with d a multiple of 4, t apart), and every 4 x 4 tile of the lower triangle of their Gram
// matrix stays in eight registers while a chunk streams past. The tiles hold
// G (d x d) and, in the row of t, b. Every entry receives its terms one at a
// time in q order, one multiply-add each, starting from zero: the sums round
// exactly as formNormal's (assembly/normal-solve.ts), whose TypeScript twin
// (src/kernels/normal-solve.ts) is this kernel's too. Wider rows (k above
// GRAM_MAX_WIDTH - 2) go to formNormal itself.
import { madd } from "../../linalg/assembly/simd";
import { formNormal } from "./normal-solve";

/** Gathered design rows per chunk. */
export const GRAM_CHUNK: i32 = 64;
/** Widest gathered row (d + 1 rounded up to 4, or d) the tiled path takes. */
export const GRAM_MAX_WIDTH: i32 = 32;
/** Doubles of the tiled path's scratch: tiles, the target's row, the gathered rows and their targets. */
export const GRAM_SCRATCH: i32 = GRAM_MAX_WIDTH * (GRAM_MAX_WIDTH + 1 + GRAM_CHUNK) + GRAM_CHUNK;

/** Columns of the gathered rows: d + 1 (the target) rounded up to a multiple of 4. */
@inline function gramWidth(d: i32): i32 {
  return (d + 4) & ~3;
}

/**
 * G (lower triangle of d x d; above it untouched) and b of the row whose observations are q in [start, end), as formNormal forms
 * them; S holds GRAM_SCRATCH doubles. When d is a multiple of 4 the target would open a block of its own: then it is
 * gathered apart and b accumulated by a one-row tile (the same terms in the same order).
 * With ow not 0 each observation's gathered row is r [f, 1, t], r = ow[j] (the root of its weight; bpmfRows,
 * assembly/bpmf.ts), each entry a product rounded once.
 */
export function formNormalTiled(
  start: i32, end: i32, k: i32, idx: usize, vals: usize, F: usize, otherBias: usize, mu: f64, fitBias: bool, G: usize, b: usize, S: usize,
  ow: usize,
): void {
  const d = fitBias ? k + 1 : k, apart = (d & 3) == 0, W = apart ? d : gramWidth(d);
  if (W > GRAM_MAX_WIDTH) {
    if (ow != 0) formWeighted(start, end, k, idx, vals, F, otherBias, mu, fitBias, G, b, ow);
    else formNormal(start, end, k, idx, vals, F, otherBias, mu, fitBias, G, b);
    return;
  }
  const rowBytes = <usize>W << 3;
  // The tiles (W x W), the target's row of them (W), the gathered rows (GRAM_CHUNK x W) and, apart, their targets.
  const T = S, Tb = T + <usize>W * rowBytes, A = Tb + rowBytes, tv = A + <usize>GRAM_CHUNK * rowBytes;
  // Zeroed by stores (a memory.fill is a call out of the module: it cost more than the stores on short rows).
  const zero = f64x2.splat(0);
  for (let o: usize = 0, e = <usize>(W + 1) * rowBytes; o < e; o += 16) v128.store(T + o, zero);
  const blocks = W >> 2;
  for (let q0 = start; q0 < end; q0 += GRAM_CHUNK) {
    const q1 = min(end, q0 + GRAM_CHUNK);
    let a = A;
    for (let q = q0; q < q1; q++, a += rowBytes) {
      const j = load<i32>(idx + (<usize>q << 2));
      const f = F + (<usize>j * <usize>k << 3);
      let c = 0;
      for (; c + 2 <= k; c += 2) v128.store(a + (<usize>c << 3), v128.load(f + (<usize>c << 3)));
      if (c < k) store<f64>(a + (<usize>c << 3), load<f64>(f + (<usize>c << 3)));
      c = k;
      if (fitBias) {
        store<f64>(a + (<usize>c << 3), 1.0);
        c++;
      }
      const t = load<f64>(vals + (<usize>q << 3)) - mu - load<f64>(otherBias + (<usize>j << 3));
      if (apart) {
        store<f64>(tv + (<usize>(q - q0) << 3), t);
      } else {
        store<f64>(a + (<usize>c << 3), t);
        c++;
        for (; c < W; c++) store<f64>(a + (<usize>c << 3), 0.0);
      }
      if (ow != 0) {
        const r = load<f64>(ow + (<usize>j << 3));
        for (let c = 0; c < W; c++) store<f64>(a + (<usize>c << 3), r * load<f64>(a + (<usize>c << 3)));
        if (apart) store<f64>(tv + (<usize>(q - q0) << 3), r * t);
      }
    }
    const nq = q1 - q0;
    for (let rb = 0; rb < blocks; rb++) {
      for (let cb = 0; cb <= rb; cb++) tile(nq, A, rowBytes, <usize>(rb << 2) << 3, <usize>(cb << 2) << 3, T + <usize>(rb << 2) * rowBytes + (<usize>(cb << 2) << 3));
    }
    if (apart) targetRow(nq, A, rowBytes, tv, Tb, blocks);
  }
  for (let r = 0; r < d; r++) {
    const t = T + <usize>r * rowBytes, g = G + (<usize>(r * d) << 3);
    for (let c = 0; c <= r; c++) store<f64>(g + (<usize>c << 3), load<f64>(t + (<usize>c << 3)));
  }
  const tb = apart ? Tb : T + <usize>d * rowBytes;
  for (let c = 0; c < d; c++) store<f64>(b + (<usize>c << 3), load<f64>(tb + (<usize>c << 3)));
}

/** tb[0..4 blocks) += Σ_q tv[q] A[q, ..] over nq gathered rows: b's terms in q order, eight columns a pass. */
@inline function targetRow(nq: i32, A: usize, rowBytes: usize, tv: usize, tb: usize, blocks: i32): void {
  for (let cb = 0; cb < blocks; cb += 2) {
    const two = cb + 1 < blocks, o = <usize>(cb << 2) << 3, t = tb + o;
    let a0 = v128.load(t), a1 = v128.load(t, 16);
    let a2 = two ? v128.load(t, 32) : f64x2.splat(0), a3 = two ? v128.load(t, 48) : f64x2.splat(0);
    let p = A + o;
    for (let q = 0; q < nq; q++, p += rowBytes) {
      const s = v128.load64_splat(tv + (<usize>q << 3));
      a0 = madd(s, v128.load(p), a0);
      a1 = madd(s, v128.load(p, 16), a1);
      if (two) {
        a2 = madd(s, v128.load(p, 32), a2);
        a3 = madd(s, v128.load(p, 48), a3);
      }
    }
    v128.store(t, a0);
    v128.store(t, a1, 16);
    if (two) {
      v128.store(t, a2, 32);
      v128.store(t, a3, 48);
    }
  }
}

/** The 4 x 4 tile at t (rows W doubles apart) += Σ_q A[q, r0..r0+4]ᵀ A[q, c0..c0+4] over nq gathered rows; r0, c0 in bytes. */
@inline function tile(nq: i32, A: usize, rowBytes: usize, r0: usize, c0: usize, t: usize): void {
  const t1 = t + rowBytes, t2 = t1 + rowBytes, t3 = t2 + rowBytes;
  let a00 = v128.load(t), a01 = v128.load(t, 16);
  let a10 = v128.load(t1), a11 = v128.load(t1, 16);
  let a20 = v128.load(t2), a21 = v128.load(t2, 16);
  let a30 = v128.load(t3), a31 = v128.load(t3, 16);
  let p = A;
  for (let q = 0; q < nq; q++, p += rowBytes) {
    const x0 = v128.load(p + c0), x1 = v128.load(p + c0, 16);
    const pr = p + r0;
    let s = v128.load64_splat(pr);
    a00 = madd(s, x0, a00);
    a01 = madd(s, x1, a01);
    s = v128.load64_splat(pr, 8);
    a10 = madd(s, x0, a10);
    a11 = madd(s, x1, a11);
    s = v128.load64_splat(pr, 16);
    a20 = madd(s, x0, a20);
    a21 = madd(s, x1, a21);
    s = v128.load64_splat(pr, 24);
    a30 = madd(s, x0, a30);
    a31 = madd(s, x1, a31);
  }
  v128.store(t, a00);
  v128.store(t, a01, 16);
  v128.store(t1, a10);
  v128.store(t1, a11, 16);
  v128.store(t2, a20);
  v128.store(t2, a21, 16);
  v128.store(t3, a30);
  v128.store(t3, a31, 16);
}

/**
 * formNormal's sums of the scaled rows r [f, 1] and targets r t, r = ow[j] (rows wider than the tiled path takes): entry
 * (r, c <= r) of G sums (r f_r)(r f_c) and b sums (r t)(r f_c), each from zero in q order, as the tiled path forms them.
 * O(observations d²).
 */
function formWeighted(
  start: i32, end: i32, k: i32, idx: usize, vals: usize, F: usize, otherBias: usize, mu: f64, fitBias: bool, G: usize, b: usize, ow: usize,
): void {
  const d = fitBias ? k + 1 : k;
  memory.fill(G, 0, <usize>(d * d) << 3);
  memory.fill(b, 0, <usize>d << 3);
  for (let q = start; q < end; q++) {
    const j = <usize>load<i32>(idx + (<usize>q << 2)), f = F + ((j * <usize>k) << 3), w = load<f64>(ow + (j << 3));
    const t = w * (load<f64>(vals + (<usize>q << 3)) - mu - load<f64>(otherBias + (j << 3)));
    for (let c = 0; c < d; c++) {
      const wc = c < k ? w * load<f64>(f + (<usize>c << 3)) : w;
      for (let r = c; r < d; r++) {
        const wr = r < k ? w * load<f64>(f + (<usize>r << 3)) : w, p = G + (<usize>(r * d + c) << 3);
        store<f64>(p, load<f64>(p) + wr * wc);
      }
      const pb = b + (<usize>c << 3);
      store<f64>(pb, load<f64>(pb) + t * wc);
    }
  }
}
