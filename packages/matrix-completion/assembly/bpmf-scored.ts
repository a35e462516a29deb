// BPMF's half-step with the sweep's scoring pass fused in: after a block of
// rows is sampled (assembly/bpmf.ts, bpmfRows), each row's observations are
// scored while the row's F_j, indices and values are still in cache: the
// sample's squared error (the noise precision's draw) and the averaged
// model's, and the conditional means' predictions added to the running sums.
// With eight-wide design rows (the default k = 7 with the bias) the sample's
// error comes from the row's precision instead (bpmfRows, sampleError8 in
// assembly/bpmf-gram8.ts: a quadratic form in the plain sums, O(d²) a row),
// and only the average's is summed here.
// Each row's two sums are stored apart (sums[2i], sums[2i + 1]), each in the
// row's q order, so the totals, added row by row in order by the caller, have
// the same bits however the rows are cut into blocks or spread over threads.
// Twin: src/kernels/bpmf-scored.ts.
import { bpmfRows } from "./bpmf";

/** Rows sampled before they are scored (any size gives the same bits: the sums are per row). */
const SCORED_BLOCK: i32 = 16;

/**
 * Scores rows i0 <= i < i1 after their half-step: for each observation q of row i (j = idx[q], y = vals[q] - mu),
 * e = ownBias[i] + otherBias[j] + X_i · F_j - y and f = acc[q] · (1 / div) - y after
 * acc[q] += meanBias[i] + otherBias[j] + M_i · F_j; sums[2i] = Σ e², sums[2i + 1] = Σ f², in q order. Each dot in
 * one two-lane accumulator (even columns in lane 0, odd in lane 1), lane 0 + lane 1, then an odd k's last term.
 * Eight-wide design rows (k = 7 with fitBias, k = 8 without): sums[2i] is left as bpmfRows wrote it (sampleError8).
 * With ow not 0 (bpmfRows' roots of the weights), sums[2i] is Σ (ow[j] e)²; the average's stays unweighted. With Fs
 * not 0 the average takes Fs and sb in place of F and otherBias (the other side's conditional means in place of its
 * sample: M_i · Fs_j + meanBias[i] + sb[j]).
 */
export function scoreRows(
  i0: i32, i1: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, M: usize, meanBias: usize, acc: usize, div: f64, sums: usize, fitBias: i32, ow: usize, Fs: usize, sb: usize,
): void {
  // The average's other side: Fs and sb when given, else the sample's F and otherBias.
  const Fa = Fs != 0 ? Fs : F, ba = Fs != 0 ? sb : otherBias;
  // Eight wide: sums[2i] was written by bpmfRows.
  if (k == 7 && fitBias != 0) {
    average7(i0, i1, ptr, idx, vals, Fa, ba, mu, M, meanBias, acc, div, sums);
    return;
  }
  if (k == 8 && fitBias == 0) {
    average8(i0, i1, ptr, idx, vals, Fa, ba, mu, M, meanBias, acc, div, sums);
    return;
  }
  const inv = 1.0 / div, row = <usize>k << 3, even = k & ~1;
  for (let i = i0; i < i1; i++) {
    const start = load<i32>(ptr + (<usize>i << 2)), end = load<i32>(ptr + (<usize>(i + 1) << 2));
    const u = X + <usize>i * row, m = M + <usize>i * row;
    const ob = load<f64>(ownBias + (<usize>i << 3)), mb = load<f64>(meanBias + (<usize>i << 3));
    let s: f64 = 0, t: f64 = 0;
    for (let q = start; q < end; q++) {
      const j = <usize>load<i32>(idx + (<usize>q << 2));
      const v = F + j * row, va = Fa + j * row;
      let a = f64x2.splat(0), b = f64x2.splat(0);
      for (let c = 0; c < even; c += 2) {
        const o = <usize>c << 3;
        a = f64x2.add(a, f64x2.mul(v128.load(u + o), v128.load(v + o)));
        b = f64x2.add(b, f64x2.mul(v128.load(m + o), v128.load(va + o)));
      }
      let du = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1), dm = f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
      if (even < k) {
        const o = <usize>even << 3;
        du += load<f64>(u + o) * load<f64>(v + o);
        dm += load<f64>(m + o) * load<f64>(va + o);
      }
      const cb = load<f64>(otherBias + (j << 3)), y = load<f64>(vals + (<usize>q << 3)) - mu;
      const p = ob + cb + du;
      const pm = mb + load<f64>(ba + (j << 3)) + dm;
      const pa = acc + (<usize>q << 3), sum = load<f64>(pa) + pm;
      store<f64>(pa, sum);
      const e = p - y, f = sum * inv - y;
      const re = ow != 0 ? load<f64>(ow + (j << 3)) * e : e;
      s += re * re;
      t += f * f;
    }
    store<f64>(sums + (<usize>i << 4), s);
    store<f64>(sums + (<usize>i << 4), t, 8);
  }
}

/** scoreRows' average alone for k = 7 with the bias (the sample's error came from bpmfRows). */
function average7(
  i0: i32, i1: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize,
  mu: f64, M: usize, meanBias: usize, acc: usize, div: f64, sums: usize,
): void {
  averageRows(false, i0, i1, ptr, idx, vals, F, otherBias, mu, M, meanBias, acc, div, sums);
}

/** scoreRows' average alone for k = 8 without the bias (the sample's error came from bpmfRows). */
function average8(
  i0: i32, i1: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize,
  mu: f64, M: usize, meanBias: usize, acc: usize, div: f64, sums: usize,
): void {
  averageRows(true, i0, i1, ptr, idx, vals, F, otherBias, mu, M, meanBias, acc, div, sums);
}

/**
 * The average's error of eight-wide rows (k = 7, or k = 8 when `wide`), M_i held in registers, observations two to a
 * vector (averagePair), four a step, then a pair, then a lone last one. Each observation's value takes scoreRows'
 * operations in its order; the squares join Σ f² one at a time in q order. Inlined with a constant `wide`.
 */
@inline function averageRows(
  wide: bool, i0: i32, i1: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize,
  mu: f64, M: usize, meanBias: usize, acc: usize, div: f64, sums: usize,
): void {
  const inv = 1.0 / div, zero = f64x2.splat(0), invs = f64x2.splat(inv), mus = f64x2.splat(mu), row: usize = wide ? 64 : 56;
  for (let i = i0; i < i1; i++) {
    const start = load<i32>(ptr + (<usize>i << 2)), end = load<i32>(ptr + (<usize>(i + 1) << 2));
    const m = M + <usize>i * row;
    // The last pair: (m6, m7) when wide, else m6 (in both lanes, for the pair's last terms).
    const m0 = v128.load(m), m1 = v128.load(m, 16), m2 = v128.load(m, 32), m3 = wide ? v128.load(m, 48) : v128.load64_splat(m, 48);
    const mb = load<f64>(meanBias + (<usize>i << 3)), mbs = f64x2.splat(mb);
    let t: f64 = 0, q = start;
    for (; q + 3 < end; q += 4) {
      const a = averagePair(wide, q, idx, vals, F, otherBias, acc, m0, m1, m2, m3, mbs, invs, mus, zero);
      const b = averagePair(wide, q + 2, idx, vals, F, otherBias, acc, m0, m1, m2, m3, mbs, invs, mus, zero);
      t += f64x2.extract_lane(a, 0);
      t += f64x2.extract_lane(a, 1);
      t += f64x2.extract_lane(b, 0);
      t += f64x2.extract_lane(b, 1);
    }
    if (q + 1 < end) {
      const a = averagePair(wide, q, idx, vals, F, otherBias, acc, m0, m1, m2, m3, mbs, invs, mus, zero);
      t += f64x2.extract_lane(a, 0);
      t += f64x2.extract_lane(a, 1);
      q += 2;
    }
    if (q < end) {
      const j = <usize>load<i32>(idx + (<usize>q << 2));
      const v = F + j * row;
      let b = f64x2.add(zero, f64x2.mul(m0, v128.load(v)));
      b = f64x2.add(b, f64x2.mul(m1, v128.load(v, 16)));
      b = f64x2.add(b, f64x2.mul(m2, v128.load(v, 32)));
      if (wide) b = f64x2.add(b, f64x2.mul(m3, v128.load(v, 48)));
      let dm = f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
      if (!wide) dm += f64x2.extract_lane(m3, 0) * load<f64>(v, 48);
      const cb = load<f64>(otherBias + (j << 3)), y = load<f64>(vals + (<usize>q << 3)) - mu;
      const pa = acc + (<usize>q << 3), sum = load<f64>(pa) + (mb + cb + dm);
      store<f64>(pa, sum);
      const f = sum * inv - y;
      t += f * f;
    }
    store<f64>(sums + (<usize>i << 4), t, 8);
  }
}

/**
 * Observations q and q + 1 of averageRows, one per lane: each dot in two lanes from zero as scoreRows forms it, the
 * pair's lane sums (a0 + a1, b0 + b1) in one add, then k = 7's last term m6 (fa6, fb6), acc += (mb + cb) + dm and
 * sum / div - y; returns the two squares. Lanes are paired by extract/replace: Node 20's V8 turns an f64x2 shuffle
 * into a generic byte shuffle of about a dozen instructions, these lane moves into one each.
 */
@inline function averagePair(
  wide: bool, q: i32, idx: usize, vals: usize, F: usize, otherBias: usize, acc: usize,
  m0: v128, m1: v128, m2: v128, m3: v128, mbs: v128, invs: v128, mus: v128, zero: v128,
): v128 {
  const row: usize = wide ? 64 : 56;
  const jq = idx + (<usize>q << 2), ja = <usize>load<i32>(jq), jb = <usize>load<i32>(jq, 4);
  const va = F + ja * row, vb = F + jb * row;
  let a = f64x2.add(zero, f64x2.mul(m0, v128.load(va)));
  let b = f64x2.add(zero, f64x2.mul(m0, v128.load(vb)));
  a = f64x2.add(a, f64x2.mul(m1, v128.load(va, 16)));
  b = f64x2.add(b, f64x2.mul(m1, v128.load(vb, 16)));
  a = f64x2.add(a, f64x2.mul(m2, v128.load(va, 32)));
  b = f64x2.add(b, f64x2.mul(m2, v128.load(vb, 32)));
  if (wide) {
    a = f64x2.add(a, f64x2.mul(m3, v128.load(va, 48)));
    b = f64x2.add(b, f64x2.mul(m3, v128.load(vb, 48)));
  }
  const lo = f64x2.replace_lane(a, 1, f64x2.extract_lane(b, 0)), hi = f64x2.replace_lane(b, 0, f64x2.extract_lane(a, 1));
  let dm = f64x2.add(lo, hi);
  if (!wide) dm = f64x2.add(dm, f64x2.mul(m3, v128.load64_lane(vb + 48, v128.load64_zero(va + 48), 1)));
  const cb = v128.load64_lane(otherBias + (jb << 3), v128.load64_zero(otherBias + (ja << 3)), 1);
  const pa = acc + (<usize>q << 3), sum = f64x2.add(v128.load(pa), f64x2.add(f64x2.add(mbs, cb), dm));
  v128.store(pa, sum);
  const f = f64x2.sub(f64x2.mul(sum, invs), f64x2.sub(v128.load(vals + (<usize>q << 3)), mus));
  return f64x2.mul(f, f);
}

/**
 * bpmfHalfStep (assembly/bpmf.ts) followed by scoreRows on every row, block by block (a block's rows scored right
 * after they are sampled). acc has one entry per observation (ptr's positions), sums 2n doubles. Returns the rows
 * whose precision was not positive definite. ow and rs (0: none) weight the observations as bpmfRows does; Fs and sb
 * (0: none) are the average's other side, as scoreRows takes them.
 */
export function bpmfHalfStepScored(
  n: i32, k: i32, ptr: usize, idx: usize, vals: usize, F: usize, otherBias: usize, X: usize, ownBias: usize,
  mu: f64, alpha: f64, Lam: usize, h0: usize, fitBias: i32, z: usize, M: usize, meanBias: usize, work: usize,
  acc: usize, div: f64, sums: usize, ow: usize, rs: usize, Fw: usize, Fs: usize, sb: usize,
): i32 {
  let failed = 0;
  for (let i0 = 0; i0 < n; i0 += SCORED_BLOCK) {
    const i1 = min(n, i0 + SCORED_BLOCK);
    failed += bpmfRows(i0, i1, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, alpha, Lam, h0, fitBias, z, M, meanBias, work, sums, ow, rs, Fw);
    scoreRows(i0, i1, k, ptr, idx, vals, F, otherBias, X, ownBias, mu, M, meanBias, acc, div, sums, fitBias, ow, Fs, sb);
  }
  return failed;
}
