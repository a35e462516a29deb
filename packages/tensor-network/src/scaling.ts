// Extreme magnitudes (docs/ARCHITECTURE.md, "Errors": NON_FINITE only for a
// result truly beyond the double range).
import { LowrankError, type Tensor } from "@lowrank/linalg";
import { type Workspace } from "@lowrank/linalg/internal";
import type { TensorKernels } from "./kernels/index.js";
import { SCAN_PIECE } from "./kernels/scan.js";

// Powers of two scale a computation exactly (every
// rounding scales with them), so inputs whose largest entry is far from 1
// are scaled to near 1 before the Gram matrices, sums of squares and
// products that would overflow or underflow, and the results scaled back:
// bit for bit the same results for ordinary inputs, finite ones for 1e300.

/** Exponents beyond which a part is rescaled. */
const SAFE_EXPONENT = 200;

/** The exponent e with max|x| in [2^e, 2^(e+1)) over the finite entries (0 for an all-zero array). */
export function magnitude(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m && a !== Infinity) m = a;
  }
  return m === 0 ? 0 : Math.floor(Math.log2(m));
}

/** Whether a part of magnitude exponent `e` (see {@link magnitude}) is rescaled. */
export function extreme(e: number): boolean {
  return e > SAFE_EXPONENT || e < -SAFE_EXPONENT;
}

/** x 2^e, exactly where representable (in two steps: 2^e alone may not be). */
export function scaled(x: Float64Array, e: number): Float64Array {
  if (e === 0) return x;
  const h = Math.trunc(e / 2);
  const a = 2 ** h, b = 2 ** (e - h);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * a * b;
  return out;
}

/** v 2^e (see {@link scaled}). */
export function scaledValue(v: number, e: number): number {
  if (e === 0) return v;
  const h = Math.trunc(e / 2);
  return v * 2 ** h * 2 ** (e - h);
}

/**
 * Throws NON_FINITE when a result computed from finite input has a NaN or
 * an Infinity: the value is not representable in double precision (the
 * computation scales internally, so only a true result out of range gets here).
 */
export function checkResult(x: ArrayLike<number>, fn: string, what: string): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v !== 0) {
      throw new LowrankError("NON_FINITE", `${fn}: ${what} is not representable in double precision (an entry overflows); scale the input down`);
    }
  }
}

/**
 * Power-of-two exponents that bring each part of a product (a core and its
 * factors, the cores of a network) near 1: all zero for ordinary parts (so
 * results are bit for bit those of the unscaled computation), else -magnitude
 * of every part, when one part is extreme or their product could leave the
 * double range. The result is then scaled by 2^-(sum).
 */
export function partScales(parts: ArrayLike<number>[]): number[] {
  const e = parts.map(magnitude);
  const spread = e.reduce((a, v) => a + Math.abs(v), 0);
  if (!e.some(extreme) && spread <= 2 * SAFE_EXPONENT) return e.map(() => 0);
  return e.map((v) => -v);
}

/**
 * X scaled by a power of two when its largest (observed) entry is extreme
 * (see {@link extreme}): the decompositions work on it and give the scale
 * back to one part of the result ({@link unscaleLast}). Ordinary tensors are
 * returned as they are.
 */
export function scaleTensor(X: Tensor, mask: Uint8Array | null = null): { X: Tensor; scale: number } {
  let m = 0;
  const d = X.data;
  // Two loops so the common unmasked scan stays a tight max over the data.
  if (mask) {
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i]);
      if (mask[i] && a > m && a !== Infinity) m = a;
    }
  } else {
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i]);
      if (a > m && a !== Infinity) m = a;
    }
  }
  const e = m === 0 ? 0 : Math.floor(Math.log2(m));
  if (!extreme(e)) return { X, scale: 0 };
  return { X: { shape: X.shape, data: scaled(d, -e) }, scale: -e };
}

/**
 * {@link scaleTensor} and the norm on a tensor already in a workspace: one
 * pass in fixed pieces (the kernel `scanPieces`; on the pool one task per
 * piece) gives each piece's largest |entry| and sum of squares, reduced in
 * piece order, so the same bits for any thread count. When the largest entry
 * is extreme, x (the workspace's copy: `x` is not `original`) is scaled in
 * place by the same power of two as scaleTensor, or, where the workspace
 * reads `original` itself (js), a scaled copy is returned, and the pass is
 * repeated on it. Entries must be finite. The norm is sqrt(Σ x²) of the
 * (scaled) tensor: no overflow once its largest entry is within 2^±201.
 * O(size), O(size / SCAN_PIECE) of the workspace.
 */
export function scanTensor(
  ws: Workspace<TensorKernels>, x: Float64Array, original: Float64Array,
): { x: Float64Array; scale: number; norm: number } {
  const n = x.length;
  return ws.scoped(() => {
    const sums = ws.f64(2 * Math.ceil(n / SCAN_PIECE));
    const pass = (v: Float64Array): number => {
      ws.kernels.scanPieces(n, v, sums);
      let m = 0;
      for (let p = 0; p < sums.length; p += 2) if (sums[p] > m) m = sums[p];
      return m;
    };
    const total = (): number => {
      let s = 0;
      for (let p = 1; p < sums.length; p += 2) s += sums[p];
      return Math.sqrt(s);
    };
    const m = pass(x);
    const e = m === 0 ? 0 : Math.floor(Math.log2(m));
    if (!extreme(e)) return { x, scale: 0, norm: total() };
    let y = x;
    if (x === original) y = scaled(original, -e);
    else {
      const h = Math.trunc(-e / 2), a = 2 ** h, b = 2 ** (-e - h);
      for (let i = 0; i < n; i++) x[i] = x[i] * a * b;
    }
    pass(y);
    return { x: y, scale: -e, norm: total() };
  });
}

/** The cores with the last one scaled by 2^-scale (the scale a {@link scaleTensor} took), checked representable. */
export function unscaleLast(cores: Tensor[], scale: number, fn: string): Tensor[] {
  if (scale === 0) return cores;
  const out = cores.slice();
  const last = out[out.length - 1];
  out[out.length - 1] = { shape: last.shape, data: scaled(last.data, -scale) };
  checkResult(out[out.length - 1].data, fn, "the last core");
  return out;
}
