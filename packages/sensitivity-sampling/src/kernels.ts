import { axpyAt, dotAt, jsKernels, opt, type LinalgKernels, type Rng } from "@lowrank/linalg";

/**
 * The kernel set of @lowrank/sensitivity-sampling: linalg's kernels plus the
 * row passes of leverage scores, CountSketch, Lewis weights and IRLS. Arrays
 * are views (Float64Array), matrices row-major with an explicit leading
 * dimension. Two implementations: `jsSensitivityKernels` below (the readable
 * reference) and the WASM exports bound in `wasm.ts` (assembly/*.ts, same names).
 *
 * The reference sums inner products in the four interleaved partial sums of
 * linalg's SIMD `dot` and updates with y + alpha x as its `axpy`, so `js` and
 * the `simd` binary agree to the last bit except where `Math.pow`/`Math.log`
 * (host in js, AssemblyScript's in WASM) differ by an ulp; `relaxed-simd`
 * fuses multiply-adds.
 */
export interface SensitivityKernels extends LinalgKernels {
  /** out[i] = ||X[i, 0:d]||² for n rows. O(nd). */
  rowNormsSq(n: number, d: number, X: Float64Array, ldx: number, out: Float64Array): void;
  /**
   * out[i] = ||a_iᵀ B||² for A (n x d) and B (d x k), the product never
   * stored (WASM: a 4 x 4 register tile); with `upper`, B is upper triangular
   * (k = d) with a zero strictly lower part, which is skipped. `z`: 2k doubles
   * of scratch (unused by the current kernels). O(ndk), O(nd²/2) when upper.
   */
  rowNormsOfProduct(
    n: number, d: number, k: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
    upper: boolean, out: Float64Array, z: Float64Array,
  ): void;
  /**
   * SA (m x d, zeroed) += CountSketch of V^(1/2) A; row i goes to bucket ⌊2m u_i⌋ >> 1 with sign by its
   * low bit, scaled by √v_i when v is given (null: unscaled). O(nd).
   */
  countSketch(n: number, d: number, A: Float64Array, lda: number, u: Float64Array, m: number, v: Float64Array | null, SA: Float64Array): void;
  /**
   * countSketch with v = null and u_i = rng.uniform() drawn row by row: the same sums and the same
   * stream as rngFill(rng, u) then countSketch (WASM: the generator's state in registers, running a
   * few rows ahead of the scatter, no u array). O(nd).
   */
  countSketchDraw(n: number, d: number, A: Float64Array, lda: number, rng: Rng, m: number, SA: Float64Array): void;
  /**
   * One column group of the SRHT (see assembly/sketch.ts): T (np x ldt, np a power of two, ldt even >= g)
   * = H D A[:, j0:j0+g] zero-padded (H the unnormalised Walsh-Hadamard transform, D = diag(sign)), and
   * SA[r, j0:j0+g] = scale T[idx[r], 0:g] for r < m. O(np log2(np) ldt).
   */
  srhtColumns(
    n: number, A: Float64Array, lda: number, j0: number, g: number, sign: Float64Array, np: number,
    T: Float64Array, ldt: number, m: number, idx: Int32Array, scale: number, SA: Float64Array, ldsa: number,
  ): void;
  /** G (d x d, both triangles) = Σ v_i a_i a_iᵀ. O(nd²/2). */
  weightedGram(n: number, d: number, A: Float64Array, lda: number, v: Float64Array, G: Float64Array): void;
  /**
   * One Lewis-weight step in log space (see assembly/lewis.ts): q_i = ||a_iᵀ U||² with U upper
   * triangular, lw_i <- (1-alpha) lw_i + alpha (p/2) log q_i (lw = log w), v_i = exp((1-2/p) lw_i);
   * returns max |Δ lw_i|. `z`: 2d doubles. O(nd²/2).
   */
  lewisUpdate(
    n: number, d: number, A: Float64Array, lda: number, U: Float64Array, p: number, alpha: number,
    lw: Float64Array, v: Float64Array, z: Float64Array,
  ): number;
  /**
   * lewisUpdate, then weightedGram(n, d, A, lda, v, G) with the new v: the same results bit for bit
   * (simd); the WASM kernel takes both in one pass over A, block by block. O(nd²).
   */
  lewisUpdateGram(
    n: number, d: number, A: Float64Array, lda: number, U: Float64Array, p: number, alpha: number,
    lw: Float64Array, v: Float64Array, z: Float64Array, G: Float64Array,
  ): number;
  /**
   * IRLS row pass: out row i = √c_i [a_i, b_i], c_i = ω_i (r_i² + eps²)^(p/2-1);
   * returns Σ ω_i (r_i² + eps²)^(p/2). O(nd).
   */
  irlsRows(
    n: number, d: number, A: Float64Array, lda: number, b: Float64Array, r: Float64Array, omega: Float64Array,
    p: number, eps: number, out: Float64Array, ldo: number,
  ): number;
  /** Σ ω_i |r_i|^p. O(n). */
  sumAbsPow(n: number, r: Float64Array, omega: Float64Array, p: number): number;
  /**
   * R (w x w, upper triangular) with MᵀM = RᵀR for M (n x w, leading dimension
   * ldm), by Householder QR of [R; next chunk rows] chunk by chunk so the work
   * buffer stays in cache. buf: (w + chunk) w doubles, tau and work: w. O(2nw²(1 + w/chunk)).
   */
  tallQrR(
    n: number, w: number, M: Float64Array, ldm: number, chunk: number, R: Float64Array,
    buf: Float64Array, tau: Float64Array, work: Float64Array,
  ): void;
  /**
   * R'ᵀR' = RᵀR + BᵀB with R (d x d, upper triangular, zero below) updated in
   * place, by the structured Householder QR of [R; B] (reflectors [e_j; v],
   * the zeros of R skipped), 128 rows of B at a time, one pass per column that
   * applies reflector j and sums the next column's Gram row. B (n x d,
   * leading dimension ldb) is overwritten; g: 2d doubles. O(2nd²).
   */
  stackQrR(n: number, d: number, B: Float64Array, ldb: number, R: Float64Array, g: Float64Array): void;
  /**
   * Online leverage sampling of nb rows in order (see assembly/online.ts):
   * q_i = a_iᵀ H a_i against the kept rows' inverse H (d x d, updated in place by
   * Sherman-Morrison when a row is kept), p_i = min(1, c q_i), kept if u_i < p_i
   * with weight 1/p_i. Writes score and weight (0 = dropped); returns the count
   * kept. `t`: d doubles. O(nb d²).
   */
  onlineLeverage(
    nb: number, d: number, A: Float64Array, lda: number, H: Float64Array, c: number, u: Float64Array,
    score: Float64Array, weight: Float64Array, t: Float64Array,
  ): number;
  /**
   * Online l_p Lewis-weight sampling of nb rows in order (see assembly/online.ts): each row's online
   * Lewis weight w_i against the kept, rescaled rows' H = M⁻¹, kept with probability min(1, c w_i) and
   * weight 1/π_i, H updated by Sherman-Morrison. Writes w_i and the weight (0 = dropped); returns the
   * count kept. `t`: d doubles. O(nb d²).
   */
  onlineLewis(
    nb: number, d: number, A: Float64Array, lda: number, H: Float64Array, p: number, c: number, u: Float64Array,
    score: Float64Array, weight: Float64Array, t: Float64Array,
  ): number;
}

/**
 * The online Lewis weight w of a row with prefix score s = aᵀ M⁻¹ a: the root of
 * w^(2/p) = s / (1 + s w^(1-2/p)) in (0, 1] (Newton in log w, the iteration of
 * assembly/online.ts). 0 for s = 0. O(1).
 *
 * Errors: INVALID_ARGUMENT (s not a finite number >= 0, p not a finite number > 0).
 *
 * @example
 * onlineLewisWeight(0.3, 1); // the l1 weight of a row with prefix score 0.3
 */
export function onlineLewisWeight(s: number, p: number): number {
  opt.number({ min: 0 })(s, "onlineLewisWeight: s");
  opt.number({ above: 0 })(p, "onlineLewisWeight: p");
  return lewisWeightOf(s, p);
}

/** {@link onlineLewisWeight} without the argument checks (the js kernel's inner call). */
function lewisWeightOf(s: number, p: number): number {
  if (!(s > 0)) return 0;
  const e = 2 / p;
  let x = (p / 2) * Math.log(s);
  if (x > 0) x = 0;
  const x0 = x;
  for (let it = 0; it < 100; it++) {
    const a = Math.exp(e * x), b = s * Math.exp(x);
    const step = (a + b - s) / (e * a + b);
    x -= step;
    if (Math.abs(step) <= 1e-15 * (1 + Math.abs(x))) break;
  }
  const w = Math.exp(x);
  // Where e^(2x/p) and s both underflow the step is 0/0; there w = e^x0 (s^(p/2)) to within a factor 1 + w.
  return w >= 0 && w <= 1 ? w : Math.exp(x0);
}

/**
 * out[i] = ||a_iᵀ B||² (see SensitivityKernels.rowNormsOfProduct), summed in
 * the order of the WASM register tile: columns in panels of 4 (then 2, then
 * 1), each panel's entries accumulated over j, squared into two lanes
 * (lane 0: columns c and c+2, lane 1: c+1 and c+3), the lanes added last.
 */
function rowNormsOfProduct(
  n: number, d: number, k: number, A: Float64Array, lda: number, B: Float64Array, ldb: number,
  upper: boolean, out: Float64Array, _z: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const ai = i * lda;
    let s0 = 0, s1 = 0, t = 0, c = 0;
    for (; c + 4 <= k; c += 4) {
      let x0 = 0, x1 = 0, x2 = 0, x3 = 0;
      const jEnd = upper ? Math.min(d, c + 4) : d;
      for (let j = 0; j < jEnd; j++) {
        const a = A[ai + j], bj = j * ldb + c;
        x0 = x0 + a * B[bj];
        x1 = x1 + a * B[bj + 1];
        x2 = x2 + a * B[bj + 2];
        x3 = x3 + a * B[bj + 3];
      }
      s0 = s0 + (x0 * x0 + x2 * x2);
      s1 = s1 + (x1 * x1 + x3 * x3);
    }
    for (; c + 2 <= k; c += 2) {
      let x0 = 0, x1 = 0;
      const jEnd = upper ? Math.min(d, c + 2) : d;
      for (let j = 0; j < jEnd; j++) {
        const a = A[ai + j], bj = j * ldb + c;
        x0 = x0 + a * B[bj];
        x1 = x1 + a * B[bj + 1];
      }
      s0 = s0 + x0 * x0;
      s1 = s1 + x1 * x1;
    }
    if (c < k) {
      let y = 0;
      const jEnd = upper ? Math.min(d, c + 1) : d;
      for (let j = 0; j < jEnd; j++) y += A[ai + j] * B[j * ldb + c];
      t = y * y;
    }
    out[i] = s0 + s1 + t;
  }
}

/** Below this, alpha² + Σ B_ij² has lost bits to underflow (2^-968); as assembly/tallqr.ts. */
const TINY_SUM = 2 ** -968;

/** Columns whose largest entry is below this are left as they are (2^-960); as assembly/tallqr.ts. */
const TINY_COLUMN = 2 ** -960;

/** sqrt(alpha² + Σ_i B[x + i ld]²) over c rows, scaled by the largest |entry|; 0 for a zero or negligible column. Mirrors assembly/tallqr.ts. */
function scaledNorm(alpha: number, B: Float64Array, x: number, ld: number, c: number): number {
  let mb = 0;
  for (let i = 0; i < c; i++) mb = Math.max(mb, Math.abs(B[x + i * ld]));
  if (mb === 0) return 0;
  const m = Math.max(Math.abs(alpha), mb);
  if (m < TINY_COLUMN) return 0;
  const a = alpha / m;
  let s = a * a;
  for (let i = 0; i < c; i++) {
    const t = B[x + i * ld] / m;
    s += t * t;
  }
  return m * Math.sqrt(s);
}

/** The js countSketchDraw's uniforms (grown on demand; the blocks of a pass are at most STREAM_ROWS rows). */
let drawScratch = new Float64Array(0);

/**
 * The plain-TypeScript kernel set (the "js" backend and the readable reference
 * of assembly/*.ts); each kernel's cost is on the interface.
 *
 * @example
 * const out = new Float64Array(n);
 * jsSensitivityKernels.rowNormsSq(n, d, A.data, d, out);
 */
export const jsSensitivityKernels: SensitivityKernels = {
  ...jsKernels,
  rowNormsSq(n, d, X, ldx, out) {
    for (let i = 0; i < n; i++) out[i] = dotAt(d, X, i * ldx, X, i * ldx);
  },
  rowNormsOfProduct,
  countSketch(n, d, A, lda, u, m, v, SA) {
    for (let i = 0; i < n; i++) {
      const t = Math.min(Math.floor(u[i] * 2 * m), 2 * m - 1);
      let s = t & 1 ? -1 : 1;
      if (v) s *= Math.sqrt(v[i]);
      axpyAt(d, s, A, i * lda, SA, (t >> 1) * d);
    }
  },
  countSketchDraw(n, d, A, lda, rng, m, SA) {
    // Literally rngFill then countSketch (the uniforms in a scratch array kept between calls).
    if (drawScratch.length < n) drawScratch = new Float64Array(n);
    const u = drawScratch.subarray(0, n);
    rng.fillUniform(u);
    jsSensitivityKernels.countSketch(n, d, A, lda, u, m, null, SA);
  },
  srhtColumns(n, A, lda, j0, g, sign, np, T, ldt, m, idx, scale, SA, ldsa) {
    T.fill(0, 0, np * ldt);
    for (let i = 0; i < n; i++) for (let t = 0; t < g; t++) T[i * ldt + t] = sign[i] * A[i * lda + j0 + t];
    // The same butterflies in the same order as the WASM kernel (in-cache blocks, then the large levels).
    const block = Math.min(np, 4096);
    const levels = (base: number, rows: number, h0: number, hEnd: number) => {
      for (let h = h0; h < hEnd; h <<= 1) {
        for (let s0 = 0; s0 < rows; s0 += 2 * h) {
          for (let x = (base + s0) * ldt, end = x + h * ldt; x < end; x++) {
            const a = T[x], b = T[x + h * ldt];
            T[x] = a + b;
            T[x + h * ldt] = a - b;
          }
        }
      }
    };
    for (let b0 = 0; b0 < np; b0 += block) levels(b0, block, 1, block);
    levels(0, np, block, np);
    for (let r = 0; r < m; r++) for (let t = 0; t < g; t++) SA[r * ldsa + j0 + t] = scale * T[idx[r] * ldt + t];
  },
  weightedGram(n, d, A, lda, v, G) {
    // Row by row, each entry gets g + c a (the WASM kernel's four-row blocks add the rows in this order).
    G.fill(0, 0, d * d);
    for (let i = 0; i < n; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      const ai = i * lda;
      for (let j = 0; j < d; j++) {
        const c = vi * A[ai + j];
        if (c === 0) continue;
        const g = j * d;
        for (let t = 0; t <= j; t++) G[g + t] = G[g + t] + c * A[ai + t];
      }
    }
    for (let j = 0; j < d; j++) for (let l = j + 1; l < d; l++) G[j * d + l] = G[l * d + j];
  },
  lewisUpdate(n, d, A, lda, U, p, alpha, lw, v, z) {
    // q_i into v first, then the elementwise update in log space (as assembly/lewis.ts).
    rowNormsOfProduct(n, d, d, A, lda, U, d, true, v, z);
    let change = 0;
    const c = alpha * (p / 2), keep = 1 - alpha, ev = 1 - 2 / p;
    for (let i = 0; i < n; i++) {
      const q = v[i];
      if (q > 0) {
        const old = lw[i];
        const nl = alpha === 1 ? c * Math.log(q) : keep * old + c * Math.log(q);
        lw[i] = nl;
        v[i] = p === 1 ? Math.exp(-nl) : p === 2 ? 1 : Math.exp(ev * nl);
        const dl = Math.abs(nl - old);
        if (dl > change) change = dl;
      } else {
        lw[i] = -Infinity;
        v[i] = 0;
      }
    }
    return change;
  },
  lewisUpdateGram(n, d, A, lda, U, p, alpha, lw, v, z, G) {
    // Literally the two kernels one after the other (the WASM kernel fuses their passes over A).
    const change = jsSensitivityKernels.lewisUpdate(n, d, A, lda, U, p, alpha, lw, v, z);
    jsSensitivityKernels.weightedGram(n, d, A, lda, v, G);
    return change;
  },
  irlsRows(n, d, A, lda, b, r, omega, p, eps, out, ldo) {
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
  },
  sumAbsPow(n, r, omega, p) {
    let s = 0;
    for (let i = 0; i < n; i++) s += omega[i] * Math.pow(Math.abs(r[i]), p);
    return s;
  },
  onlineLeverage(nb, d, A, lda, H, c, u, score, weight, t) {
    let kept = 0;
    for (let i = 0; i < nb; i++) {
      const ai = i * lda;
      for (let j = 0; j < d; j++) t[j] = dotAt(d, H, j * d, A, ai);
      const q = dotAt(d, A, ai, t, 0);
      score[i] = q;
      const p = Math.min(1, c * q);
      if (u[i] < p) {
        kept++;
        const w = 1 / p;
        weight[i] = w;
        const f = -w / (1 + w * q);
        for (let j = 0; j < d; j++) axpyAt(d, f * t[j], t, 0, H, j * d);
      } else {
        weight[i] = 0;
      }
    }
    return kept;
  },
  onlineLewis(nb, d, A, lda, H, p, c, u, score, weight, t) {
    let kept = 0;
    const e = 2 / p;
    for (let i = 0; i < nb; i++) {
      const ai = i * lda;
      for (let j = 0; j < d; j++) t[j] = dotAt(d, H, j * d, A, ai);
      const s = dotAt(d, A, ai, t, 0);
      const w = lewisWeightOf(s, p);
      score[i] = w;
      const pi = Math.min(1, c * w);
      if (u[i] < pi) {
        kept++;
        weight[i] = 1 / pi;
        const scale = Math.pow(pi, -e);
        const beta = Math.pow(lewisWeightOf(scale * s, p), 1 - e) * scale;
        const f = -beta / (1 + beta * s);
        for (let j = 0; j < d; j++) axpyAt(d, f * t[j], t, 0, H, j * d);
      } else {
        weight[i] = 0;
      }
    }
    return kept;
  },
  stackQrR(n, d, B, ldb, R, g) {
    // Mirrors assembly/tallqr.ts: each entry is updated and summed in the same order, without fused multiply-adds.
    const CHUNK = 128;
    for (let s = 0; s < n; s += CHUNK) {
      const c = Math.min(CHUNK, n - s);
      g.fill(0, 0, d);
      for (let i = 0; i < c; i++) {
        const bi = (s + i) * ldb;
        const x = B[bi];
        for (let k = 0; k < d; k++) g[k] += x * B[bi + k];
      }
      for (let j = 0; j < d; j++) {
        const ssq = g[j], rj = j * d;
        let ts = 0;
        const alpha = R[rj + j];
        let norm = Math.sqrt(alpha * alpha + ssq);
        let reflect = ssq !== 0;
        if (alpha * alpha + ssq < TINY_SUM) {
          // Squares this small have lost bits (subnormal) or vanished: the norm again, from the column scaled by its largest entry.
          norm = scaledNorm(alpha, B, s * ldb + j, ldb, c);
          reflect = norm > 0;
        }
        if (reflect) {
          // Reflector [e_j; v], v = B[:, j] / (R_jj - β); w_k = R_jk + vᵀB[:, k] = R_jk + g_k / (R_jj - β).
          const beta = alpha >= 0 ? -norm : norm;
          const tau = (beta - alpha) / beta, sc = 1 / (alpha - beta);
          for (let k = j + 1; k < d; k++) {
            const wk = R[rj + k] + sc * g[k];
            g[d + k] = wk;
            R[rj + k] = R[rj + k] - tau * wk;
          }
          R[rj + j] = beta;
          ts = tau * sc;
        }
        if (j + 1 === d) break;
        // Apply the reflector to columns k > j and sum the Gram row of column j + 1, one pass.
        g.fill(0, 0, d);
        for (let i = 0; i < c; i++) {
          const bi = (s + i) * ldb;
          if (ts !== 0) {
            const f = ts * B[bi + j];
            for (let k = j + 1; k < d; k++) B[bi + k] = B[bi + k] - f * g[d + k];
          }
          const x = B[bi + j + 1];
          for (let k = j + 1; k < d; k++) g[k] += x * B[bi + k];
        }
      }
    }
  },
  tallQrR(n, w, M, ldm, chunk, R, buf, tau, work) {
    R.fill(0, 0, w * w);
    for (let start = 0; start < n; start += chunk) {
      const c = Math.min(chunk, n - start);
      buf.set(R.subarray(0, w * w));
      for (let i = 0; i < c; i++) buf.set(M.subarray((start + i) * ldm, (start + i) * ldm + w), (w + i) * w);
      jsKernels.householderQr(w + c, w, buf, w, tau, work);
      for (let i = 0; i < w; i++) {
        R.fill(0, i * w, i * w + i);
        R.set(buf.subarray(i * w + i, i * w + w), i * w + i);
      }
    }
  },
};
