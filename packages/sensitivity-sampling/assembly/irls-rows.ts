// The per-iteration pass of IRLS for min Σ ω_i |b_i - a_iᵀ x|^p: row weights from
// the residuals and the weighted augmented system [√c A | √c b] that one
// Householder QR solves. Mirrored in src/kernels/irls-rows.ts; control flow in src/irls.ts.

/**
 * With s_i = r_i² + eps², writes row i of out (n x (d+1), leading dimension
 * ldo) as √c_i [a_i, b_i] with c_i = ω_i s_i^(p/2 - 1), the majorising
 * quadratic's weight of the smoothed term ω_i s_i^(p/2) (p = 2 gives c_i = ω_i
 * even at s_i = 0), and returns the smoothed objective Σ ω_i s_i^(p/2).
 */
export function irlsRows(
  n: i32, d: i32, A: usize, lda: i32, b: usize, r: usize, omega: usize, p: f64, eps: f64, out: usize, ldo: i32,
): f64 {
  let obj: f64 = 0;
  const e2 = eps * eps;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const ri = load<f64>(r + o);
    const om = load<f64>(omega + o);
    const s = ri * ri + e2;
    const sp = Math.pow(s, p / 2);
    obj += om * sp;
    const c = Math.sqrt(om * Math.pow(s, p / 2 - 1));
    const ai = A + ((<usize>i * <usize>lda) << 3);
    const oi = out + ((<usize>i * <usize>ldo) << 3);
    const vc = f64x2.splat(c);
    let j = 0;
    for (; j + 2 <= d; j += 2) {
      const q = <usize>j << 3;
      v128.store(oi + q, f64x2.mul(vc, v128.load(ai + q)));
    }
    for (; j < d; j++) {
      const q = <usize>j << 3;
      store<f64>(oi + q, c * load<f64>(ai + q));
    }
    store<f64>(oi + (<usize>d << 3), c * load<f64>(b + o));
  }
  return obj;
}

/** Σ ω_i |r_i|^p. */
export function sumAbsPow(n: i32, r: usize, omega: usize, p: f64): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(omega + o) * Math.pow(Math.abs(load<f64>(r + o)), p);
  }
  return s;
}
