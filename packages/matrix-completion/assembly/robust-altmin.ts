// One half-step of robust alternating minimisation (Gu, Song, Yin, Zhang 2023,
// arXiv 2302.11068) over every row of one side in one call. Each row's
// regression min_x ||D x - t|| (D = the other side's factor rows at the row's
// observations) is solved approximately by sketch-and-precondition:
//   1. S D with a CountSketch S of s rows (one ±1 per observation),
//   2. the Cholesky factor L of the sketched Gram matrix (S D)ᵀ(S D), so that
//      R = Lᵀ is the R of a QR of S D and D R⁻¹ is well conditioned (s k² +
//      k³/3 flops on the SIMD Gram kernel, against a Householder QR's
//      2 s k² - 2k³/3 applied reflector by reflector; squaring the
//      condition number costs nothing that matters, as a preconditioner needs
//      only a few correct digits, and a failed or near-singular factorisation
//      falls back to the exact solve),
//   3. conjugate gradients on the normal equations preconditioned by RᵀR =
//      L Lᵀ (PCGLS), warm-started from the row's current value, until the
//      preconditioned normal residual ||L⁻¹ Dᵀ(t - D x)|| has fallen by
//      innerTol or maxInner steps have run.
// Rows with at most s observations are solved exactly through their normal
// equations (a sketch that is not shorter than D saves nothing).
// Mirrored in src/kernels.ts (sketchedHalfStep).
import { cholesky } from "../../linalg/assembly/cholesky";
import { triangularSolve } from "../../linalg/assembly/triangular";
import { axpyInline, dotInline } from "../../linalg/assembly/blas1";
import { gramRows } from "./gram";
import { normalSolve } from "./normal-solve";
import { mix32, rowKey } from "./sketch-hash";

@inline function f64At(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** z = (L Lᵀ)⁻¹ g for the lower triangular L (k x k, leading dimension k). */
function precondition(k: i32, L: usize, g: usize, z: usize): void {
  memory.copy(z, g, <usize>k << 3);
  triangularSolve(true, false, false, k, 1, L, k, z, 1);
  triangularSolve(true, true, false, k, 1, L, k, z, 1);
}

/**
 * Updates rows i < n of X (n x k) in place. `zeros` holds one 0 per row of F
 * (the exact path's bias offsets). `work` holds s k + k² + 3 k + maxCount (k + 3)
 * doubles, maxCount being the largest row count. Returns the total number of
 * PCG steps taken.
 */
export function sketchedHalfStep(
  n: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, X: usize,
  s: i32, seed: u32, innerTol: f64, maxInner: i32, ridge: f64, maxCount: i32, zeros: usize, work: usize,
): i32 {
  const SD = work;
  const L = f64At(SD, s * k), g = f64At(L, k * k), z = f64At(g, k), p = f64At(z, k);
  const D = f64At(p, k), t = f64At(D, maxCount * k), r = f64At(t, maxCount), qv = f64At(r, maxCount);
  const tol2 = innerTol * innerTol;
  let steps = 0;
  for (let i = 0; i < n; i++) {
    const start = load<i32>(ptr + (<usize>i << 2)), end = load<i32>(ptr + (<usize>(i + 1) << 2));
    const cnt = end - start;
    const x = X + (<usize>i * <usize>k << 3);
    if (cnt == 0) {
      memory.fill(x, 0, <usize>k << 3);
      continue;
    }
    if (cnt <= s) {
      // G and b of the exact solve fit in the sketch's room (s >= k + 1).
      if (normalSolve(start, end, k, idx, vals, F, zeros, 0, ridge, 0, false, SD, f64At(SD, k * k))) {
        memory.copy(x, f64At(SD, k * k), <usize>k << 3);
      } else {
        memory.fill(x, 0, <usize>k << 3);
      }
      continue;
    }
    // Gather the row's design D (cnt x k) and targets t, and sketch D into SD (s x k).
    memory.fill(SD, 0, <usize>(s * k) << 3);
    const key = rowKey(seed, i);
    for (let q = 0; q < cnt; q++) {
      const j = load<i32>(idx + (<usize>(start + q) << 2));
      const dq = f64At(D, q * k);
      memory.copy(dq, F + (<usize>j * <usize>k << 3), <usize>k << 3);
      store<f64>(f64At(t, q), load<f64>(f64At(vals, start + q)));
      const h = mix32(key ^ <u32>j);
      const bucket = <i32>((h >> 1) % <u32>s);
      axpyInline(k, (h & 1) != 0 ? -1.0 : 1.0, dq, f64At(SD, bucket * k));
    }
    gramRows(s, k, SD, L);
    let fullRank = cholesky(k, L, k) < 0;
    let dmax: f64 = 0;
    for (let c = 0; c < k && fullRank; c++) dmax = max(dmax, load<f64>(f64At(L, c * k + c)));
    for (let c = 0; c < k && fullRank; c++) fullRank = load<f64>(f64At(L, c * k + c)) > 1e-7 * dmax;
    if (!fullRank) {
      if (normalSolve(start, end, k, idx, vals, F, zeros, 0, ridge, 0, false, SD, f64At(SD, k * k))) {
        memory.copy(x, f64At(SD, k * k), <usize>k << 3);
      } else {
        memory.fill(x, 0, <usize>k << 3);
      }
      continue;
    }
    // PCGLS from the warm start x: r = t - D x, g = Dᵀ r, z = (RᵀR)⁻¹ g.
    memory.fill(g, 0, <usize>k << 3);
    for (let q = 0; q < cnt; q++) {
      const dq = f64At(D, q * k);
      const rq = load<f64>(f64At(t, q)) - dotInline(k, dq, x);
      store<f64>(f64At(r, q), rq);
      axpyInline(k, rq, dq, g);
    }
    precondition(k, L, g, z);
    memory.copy(p, z, <usize>k << 3);
    let gamma = dotInline(k, g, z);
    const stop = tol2 * gamma;
    for (let it = 0; it < maxInner && gamma > stop && gamma > 0; it++) {
      let qq: f64 = 0;
      for (let q = 0; q < cnt; q++) {
        const v = dotInline(k, f64At(D, q * k), p);
        store<f64>(f64At(qv, q), v);
        qq += v * v;
      }
      if (!(qq > 0)) break;
      const alpha = gamma / qq;
      axpyInline(k, alpha, p, x);
      memory.fill(g, 0, <usize>k << 3);
      for (let q = 0; q < cnt; q++) {
        const rp = f64At(r, q);
        const rq = load<f64>(rp) - alpha * load<f64>(f64At(qv, q));
        store<f64>(rp, rq);
        axpyInline(k, rq, f64At(D, q * k), g);
      }
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
