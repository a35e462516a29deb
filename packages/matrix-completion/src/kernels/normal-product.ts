// Twin of assembly/normal-product.ts, in its rounding order: rows kp = k
// rounded up to even apart (padding zero), each dot d·p summed in two lanes
// (even columns, odd columns, in column order) then added (at 9-16 columns
// each lane in two accumulators over alternate register pairs: splitDot); w and |D p|²
// summed in two sets (rows of even q, rows of odd q, each in row order) then
// added, or in one set at 5-16 columns. Agrees bit for bit with the simd build.

/** How many sets the sums over rows go in: one at 5-16 columns (nv = 3..8), else two. */
export function setsOf(k: number): 1 | 2 {
  const nv = (k + 1) >> 1;
  return nv >= 3 && nv <= 8 ? 1 : 2;
}

/** Rows per chunk of the WASM kernel's wide path (its scratch is 2 CHUNK + kp doubles). */
export const CHUNK = 64;

/** Two-lane dot of the padded rows a[ao..ao+kp) and b[bo..bo+kp). */
export function laneDot(kp: number, a: Float64Array, ao: number, b: Float64Array, bo: number): number {
  let s0 = 0, s1 = 0;
  for (let c = 0; c < kp; c += 2) {
    s0 += a[ao + c] * b[bo + c];
    s1 += a[ao + c + 1] * b[bo + c + 1];
  }
  return s0 + s1;
}

/**
 * The dot of the wide pass (9-16 columns): register pairs (c, c + 1) with c
 * = 0, 4, 8, 12 in one accumulator, c = 2, 6, 10, 14 in another, each two
 * lanes; the accumulators added lane by lane, then lane 0 + lane 1.
 */
export function splitDot(kp: number, a: Float64Array, ao: number, b: Float64Array, bo: number): number {
  let s0 = 0, s1 = 0, t0 = 0, t1 = 0;
  for (let c = 0; c < kp; c += 4) {
    s0 += a[ao + c] * b[bo + c];
    s1 += a[ao + c + 1] * b[bo + c + 1];
    if (c + 2 < kp) {
      t0 += a[ao + c + 2] * b[bo + c + 2];
      t1 += a[ao + c + 3] * b[bo + c + 3];
    }
  }
  return (s0 + t0) + (s1 + t1);
}

/** w[wo..wo+kp) = Dᵀ(D p) over the cnt rows of D from dOff; returns |D p|². O(cnt k). */
export function normalProduct(
  cnt: number, k: number, D: Float64Array, dOff: number, p: Float64Array, po: number, w: Float64Array, wo: number,
): number {
  const kp = (k + 1) & ~1, two = setsOf(k) === 2, nv = kp >> 1;
  const dot = nv >= 5 && nv <= 8 ? splitDot : laneDot;
  const odd = new Float64Array(kp);
  w.fill(0, wo, wo + kp);
  let qa = 0, qb = 0;
  for (let q = 0; q < cnt; q++) {
    const d = dOff + q * kp;
    const v = dot(kp, D, d, p, po);
    if (two && q & 1) {
      qb += v * v;
      for (let c = 0; c < kp; c++) odd[c] += v * D[d + c];
    } else {
      qa += v * v;
      for (let c = 0; c < kp; c++) w[wo + c] += v * D[d + c];
    }
  }
  if (!two) return qa;
  for (let c = 0; c < kp; c++) w[wo + c] += odd[c];
  return qa + qb;
}
