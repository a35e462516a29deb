// Deferred plane rotations of consecutive rows, for the QR-type iterations
// (bidiagonalQr, tridiagonalQlBatched) that rotate rows of n x n vector
// matrices: each sweep's rotations are recorded in the caller's `work` and the
// record is applied in batches, 8 columns at a time. Within a sweep the row
// shared by two successive rotations is carried in registers, so every row of
// the 8-column strip is loaded and stored once per sweep, and the strip
// (n x 8 doubles) stays in L1 over the whole batch instead of every sweep
// streaming the full matrices through the caches.
//
// Each entry gets the same rotations in the same order and, on the simd
// build, the same operations as rotRows(x_i, x_i+1, c, s) (x <- c x - s y,
// y <- s x + c y) would give it at once, so batching changes no bit: the
// TypeScript twins of the iterations rotate at once. The relaxed-simd build
// fuses one multiply-add of each (rounding-level differences).
//
// A sweep's record: 4 header doubles (first row, count, direction, stride),
// then `count` steps of `stride` doubles (one (c, s) pair per matrix the
// iteration rotates). Up: step t rotates rows first + t, first + t + 1. Down:
// step t rotates rows first - t - 1, first - t.

/** c x - s y lane-wise: rotRows' operations on simd, one multiply and one fused multiply-subtract on relaxed-simd. */
@inline function rotX(c: v128, s: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_nmadd(s, y, f64x2.mul(c, x));
  return f64x2.sub(f64x2.mul(c, x), f64x2.mul(s, y));
}

/**
 * s x + c y lane-wise: rotRows' operations on simd, fused on relaxed-simd with
 * x in the fused step (x is the carried row going up, so the chain from one
 * rotation to the next is one fused multiply-add; rotX likewise has y there).
 */
@inline function rotY(c: v128, s: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(s, x, f64x2.mul(c, y));
  return f64x2.add(f64x2.mul(s, x), f64x2.mul(c, y));
}

let buf: usize = 0, bufAt: usize = 0, bufEnd: usize = 0, head: usize = 0;

/** Starts recording into work (lwork doubles). */
export function batchStart(work: usize, lwork: i32): void {
  buf = work;
  bufAt = work;
  bufEnd = work + (<usize>max(lwork, 0) << 3);
}

/** Whether a sweep of `steps` steps of `stride` doubles fits in what is left. */
@inline export function batchFits(steps: i32, stride: i32): bool {
  return bufAt + (<usize>(4 + steps * stride) << 3) <= bufEnd;
}

/** Opens a sweep's record from row `first`, going down (decreasing rows) or up. */
@inline export function batchOpen(first: i32, down: bool, stride: i32): void {
  head = bufAt;
  store<f64>(bufAt, <f64>first);
  store<f64>(bufAt, 0, 8);
  store<f64>(bufAt, down ? 1.0 : 0.0, 16);
  store<f64>(bufAt, <f64>stride, 24);
  bufAt += 32;
}

/** Records one step's (c, s) for one matrix. */
@inline export function batchStep(c: f64, s: f64): void {
  store<f64>(bufAt, c);
  store<f64>(bufAt, s, 8);
  bufAt += 16;
}

/** Closes the open sweep's record (its step count is what was recorded). */
@inline export function batchClose(): void {
  const stride = <usize>load<f64>(head, 24);
  store<f64>(head, <f64>((bufAt - head - 32) / (stride << 3)), 8);
}

/** Whether anything is recorded. */
@inline export function batchEmpty(): bool {
  return bufAt == buf;
}

/** Empties the record (after it was applied to every matrix). */
@inline export function batchClear(): void {
  bufAt = buf;
}

/** Applies the record to X (n columns, leading dimension ldx), the (c, s) pair at `off` doubles into each step. */
export function batchApply(n: i32, X: usize, ldx: i32, off: i32): void {
  const rs = <usize>ldx << 3;
  for (let c0 = 0; c0 < n; c0 += 8) {
    const w = min(8, n - c0);
    let p = buf;
    while (p < bufAt) {
      const first = <i32>load<f64>(p), count = <i32>load<f64>(p, 8);
      const down = load<f64>(p, 16) != 0, stride = <usize>load<f64>(p, 24) << 3;
      const cp = p + 32 + (<usize>off << 3);
      p += 32 + <usize>count * stride;
      const row = X + (<usize>c0 << 3) + <usize>first * rs;
      if (w < 8) stripTail(row, down ? -rs : rs, count, cp, stride, down, w);
      else if (down) strip8Down(row, rs, count, cp, stride);
      else strip8Up(row, rs, count, cp, stride);
    }
  }
}

/**
 * The steps of one upward sweep on an 8-wide strip from `row` (rows rs bytes
 * apart): the carried row is the first of each pair (x); store x', carry y'.
 */
function strip8Up(row: usize, rs: usize, count: i32, cp: usize, stride: usize): void {
  let a0 = v128.load(row), a1 = v128.load(row, 16), a2 = v128.load(row, 32), a3 = v128.load(row, 48);
  let r = row, q = cp;
  for (let k = 0; k < count; k++) {
    const vc = f64x2.splat(load<f64>(q)), vs = f64x2.splat(load<f64>(q, 8));
    const o = r + rs;
    const b0 = v128.load(o), b1 = v128.load(o, 16), b2 = v128.load(o, 32), b3 = v128.load(o, 48);
    v128.store(r, rotX(vc, vs, a0, b0));
    v128.store(r, rotX(vc, vs, a1, b1), 16);
    v128.store(r, rotX(vc, vs, a2, b2), 32);
    v128.store(r, rotX(vc, vs, a3, b3), 48);
    a0 = rotY(vc, vs, a0, b0);
    a1 = rotY(vc, vs, a1, b1);
    a2 = rotY(vc, vs, a2, b2);
    a3 = rotY(vc, vs, a3, b3);
    r = o;
    q += stride;
  }
  v128.store(r, a0);
  v128.store(r, a1, 16);
  v128.store(r, a2, 32);
  v128.store(r, a3, 48);
}

/**
 * The steps of one downward sweep on an 8-wide strip from `row` (the row
 * above is rs bytes back): the carried row is the second of each pair (y),
 * the row above is x; store y', carry x'.
 */
function strip8Down(row: usize, rs: usize, count: i32, cp: usize, stride: usize): void {
  let a0 = v128.load(row), a1 = v128.load(row, 16), a2 = v128.load(row, 32), a3 = v128.load(row, 48);
  let r = row, q = cp;
  for (let k = 0; k < count; k++) {
    const vc = f64x2.splat(load<f64>(q)), vs = f64x2.splat(load<f64>(q, 8));
    const o = r - rs;
    const b0 = v128.load(o), b1 = v128.load(o, 16), b2 = v128.load(o, 32), b3 = v128.load(o, 48);
    v128.store(r, rotY(vc, vs, b0, a0));
    v128.store(r, rotY(vc, vs, b1, a1), 16);
    v128.store(r, rotY(vc, vs, b2, a2), 32);
    v128.store(r, rotY(vc, vs, b3, a3), 48);
    a0 = rotX(vc, vs, b0, a0);
    a1 = rotX(vc, vs, b1, a1);
    a2 = rotX(vc, vs, b2, a2);
    a3 = rotX(vc, vs, b3, a3);
    r = o;
    q += stride;
  }
  v128.store(r, a0);
  v128.store(r, a1, 16);
  v128.store(r, a2, 32);
  v128.store(r, a3, 48);
}

/** strip8Up / strip8Down for the last w < 8 columns, entry by entry, rotRows' scalar arithmetic. */
function stripTail(row: usize, step: isize, count: i32, cp: usize, stride: usize, down: bool, w: i32): void {
  let r = row;
  for (let k = 0; k < count; k++) {
    const q = cp + <usize>k * stride;
    const c = load<f64>(q), s = load<f64>(q, 8);
    const o = <usize>(<isize>r + step);
    const px = down ? o : r, py = down ? r : o;
    for (let j = 0; j < w; j++) {
      const b = <usize>j << 3;
      const x = load<f64>(px + b), y = load<f64>(py + b);
      store<f64>(px + b, c * x - s * y);
      store<f64>(py + b, s * x + c * y);
    }
    r = o;
  }
}
