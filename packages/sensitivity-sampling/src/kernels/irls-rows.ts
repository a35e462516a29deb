// The TypeScript twin of assembly/irls-rows.ts: the row pass of one IRLS
// iteration and the l_p objective.

/**
 * Row i of out (n x (d+1), leading dimension ldo) = √c_i [a_i, b_i] with
 * c_i = ω_i (r_i² + eps²)^(p/2-1); returns Σ ω_i (r_i² + eps²)^(p/2).
 */
export function irlsRows(
  n: number, d: number, A: Float64Array, lda: number, b: Float64Array, r: Float64Array, omega: Float64Array,
  p: number, eps: number, out: Float64Array, ldo: number,
): number {
  let obj = 0;
  const e2 = eps * eps;
  for (let i = 0; i < n; i++) {
    const s = r[i] * r[i] + e2;
    obj += omega[i] * Math.pow(s, p / 2);
    const c = Math.sqrt(omega[i] * Math.pow(s, p / 2 - 1));
    const ai = i * lda, oi = i * ldo;
    for (let j = 0; j < d; j++) out[oi + j] = c * A[ai + j];
    out[oi + d] = c * b[i];
  }
  return obj;
}

/** Σ ω_i |r_i|^p. */
export function sumAbsPow(n: number, r: Float64Array, omega: Float64Array, p: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += omega[i] * Math.pow(Math.abs(r[i]), p);
  return s;
}
