// R of a tall n x w matrix without streaming it once per column: the rows are
// taken in chunks, each stacked under the current R and reduced by linalg's
// Householder QR in a buffer that stays in cache (the TSQR flat tree, Demmel,
// Grigori, Hoemmen and Langou, SISC 2012). Mirrored in src/kernels/tallqr.ts.
import { householderQr } from "../../linalg/assembly/householder";

/**
 * R (w x w, upper triangular, leading dimension w) with Mᵀ M = Rᵀ R for M
 * (n x w, leading dimension ldm). buf holds (w + chunk) x w doubles, tau w,
 * work w. R's rows may differ in sign from a direct QR (R is unique up to them).
 */
export function tallQrR(n: i32, w: i32, M: usize, ldm: i32, chunk: i32, R: usize, buf: usize, tau: usize, work: usize): void {
  const rowBytes = <usize>w << 3;
  memory.fill(R, 0, rowBytes * <usize>w);
  for (let start = 0; start < n; start += chunk) {
    const c = min(chunk, n - start);
    memory.copy(buf, R, rowBytes * <usize>w);
    for (let i = 0; i < c; i++) {
      memory.copy(buf + rowBytes * <usize>(w + i), M + ((<usize>(start + i) * <usize>ldm) << 3), rowBytes);
    }
    householderQr(w + c, w, buf, w, tau, work);
    // Keep the triangle, dropping the reflectors stored below the diagonal.
    for (let i = 0; i < w; i++) {
      const row = R + rowBytes * <usize>i;
      memory.fill(row, 0, <usize>i << 3);
      memory.copy(row + (<usize>i << 3), buf + rowBytes * <usize>i + (<usize>i << 3), <usize>(w - i) << 3);
    }
  }
}

/** Below this, alpha² + Σ B_ij² has lost bits to underflow (2^-968: 54 bits above the subnormals). */
const TINY_SUM: f64 = 4.008336720017946e-292;

/** Columns whose largest entry is below this are left as they are (1 / (alpha - beta) would overflow): 2^-960. */
const TINY_COLUMN: f64 = 1.0261342003245941e-289;

/**
 * sqrt(alpha² + Σ_i x_i²) over c rows (stride `row` bytes from x) with every
 * term scaled by the largest |entry| first; 0 when every x_i is 0 or the largest
 * entry is below TINY_COLUMN. Mirrored by the TypeScript twin (src/kernels/tallqr.ts).
 */
function scaledNorm(alpha: f64, x: usize, row: usize, c: i32): f64 {
  let mb: f64 = 0;
  for (let i = 0; i < c; i++) mb = max(mb, Math.abs(load<f64>(x + <usize>i * row)));
  if (mb == 0) return 0;
  const m = max(Math.abs(alpha), mb);
  if (m < TINY_COLUMN) return 0;
  const a = alpha / m;
  let s = a * a;
  for (let i = 0; i < c; i++) {
    const t = load<f64>(x + <usize>i * row) / m;
    s += t * t;
  }
  return m * Math.sqrt(s);
}

/** Rows of B per chunk of {@link stackQrR}: 128 rows of 16 columns are 16 KB, L1-resident. */
const STACK_CHUNK: i32 = 128;

/**
 * Updates the upper triangular R (d x d, leading dimension d, zero below the
 * diagonal) in place so that R'ᵀR' = RᵀR + BᵀB, by Householder QR of [R; B]
 * that skips the zeros of R (the structured TSQR step, LAPACK's tpqrt): the
 * reflector of column j is [e_j; v] with v = B[:, j] / (R_jj - β), so it
 * touches row j of R and the block only. B (n x d, leading dimension ldb) is
 * overwritten. The rows go in chunks of 128 (L1-resident); per chunk, one
 * pass per column both applies reflector j to the columns k > j and sums the
 * Gram row g_k = Σ_i B_i,j+1 B_ik of the next column, from which its norm and
 * w = R_j+1,k + vᵀB[:, k] follow without another pass (w_k = R_jk + g_k / (R_jj - β)).
 * Columns whose squares overflow give a non-finite R (as the sums would).
 * g: 2d doubles of scratch. Elementwise in row order with no fused
 * multiply-add, so js and both wasm variants agree to the last bit. O(2nd²).
 */
export function stackQrR(n: i32, d: i32, B: usize, ldb: i32, R: usize, g: usize): void {
  const rowB = <usize>ldb << 3;
  const w = g + (<usize>d << 3);
  for (let s = 0; s < n; s += STACK_CHUNK) {
    const c = min(STACK_CHUNK, n - s);
    const B0 = B + <usize>s * rowB;
    memory.fill(g, 0, <usize>d << 3);
    for (let i = 0; i < c; i++) gramRow(B0 + <usize>i * rowB, 0, 0, d, g);
    for (let j = 0; j < d; j++) {
      const ssq = load<f64>(g + (<usize>j << 3));
      const rj = R + ((<usize>j * <usize>d) << 3);
      let ts: f64 = 0;
      const alpha = load<f64>(rj + (<usize>j << 3));
      let norm = Math.sqrt(alpha * alpha + ssq);
      let reflect = ssq != 0;
      if (alpha * alpha + ssq < TINY_SUM) {
        // Squares this small have lost bits (subnormal) or vanished: the norm again, from the column scaled by its largest entry.
        norm = scaledNorm(alpha, B0 + (<usize>j << 3), rowB, c);
        reflect = norm > 0;
      }
      if (reflect) {
        const beta = alpha >= 0 ? -norm : norm;
        const tau = (beta - alpha) / beta;
        const sc = 1 / (alpha - beta);
        for (let k = j + 1; k < d; k++) {
          const o = <usize>k << 3;
          const r = load<f64>(rj + o);
          const wk = r + sc * load<f64>(g + o);
          store<f64>(w + o, wk);
          store<f64>(rj + o, r - tau * wk);
        }
        store<f64>(rj + (<usize>j << 3), beta);
        ts = tau * sc;
      }
      if (j + 1 == d) break;
      memory.fill(g, 0, <usize>d << 3);
      // Both loops start at the even column k0 <= j + 1 so their pairs stay aligned with no scalar head:
      // w_j = 0 leaves column j as it is (it is not read again), and g_j collects a sum no one reads.
      store<f64>(w + (<usize>j << 3), 0);
      const k0 = (j + 1) & ~1;
      let i = 0;
      for (; i + 4 <= c; i += 4) {
        // Four rows: apply the reflector to each and add their four terms to each pair of g in row order, in
        // one sweep (the rounding of four successive single-row updates, with g loaded and stored once).
        // Each row's new B[j + 1] is computed first, as it scales that row's Gram terms.
        const b0 = B0 + <usize>i * rowB, b1 = b0 + rowB, b2 = b1 + rowB, b3 = b2 + rowB;
        const jo = <usize>(j + 1) << 3;
        let x0 = load<f64>(b0 + jo), x1 = load<f64>(b1 + jo), x2 = load<f64>(b2 + jo), x3 = load<f64>(b3 + jo);
        let k = k0;
        if (ts != 0) {
          const jj = <usize>j << 3, wj = load<f64>(w + jo);
          const f0 = ts * load<f64>(b0 + jj), f1 = ts * load<f64>(b1 + jj), f2 = ts * load<f64>(b2 + jj), f3 = ts * load<f64>(b3 + jj);
          x0 = x0 - f0 * wj;
          x1 = x1 - f1 * wj;
          x2 = x2 - f2 * wj;
          x3 = x3 - f3 * wj;
          const v0 = f64x2.splat(x0), v1 = f64x2.splat(x1), v2 = f64x2.splat(x2), v3 = f64x2.splat(x3);
          const e0 = f64x2.splat(f0), e1 = f64x2.splat(f1), e2 = f64x2.splat(f2), e3 = f64x2.splat(f3);
          for (; k + 2 <= d; k += 2) {
            const o = <usize>k << 3;
            const wk = v128.load(w + o);
            const c0 = f64x2.sub(v128.load(b0 + o), f64x2.mul(e0, wk));
            const c1 = f64x2.sub(v128.load(b1 + o), f64x2.mul(e1, wk));
            const c2 = f64x2.sub(v128.load(b2 + o), f64x2.mul(e2, wk));
            const c3 = f64x2.sub(v128.load(b3 + o), f64x2.mul(e3, wk));
            v128.store(b0 + o, c0);
            v128.store(b1 + o, c1);
            v128.store(b2 + o, c2);
            v128.store(b3 + o, c3);
            let y = v128.load(g + o);
            y = f64x2.add(y, f64x2.mul(v0, c0));
            y = f64x2.add(y, f64x2.mul(v1, c1));
            y = f64x2.add(y, f64x2.mul(v2, c2));
            y = f64x2.add(y, f64x2.mul(v3, c3));
            v128.store(g + o, y);
          }
          if (k < d) {
            const o = <usize>k << 3;
            const wk = load<f64>(w + o);
            const c0 = load<f64>(b0 + o) - f0 * wk, c1 = load<f64>(b1 + o) - f1 * wk;
            const c2 = load<f64>(b2 + o) - f2 * wk, c3 = load<f64>(b3 + o) - f3 * wk;
            store<f64>(b0 + o, c0);
            store<f64>(b1 + o, c1);
            store<f64>(b2 + o, c2);
            store<f64>(b3 + o, c3);
            let y = load<f64>(g + o);
            y = y + x0 * c0;
            y = y + x1 * c1;
            y = y + x2 * c2;
            y = y + x3 * c3;
            store<f64>(g + o, y);
          }
          continue;
        }
        const v0 = f64x2.splat(x0), v1 = f64x2.splat(x1), v2 = f64x2.splat(x2), v3 = f64x2.splat(x3);
        for (; k + 2 <= d; k += 2) {
          const o = <usize>k << 3;
          let y = v128.load(g + o);
          y = f64x2.add(y, f64x2.mul(v0, v128.load(b0 + o)));
          y = f64x2.add(y, f64x2.mul(v1, v128.load(b1 + o)));
          y = f64x2.add(y, f64x2.mul(v2, v128.load(b2 + o)));
          y = f64x2.add(y, f64x2.mul(v3, v128.load(b3 + o)));
          v128.store(g + o, y);
        }
        if (k < d) {
          const o = <usize>k << 3;
          let y = load<f64>(g + o);
          y = y + x0 * load<f64>(b0 + o);
          y = y + x1 * load<f64>(b1 + o);
          y = y + x2 * load<f64>(b2 + o);
          y = y + x3 * load<f64>(b3 + o);
          store<f64>(g + o, y);
        }
      }
      for (; i < c; i++) {
        const bi = B0 + <usize>i * rowB;
        if (ts != 0) reflectRow(bi, j, k0, d, ts, w);
        gramRow(bi, j + 1, k0, d, g);
      }
    }
  }
}

/** b[k] -= (ts b[j]) w[k] for k = k0..d-1 (reflector j on one row; w[j] = 0 when k0 = j). */
@inline function reflectRow(b: usize, j: i32, k0: i32, d: i32, ts: f64, w: usize): void {
  const f = ts * load<f64>(b + (<usize>j << 3));
  const fv = f64x2.splat(f);
  let k = k0;
  for (; k + 2 <= d; k += 2) {
    const o = <usize>k << 3;
    v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(fv, v128.load(w + o))));
  }
  if (k < d) {
    const o = <usize>k << 3;
    store<f64>(b + o, load<f64>(b + o) - f * load<f64>(w + o));
  }
}

/** g[k] += b[j0] b[k] for k = k0..d-1 (one row's share of a Gram row; k0 <= j0). */
@inline function gramRow(b: usize, j0: i32, k0: i32, d: i32, g: usize): void {
  const x = load<f64>(b + (<usize>j0 << 3));
  const xv = f64x2.splat(x);
  let k = k0;
  for (; k + 2 <= d; k += 2) {
    const o = <usize>k << 3;
    v128.store(g + o, f64x2.add(v128.load(g + o), f64x2.mul(xv, v128.load(b + o))));
  }
  if (k < d) {
    const o = <usize>k << 3;
    store<f64>(g + o, load<f64>(g + o) + x * load<f64>(b + o));
  }
}
