// C = alpha * op(A) * op(B) + beta * C, all row-major, on raw pointers.
//
// Goto-style blocking: B is packed by KC x NC panels into NR-column strips,
// A by MC x KC blocks into MR-row strips (alpha folded in), and an MR x NR
// register tile (gemm-micro.ts) runs over each strip pair. The B strip a
// column of tiles reuses (KC x 6, 12 KiB) stays in L1 while the A strips
// (3 x KC) stream from the packed A block (L2).
//
// Where the time goes at n = 1024, relaxed-simd (AMD EPYC Zen 4, 32 KiB L1d
// and 1 MiB L2 per core, Node 20, CPU time against tools/bench/peak.mjs,
// 2026-12-07, packages/linalg/bench/gemm-peak.mts): the probe's
// multiply-adds take every operand from registers; the tile's own
// instruction mix in L1 (peak.as.ts, tileMix) runs at 90-93% of it, and two
// simpler loops loading one operand per multiply-add at 92-94%, so about 92%
// is the ceiling of any loop that loads (the probe chains each multiply-add
// through its multiplicand, a GEMM through its addend; a registers-only
// addend-chained form could not be timed cleanly: V8 moves the computation of
// its loop-invariant operands into the loop). The tile on strips in L1 reaches it
// (93-95%); the whole kernel runs at 71-87% (85-91% of the tile mix). Of the
// rest, packing takes 4-6% of the peak (A and B from L3 or memory: skipping it
// gave +4-6%) and C's traffic 1-3% (a fixed C tile: +1-3%). Tried without a
// gain beyond the noise: KC 256-512, MC 63-252, NC 258-1026, the ir loop
// outside jr (A strip in L1, B strips streaming), touching the next tile's C
// lines one tile ahead, A packed as pre-splatted pairs (plain loads instead
// of splat loads), packing A inside the first column of tiles (its loads
// beside the multiply-adds). In the simd variant the kernel is at 87-111% of
// its probe. The machine was shared (load 4-9): single runs vary by +-5%.
//
// `work` must hold GEMM_WORK_F64 doubles; the kernel allocates nothing.
import { MR, NR, micro } from "./gemm-micro";

/**
 * Packs op(B)[pc .. pc+kc, jc .. jc+nc] into strips of NR columns: strip s
 * at dst + s * NR * kc holds, for each p, op(B)[pc+p, jc+s*NR .. +NR], zero-padded.
 */
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
          v128.store(d, v128.load(src, 32), 32);
        } else {
          for (let j = 0; j < NR; j++) store<f64>(d + (<usize>j << 3), j < w ? load<f64>(src + (<usize>j << 3)) : 0.0);
        }
      }
    } else {
      for (let j = 0; j < NR; j++) {
        const col = strip + (<usize>j << 3);
        if (j < w) {
          const src = B + (<usize>((jc + js + j) * ldb + pc) << 3);
          for (let p = 0; p < kc; p++) store<f64>(col + (<usize>(p * NR) << 3), load<f64>(src + (<usize>p << 3)));
        } else {
          for (let p = 0; p < kc; p++) store<f64>(col + (<usize>(p * NR) << 3), 0.0);
        }
      }
    }
  }
}

/**
 * Packs alpha * op(A)[ic .. ic+mc, pc .. pc+kc] into strips of MR rows: strip
 * s at dst + s * MR * kc holds, for each p, alpha * op(A)[ic+s*MR .. +MR, pc+p], zero-padded.
 */
function packA(transA: bool, mc: i32, kc: i32, alpha: f64, A: usize, lda: i32, ic: i32, pc: i32, dst: usize): void {
  const va = f64x2.splat(alpha);
  for (let is = 0; is < mc; is += MR) {
    const h = min(MR, mc - is);
    const strip = dst + (<usize>(is * kc) << 3);
    if (!transA) {
      if (h == MR) {
        // Two columns of the three rows at a time: (r0 r1 r2) at p, then at p + 1.
        const r0 = A + (<usize>((ic + is) * lda + pc) << 3), rs = <usize>lda << 3;
        const r1 = r0 + rs, r2 = r1 + rs;
        let p = 0;
        for (; p + 2 <= kc; p += 2) {
          const o = <usize>p << 3, d = strip + <usize>p * (MR << 3);
          const v0 = f64x2.mul(va, v128.load(r0 + o)), v1 = f64x2.mul(va, v128.load(r1 + o)), v2 = f64x2.mul(va, v128.load(r2 + o));
          v128.store(d, f64x2.shuffle(v0, v1, 0, 2));
          v128.store(d, f64x2.shuffle(v2, v0, 0, 3), 16);
          v128.store(d, f64x2.shuffle(v1, v2, 1, 3), 32);
        }
        if (p < kc) {
          const o = <usize>p << 3, d = strip + <usize>p * (MR << 3);
          store<f64>(d, alpha * load<f64>(r0 + o));
          store<f64>(d, alpha * load<f64>(r1 + o), 8);
          store<f64>(d, alpha * load<f64>(r2 + o), 16);
        }
      } else {
        for (let i = 0; i < MR; i++) {
          const row = strip + (<usize>i << 3);
          if (i < h) {
            const src = A + (<usize>((ic + is + i) * lda + pc) << 3);
            for (let p = 0; p < kc; p++) store<f64>(row + (<usize>(p * MR) << 3), alpha * load<f64>(src + (<usize>p << 3)));
          } else {
            for (let p = 0; p < kc; p++) store<f64>(row + (<usize>(p * MR) << 3), 0.0);
          }
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = A + (<usize>((pc + p) * lda + ic + is) << 3);
        const d = strip + (<usize>(p * MR) << 3);
        if (h == MR) {
          v128.store(d, f64x2.mul(va, v128.load(src)));
          store<f64>(d, alpha * load<f64>(src, 16), 16);
        } else {
          for (let i = 0; i < MR; i++) store<f64>(d + (<usize>i << 3), i < h ? alpha * load<f64>(src + (<usize>i << 3)) : 0.0);
        }
      }
    }
  }
}

export const KC: i32 = 256;
export const MC: i32 = 126;
export const NC: i32 = 516;
/** Doubles of scratch gemm needs: the packed A block plus the packed B panel. */
export const GEMM_WORK_F64: i32 = MC * KC + KC * NC;

export function gemmWorkSize(): i32 {
  return GEMM_WORK_F64;
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
  // Blocks of even size (at most NC columns, MC rows), so no thin last block
  // packs a whole operand again for a few columns (n = 1024: 2 x 512, not
  // 510 + 510 + 4). Any blocking gives the same bits: only KC enters a sum.
  const ncb = evenBlock(n, NC, NR), mcb = evenBlock(m, MC, MR);
  for (let jc = 0; jc < n; jc += ncb) {
    const nc = min(ncb, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(transB, kc, nc, B, ldb, pc, jc, Bp);
      for (let ic = 0; ic < m; ic += mcb) {
        const mc = min(mcb, m - ic);
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

/** The step that cuts `size` into ceil(size / most) blocks of nearly equal size, a multiple of `unit` (most is one). */
@inline function evenBlock(size: i32, most: i32, unit: i32): i32 {
  const blocks = (size + most - 1) / most;
  return ((size + blocks - 1) / blocks + unit - 1) / unit * unit;
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
//   Ap: panel pc at pc * upMR(m) doubles; the strip of rows i..i+MR-1 at + i * kc,
//   Bp: panel pc at pc * upNR(n) doubles; the strip of columns j..j+NR-1 at + j * kc,
// kc = min(KC, k - pc). Each tile of C meets the same strips, the same kc and
// the same micro-kernel as in `gemm`, panel after panel in the same order, so
// C has the same bits as the single call. The job adds two i32 fields to
// gemmTask's: Ap at byte 64 and Bp at byte 68, and a third, the first piece
// at byte 72: task t computes piece first + t, so C's pieces can be split
// over several compute jobs (GEMM_PACKED_JOB_BYTES).
export const GEMM_PIECE_ROWS: i32 = 126;
export const GEMM_PIECE_COLS: i32 = 252;
/** Rows of op(A) (columns of op(B)) one packing piece covers, in one panel: a multiple of MR and NR. */
export const GEMM_PACK_SPAN: i32 = 252;
export const GEMM_PACKED_JOB_BYTES: i32 = 76;

/** x rounded up to a multiple of MR (rows of the packed op(A)). */
@inline function upMR(x: i32): i32 {
  return (x + MR - 1) / MR * MR;
}

/** x rounded up to a multiple of NR (columns of the packed op(B)). */
@inline function upNR(x: i32): i32 {
  return (x + NR - 1) / NR * NR;
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
  return k * (upMR(m) + upNR(n));
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
    packA(transA, min(GEMM_PACK_SPAN, m - i0), kc, alpha, A, lda, i0, pc, Ap + ((<usize>pc * <usize>upMR(m) + <usize>(i0 * kc)) << 3));
  } else {
    const j0 = (r - spansA) * GEMM_PACK_SPAN;
    packB(transB, kc, min(GEMM_PACK_SPAN, n - j0), B, ldb, pc, j0, Bp + ((<usize>pc * <usize>upNR(n) + <usize>(j0 * kc)) << 3));
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
  const mp = <usize>upMR(m), np = <usize>upNR(n);
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
