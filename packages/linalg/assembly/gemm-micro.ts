// GEMM's register tile (docs/ARCHITECTURE.md, "Kernels"): C[0..3, 0..6] +=
// Ap(3 x kc) Bp(kc x 6) on packed strips, nine f64x2 accumulators.
//
// The tile's shape, measured here (AMD EPYC Zen 4, Node 20, 2026-12-07): V8 has 15 xmm
// registers for WASM SIMD and schedules every load of a basic block ahead of
// its arithmetic, so a tile needs accumulators + all of one block's loaded
// values <= 15. The fused multiply-add accumulating into its addend needs
// more than 8 independent chains to keep both FMA pipes busy (8 chains: 92%
// of the probe's rate, 12: 98%). The old 4 x 4 tile (8 accumulators, 6 loads)
// ran at 85-87% of the relaxed-simd peak with its strips in L1; 5 x 4, 6 x 4
// and 4 x 6 tiles spilled. The 3 x 6 tile's nine accumulators fit, and a test
// that never holds in the middle of each k step cuts the step into two
// blocks, so the loads of rows 1 and 2 are not live during row 0's
// multiply-adds: no spill in either variant (the simd variant's multiply needs
// one more register).
//
// The loop runs two k steps per pass (2026-12-07): per pass one stack check,
// one zero-extension per pointer and one advance of B instead of two, about
// 21 machine instructions per k step instead of 22 (nine of them FMAs). The
// never-true tests must differ from each other and from the loop's own test,
// or V8 folds them away (then the loads of a whole pass are hoisted and the
// tile spills: 51% of the peak); A advances in the middle of a pass so every
// splat load keeps offsets 0, 8 and 16, whose base addresses V8 keeps out of
// the loop. GEMM 1024 rose by 1-4% of the peak in five side-by-side runs
// (relaxed-simd 82-85% against 78-83% for the one-step loop), same bits.
import { madd } from "./simd";

export const MR: i32 = 3;
export const NR: i32 = 6;

/**
 * One tile: C[0..h, 0..w] += Ap(MR x kc) * Bp(kc x NR), the sums over p
 * accumulated from zero in p order, then added to C. kc >= 1; Ap and Bp
 * never overlap (the never-true tests rely on it).
 */
export function micro(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, h: i32, w: i32): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c02 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0), c12 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c22 = f64x2.splat(0);
  if (kc & 1) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32);
    let a = v128.load64_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01); c02 = madd(a, b2, c02);
    a = v128.load64_splat(ap, 8);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11); c12 = madd(a, b2, c12);
    a = v128.load64_splat(ap, 16);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21); c22 = madd(a, b2, c22);
    ap += MR << 3;
    bp += NR << 3;
  }
  const end = bp + <usize>(kc >> 1) * (NR << 4);
  if (kc >= 2) while (true) {
    let b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32);
    let a = v128.load64_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01); c02 = madd(a, b2, c02);
    // Never true (bp < end here), but V8 cannot know: the block ends, so rows
    // 1 and 2 load after row 0's multiply-adds.
    if (bp == end) break;
    a = v128.load64_splat(ap, 8);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11); c12 = madd(a, b2, c12);
    a = v128.load64_splat(ap, 16);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21); c22 = madd(a, b2, c22);
    ap += MR << 3;
    if (ap == bp) break; // never: the strips are apart
    b0 = v128.load(bp, 48); b1 = v128.load(bp, 64); b2 = v128.load(bp, 80);
    a = v128.load64_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01); c02 = madd(a, b2, c02);
    if (bp > end) break; // never
    a = v128.load64_splat(ap, 8);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11); c12 = madd(a, b2, c12);
    a = v128.load64_splat(ap, 16);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21); c22 = madd(a, b2, c22);
    ap += MR << 3;
    bp += NR << 4;
    if (bp >= end) break;
  }
  const rs = <usize>ldc << 3;
  if (h == MR && w == NR) {
    let r = c;
    v128.store(r, f64x2.add(v128.load(r), c00));
    v128.store(r, f64x2.add(v128.load(r, 16), c01), 16);
    v128.store(r, f64x2.add(v128.load(r, 32), c02), 32);
    r += rs;
    v128.store(r, f64x2.add(v128.load(r), c10));
    v128.store(r, f64x2.add(v128.load(r, 16), c11), 16);
    v128.store(r, f64x2.add(v128.load(r, 32), c12), 32);
    r += rs;
    v128.store(r, f64x2.add(v128.load(r), c20));
    v128.store(r, f64x2.add(v128.load(r, 16), c21), 16);
    v128.store(r, f64x2.add(v128.load(r, 32), c22), 32);
    return;
  }
  edge(c, w, c00, c01, c02);
  if (h > 1) edge(c + rs, w, c10, c11, c12);
  if (h > 2) edge(c + 2 * rs, w, c20, c21, c22);
}

/** Row r[0..w) += the first w lanes of (v0, v1, v2). */
@inline function edge(r: usize, w: i32, v0: v128, v1: v128, v2: v128): void {
  store<f64>(r, load<f64>(r) + f64x2.extract_lane(v0, 0));
  if (w > 1) store<f64>(r, load<f64>(r, 8) + f64x2.extract_lane(v0, 1), 8);
  if (w > 2) store<f64>(r, load<f64>(r, 16) + f64x2.extract_lane(v1, 0), 16);
  if (w > 3) store<f64>(r, load<f64>(r, 24) + f64x2.extract_lane(v1, 1), 24);
  if (w > 4) store<f64>(r, load<f64>(r, 32) + f64x2.extract_lane(v2, 0), 32);
  if (w > 5) store<f64>(r, load<f64>(r, 40) + f64x2.extract_lane(v2, 1), 40);
}
