// TypeScript twin of assembly/rotation-batch.ts: a record of plane-rotation
// sweeps over consecutive rows, applied later strip by strip (8 columns), each
// entry getting rotRows' operations in the order the sweeps were recorded.
// The iterations' twins (bidiagonalQr, tridiagonalQlBatched) rotate at once,
// which gives the same bits; this twin serves the layout and the tests that
// hold the record's order and arithmetic to rotRows.

let buf: Float64Array = new Float64Array(0);
let bufAt = 0, bufEnd = 0, head = 0;

/** Starts recording into work (lwork doubles). */
export function batchStart(work: Float64Array, lwork: number): void {
  buf = work;
  bufAt = 0;
  bufEnd = Math.max(lwork, 0);
}

/** Whether a sweep of `steps` steps of `stride` doubles fits in what is left. */
export function batchFits(steps: number, stride: number): boolean {
  return bufAt + 4 + steps * stride <= bufEnd;
}

/** Opens a sweep's record from row `first`, going down (decreasing rows) or up. */
export function batchOpen(first: number, down: boolean, stride: number): void {
  head = bufAt;
  buf[bufAt] = first;
  buf[bufAt + 1] = 0;
  buf[bufAt + 2] = down ? 1 : 0;
  buf[bufAt + 3] = stride;
  bufAt += 4;
}

/** Records one step's (c, s) for one matrix. */
export function batchStep(c: number, s: number): void {
  buf[bufAt] = c;
  buf[bufAt + 1] = s;
  bufAt += 2;
}

/** Closes the open sweep's record (its step count is what was recorded). */
export function batchClose(): void {
  buf[head + 1] = (bufAt - head - 4) / buf[head + 3];
}

/** Whether anything is recorded. */
export function batchEmpty(): boolean {
  return bufAt === 0;
}

/** Empties the record. */
export function batchClear(): void {
  bufAt = 0;
}

/**
 * Applies the record to X (n columns, leading dimension ldx), the (c, s) pair
 * at `off` doubles into each step: up, step t rotates rows first + t and
 * first + t + 1; down, rows first - t - 1 and first - t; each as rotRows
 * (x <- c x - s y, y <- s x + c y). O(steps n).
 */
export function batchApply(n: number, X: Float64Array, ldx: number, off: number): void {
  for (let c0 = 0; c0 < n; c0 += 8) {
    const w = Math.min(8, n - c0);
    let p = 0;
    while (p < bufAt) {
      const first = buf[p], count = buf[p + 1], down = buf[p + 2] !== 0, stride = buf[p + 3];
      for (let k = 0; k < count; k++) {
        const c = buf[p + 4 + k * stride + off], s = buf[p + 4 + k * stride + off + 1];
        const i = down ? first - k - 1 : first + k;
        for (let j = c0; j < c0 + w; j++) {
          const x = X[i * ldx + j], y = X[(i + 1) * ldx + j];
          X[i * ldx + j] = c * x - s * y;
          X[(i + 1) * ldx + j] = s * x + c * y;
        }
      }
      p += 4 + count * stride;
    }
  }
}
