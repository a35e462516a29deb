// C = alpha * op(A) * op(B) + beta * C, all row-major, on raw pointers.
//
// Goto-style blocking: B is packed by KC x NC panels into 4-column strips,
// A by MC x KC blocks into 4-row strips (alpha folded in), and a 4 x 4
// register tile (eight f64x2 accumulators) runs over each strip pair. The
// strip layouts make every inner-loop load contiguous. Blocking sizes: an A
// strip (4 x KC) and a B strip (KC x 4) are 16 KiB together (L1), the packed A
// block 256 KiB (L2), the packed B panel 1 MiB.
//
// Shape, measured here (AMD EPYC, Node 20, CPU time against tools/bench/peak.mjs,
// 2026-12-06): the 4 x 4 tile reaches 95-100% of the simd peak and 79-85% of
// the relaxed-simd one at n = 256-1024; its 8 accumulators just cover the FMA
// latency, and every larger tile tried (5 x 4, 6 x 4, also with B loaded half
// by half, and a k-unrolled 4 x 4) ran at 35-70%: V8 spills their registers.
// KC 128-384 and MC 64-256 moved it by less than the noise.
//
// `work` must hold GEMM_WORK_F64 doubles; the kernel allocates nothing.
import { madd } from "./simd";

export const MR: i32 = 4;
export const NR: i32 = 4;
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 512;
/** Doubles of scratch gemm needs: the packed A block plus the packed B panel. */
export const GEMM_WORK_F64: i32 = MC * KC + KC * NC;

export function gemmWorkSize(): i32 {
  return GEMM_WORK_F64;
}


// Packs op(B)[pc .. pc+kc, jc .. jc+nc] into strips of NR columns:
// strip s holds, for each p, the NR values op(B)[pc+p, jc+s*NR .. +NR], zero-padded.
function packB(transB: bool, kc: i32, nc: i32, B: usize, ldb: i32, pc: i32, jc: i32, dst: usize): void {
  for (let js = 0; js < nc; js += NR) {
    const w = min(NR, nc - js);
    const strip = dst + (<usize>(js * kc) << 3);
    if (!transB) {
      for (let p = 0; p < kc; p++) {
        const src = B + (<usize>((pc + p) * ldb + jc + js) << 3);
        const d = strip + (<usize>(p * NR) << 3);
        if (w == NR) {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
        } else {
          for (let j = 0; j < NR; j++) store<f64>(d + (<usize>j << 3), j < w ? load<f64>(src + (<usize>j << 3)) : 0.0);
        }
      }
    } else {
      for (let j = 0; j < NR; j++) {
        if (j < w) {
          const src = B + (<usize>((jc + js + j) * ldb + pc) << 3);
          for (let p = 0; p < kc; p++) store<f64>(strip + (<usize>(p * NR + j) << 3), load<f64>(src + (<usize>p << 3)));
        } else {
          for (let p = 0; p < kc; p++) store<f64>(strip + (<usize>(p * NR + j) << 3), 0.0);
        }
      }
    }
  }
}

// Packs alpha * op(A)[ic .. ic+mc, pc .. pc+kc] into strips of MR rows:
// strip s holds, for each p, the MR values alpha * op(A)[ic+s*MR .. +MR, pc+p], zero-padded.
function packA(transA: bool, mc: i32, kc: i32, alpha: f64, A: usize, lda: i32, ic: i32, pc: i32, dst: usize): void {
  for (let is = 0; is < mc; is += MR) {
    const h = min(MR, mc - is);
    const strip = dst + (<usize>(is * kc) << 3);
    if (!transA) {
      for (let i = 0; i < MR; i++) {
        if (i < h) {
          const src = A + (<usize>((ic + is + i) * lda + pc) << 3);
          for (let p = 0; p < kc; p++) store<f64>(strip + (<usize>(p * MR + i) << 3), alpha * load<f64>(src + (<usize>p << 3)));
        } else {
          for (let p = 0; p < kc; p++) store<f64>(strip + (<usize>(p * MR + i) << 3), 0.0);
        }
      }
    } else {
      const va = f64x2.splat(alpha);
      for (let p = 0; p < kc; p++) {
        const src = A + (<usize>((pc + p) * lda + ic + is) << 3);
        const d = strip + (<usize>(p * MR) << 3);
        if (h == MR) {
          v128.store(d, f64x2.mul(va, v128.load(src)));
          v128.store(d, f64x2.mul(va, v128.load(src, 16)), 16);
        } else {
          for (let i = 0; i < MR; i++) store<f64>(d + (<usize>i << 3), i < h ? alpha * load<f64>(src + (<usize>i << 3)) : 0.0);
        }
      }
    }
  }
}

// One 4 x 4 tile: C[0..h, 0..w] += Ap(4 x kc) * Bp(kc x 4).
function micro(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, h: i32, w: i32): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  // One pointer compared against its end: a loop counter less in the hot loop (simd variant +8%).
  const end = bp + (<usize>kc << 5);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load64_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load64_splat(ap, 8);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load64_splat(ap, 16);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load64_splat(ap, 24);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += 32;
    bp += 32;
  }
  const rs = <usize>ldc << 3;
  if (h == MR && w == NR) {
    let r = c;
    v128.store(r, f64x2.add(v128.load(r), c00));
    v128.store(r, f64x2.add(v128.load(r, 16), c01), 16);
    r += rs;
    v128.store(r, f64x2.add(v128.load(r), c10));
    v128.store(r, f64x2.add(v128.load(r, 16), c11), 16);
    r += rs;
    v128.store(r, f64x2.add(v128.load(r), c20));
    v128.store(r, f64x2.add(v128.load(r, 16), c21), 16);
    r += rs;
    v128.store(r, f64x2.add(v128.load(r), c30));
    v128.store(r, f64x2.add(v128.load(r, 16), c31), 16);
    return;
  }
  edge(c, rs, 0, h, w, c00, c01);
  edge(c, rs, 1, h, w, c10, c11);
  edge(c, rs, 2, h, w, c20, c21);
  edge(c, rs, 3, h, w, c30, c31);
}

@inline function edge(c: usize, rs: usize, i: i32, h: i32, w: i32, lo: v128, hi: v128): void {
  if (i >= h) return;
  const r = c + <usize>i * rs;
  if (w > 0) store<f64>(r, load<f64>(r) + f64x2.extract_lane(lo, 0));
  if (w > 1) store<f64>(r, load<f64>(r, 8) + f64x2.extract_lane(lo, 1), 8);
  if (w > 2) store<f64>(r, load<f64>(r, 16) + f64x2.extract_lane(hi, 0), 16);
  if (w > 3) store<f64>(r, load<f64>(r, 24) + f64x2.extract_lane(hi, 1), 24);
}

/** C (m x n, row stride ldc) = beta C; zeros where beta is 0 (NaN and Inf in C included), nothing where it is 1. */
@inline function scaleRows(m: i32, n: i32, beta: f64, C: usize, ldc: i32): void {
  if (beta == 1.0) return;
  for (let i = 0; i < m; i++) {
    const r = C + (<usize>(i * ldc) << 3);
    if (beta == 0.0) memory.fill(r, 0, <usize>n << 3);
    else for (let j = 0; j < n; j++) store<f64>(r + (<usize>j << 3), beta * load<f64>(r + (<usize>j << 3)));
  }
}

/**
 * C (m x n, leading dimension ldc) = alpha * op(A) * op(B) + beta * C.
 * op(A) is m x k (A stored k x m when transA), op(B) is k x n (B stored n x k when transB).
 * beta == 0 overwrites C without reading it.
 */
export function gemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  alpha: f64, A: usize, lda: i32, B: usize, ldb: i32,
  beta: f64, C: usize, ldc: i32, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  scaleRows(m, n, beta, C, ldc);
  if (k <= 0 || alpha == 0.0) return;
  const Ap = work;
  const Bp = work + (<usize>(MC * KC) << 3);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(transB, kc, nc, B, ldb, pc, jc, Bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(transA, mc, kc, alpha, A, lda, ic, pc, Ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const w = min(NR, nc - jr);
          const bp = Bp + (<usize>(jr * kc) << 3);
          for (let ir = 0; ir < mc; ir += MR) {
            const h = min(MR, mc - ir);
            micro(kc, Ap + (<usize>(ir * kc) << 3), bp, C + (<usize>((ic + ir) * ldc + jc + jr) << 3), ldc, h, w);
          }
        }
      }
    }
  }
}

// Parallel GEMM (docs/ARCHITECTURE.md, "Threads"): C is cut into a fixed grid
// of GEMM_TASK_ROWS x GEMM_TASK_COLS blocks (256 x 256), task t being block
// (t / columnBlocks, t % columnBlocks), whatever the number of threads. A task
// is `gemm` on its block with the whole k, so every entry of C goes through
// exactly the operations of the single-threaded call (the k loop is blocked by
// KC the same way, and the row/column blocking never enters a sum): the
// result is bit for bit the same for any thread count and any task order.
// Each task packs its own B panel, so taller blocks pack B fewer times: at
// n = 1024, 2 threads did 2-5% more work in all than 1 with 256-row blocks,
// 8-15% with 128-row ones (CPU time, 2026-12-06).
export const GEMM_TASK_ROWS: i32 = 256;
export const GEMM_TASK_COLS: i32 = 256;
/** Bytes of a gemm job: 11 i32 fields (transA, transB, m, n, k, A, lda, B, ldb, C, ldc), then alpha and beta as f64 at 48 and 56. */
export const GEMM_JOB_BYTES: i32 = 64;

export function gemmTaskRows(): i32 {
  return GEMM_TASK_ROWS;
}

export function gemmTaskCols(): i32 {
  return GEMM_TASK_COLS;
}

/** Runs task `t` of the gemm job at `job` (layout: GEMM_JOB_BYTES), with `work` the calling thread's packing scratch. */
export function gemmTask(job: usize, t: i32, work: usize): void {
  const transA = load<i32>(job) != 0, transB = load<i32>(job, 4) != 0;
  const m = load<i32>(job, 8), n = load<i32>(job, 12), k = load<i32>(job, 16);
  const A = <usize>load<u32>(job, 20), lda = load<i32>(job, 24);
  const B = <usize>load<u32>(job, 28), ldb = load<i32>(job, 32);
  const C = <usize>load<u32>(job, 36), ldc = load<i32>(job, 40);
  const alpha = load<f64>(job, 48), beta = load<f64>(job, 56);
  const cols = (n + GEMM_TASK_COLS - 1) / GEMM_TASK_COLS;
  const i0 = (t / cols) * GEMM_TASK_ROWS, j0 = (t % cols) * GEMM_TASK_COLS;
  if (i0 >= m) return;
  const a = A + (<usize>(transA ? i0 : i0 * lda) << 3);
  const b = B + (<usize>(transB ? j0 * ldb : j0) << 3);
  const c = C + (<usize>(i0 * ldc + j0) << 3);
  gemm(transA, transB, min(GEMM_TASK_ROWS, m - i0), min(GEMM_TASK_COLS, n - j0), k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}

// Parallel GEMM on packed operands (docs/ARCHITECTURE.md, "Threads"): when
// the caller has room for them, op(A) and op(B) are packed once into shared
// buffers by a first job (gemmPackTask), and a second job (gemmComputeTask)
// only multiplies: each piece is a GEMM_PIECE_ROWS x GEMM_PIECE_COLS block of
// C, no piece packs anything, so the pieces can be small (even loads for 2
// and 3 threads) at no extra cost, and each operand is packed once in all
// (the single call packs A once per NC columns). The packed layouts are those
// of `packA` / `packB` extended to the whole operand, panel by panel of KC
// rows of k:
//   Ap: panel pc at pc * up4(m) doubles; rows i..i+3 of it at + i * kc,
//   Bp: panel pc at pc * up4(n) doubles; columns j..j+3 of it at + j * kc,
// kc = min(KC, k - pc). Each tile of C meets the same strips, the same kc and
// the same micro-kernel as in `gemm`, panel after panel in the same order, so
// C has the same bits as the single call. The job adds two i32 fields to
// gemmTask's: Ap at byte 64 and Bp at byte 68, and a third, the first piece
// at byte 72: task t computes piece first + t, so C's pieces can be split
// over several compute jobs (GEMM_PACKED_JOB_BYTES).
export const GEMM_PIECE_ROWS: i32 = 128;
export const GEMM_PIECE_COLS: i32 = 256;
/** Rows of op(A) (columns of op(B)) one packing piece covers, in one panel. */
export const GEMM_PACK_SPAN: i32 = 256;
export const GEMM_PACKED_JOB_BYTES: i32 = 76;

@inline function up4(x: i32): i32 {
  return (x + 3) & ~3;
}

export function gemmPieceRows(): i32 {
  return GEMM_PIECE_ROWS;
}

export function gemmPieceCols(): i32 {
  return GEMM_PIECE_COLS;
}

/** Pieces of the packing job for op(A) m x k and op(B) k x n: per panel, the row spans of A then the column spans of B. */
export function gemmPackTasks(m: i32, n: i32, k: i32): i32 {
  return ((k + KC - 1) / KC) * ((m + GEMM_PACK_SPAN - 1) / GEMM_PACK_SPAN + (n + GEMM_PACK_SPAN - 1) / GEMM_PACK_SPAN);
}

/** Doubles of the packed operands (Ap then Bp) of a job. */
export function gemmPackedSize(m: i32, n: i32, k: i32): i32 {
  return k * (up4(m) + up4(n));
}

/** Packs piece `t` of op(A) (alpha folded in) or op(B) of the job at `job` into its Ap / Bp. */
export function gemmPackTask(job: usize, t: i32, work: usize): void {
  const transA = load<i32>(job) != 0, transB = load<i32>(job, 4) != 0;
  const m = load<i32>(job, 8), n = load<i32>(job, 12), k = load<i32>(job, 16);
  const A = <usize>load<u32>(job, 20), lda = load<i32>(job, 24);
  const B = <usize>load<u32>(job, 28), ldb = load<i32>(job, 32);
  const alpha = load<f64>(job, 48);
  const Ap = <usize>load<u32>(job, 64), Bp = <usize>load<u32>(job, 68);
  const spansA = (m + GEMM_PACK_SPAN - 1) / GEMM_PACK_SPAN;
  const per = spansA + (n + GEMM_PACK_SPAN - 1) / GEMM_PACK_SPAN;
  const pc = (t / per) * KC, r = t % per;
  if (pc >= k) return;
  const kc = min(KC, k - pc);
  if (r < spansA) {
    const i0 = r * GEMM_PACK_SPAN;
    packA(transA, min(GEMM_PACK_SPAN, m - i0), kc, alpha, A, lda, i0, pc, Ap + ((<usize>pc * <usize>up4(m) + <usize>(i0 * kc)) << 3));
  } else {
    const j0 = (r - spansA) * GEMM_PACK_SPAN;
    packB(transB, kc, min(GEMM_PACK_SPAN, n - j0), B, ldb, pc, j0, Bp + ((<usize>pc * <usize>up4(n) + <usize>(j0 * kc)) << 3));
  }
}

/** Piece p = first + `task` of C (block p / columnPieces, p % columnPieces) of the packed job at `job`: beta C, then the panels' products added in order. */
export function gemmComputeTask(job: usize, task: i32, work: usize): void {
  const t = task + load<i32>(job, 72);
  const m = load<i32>(job, 8), n = load<i32>(job, 12), k = load<i32>(job, 16);
  const C = <usize>load<u32>(job, 36), ldc = load<i32>(job, 40);
  const alpha = load<f64>(job, 48), beta = load<f64>(job, 56);
  const Ap = <usize>load<u32>(job, 64), Bp = <usize>load<u32>(job, 68);
  const cols = (n + GEMM_PIECE_COLS - 1) / GEMM_PIECE_COLS;
  const i0 = (t / cols) * GEMM_PIECE_ROWS, j0 = (t % cols) * GEMM_PIECE_COLS;
  if (i0 >= m) return;
  const mb = min(GEMM_PIECE_ROWS, m - i0), nb = min(GEMM_PIECE_COLS, n - j0);
  const c = C + (<usize>(i0 * ldc + j0) << 3);
  scaleRows(mb, nb, beta, c, ldc);
  if (k <= 0 || alpha == 0.0) return;
  const mp = <usize>up4(m), np = <usize>up4(n);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const ap = Ap + ((<usize>pc * mp + <usize>(i0 * kc)) << 3);
    const bp = Bp + ((<usize>pc * np + <usize>(j0 * kc)) << 3);
    for (let jr = 0; jr < nb; jr += NR) {
      const w = min(NR, nb - jr);
      const b = bp + (<usize>(jr * kc) << 3);
      for (let ir = 0; ir < mb; ir += MR) {
        micro(kc, ap + (<usize>(ir * kc) << 3), b, c + (<usize>(ir * ldc + jr) << 3), ldc, min(MR, mb - ir), w);
      }
    }
  }
}
