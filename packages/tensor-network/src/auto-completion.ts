// Completion with a mask and no rank (tucker, cp, tensorTrain, tensorRing):
// the model chosen on a hold-out of the observed entries between the
// format's fits at ranks 1, 2, 3, ... and smooth interpolations along the
// modes, then refitted on all observed entries (see docs/ARCHITECTURE.md,
// tensor-network, "Completion without a rank").
import { LowrankError, Rng, type Tensor } from "@lowrank/linalg";
import { extreme, magnitude, scaled } from "./scaling.js";

/** What the hold-out chose, returned as `completion` on the result. */
export interface CompletionChoice {
  /** `low-rank`: the format's fit at `rank`; `smooth`: the interpolation along `modes`, stored exactly in the format. */
  model: "low-rank" | "smooth";
  /** The ranks of the chosen fit (low-rank): Tucker's multilinear rank, CP's [R], the TT or TR bond ranks. */
  rank?: number[];
  /** The modes the interpolation smooths along (smooth). */
  modes?: number[];
  /** Its differences: 1 first (harmonic interpolation), 2 second (quadratic variation). */
  order?: 1 | 2;
  /** ‖held-out entries - model‖ / ‖held-out entries‖ of the chosen model fitted without them. */
  heldOutError: number;
}

/** How one format takes part: its fit at a rank, its dense value, and its exact form of a full tensor. */
export interface CompletionFormat<R> {
  /**
   * The format's completion of X observed on `mask` at ranks `rank`
   * (`final`: the fit returned, on every observed entry; `attempt` > 0: a
   * retry of it from another start).
   */
  fit: (X: Tensor, mask: Uint8Array, rank: number[], final: boolean, attempt: number) => Promise<R>;
  /** The ranks of ladder rung r (each capped where the format allows no more). */
  rung: (r: number) => number[];
  /**
   * Whether ranks r may be fitted, after lowering one of the best rung's
   * ranks; absent: the rung is not refined (Tucker's is: its rungs are
   * uniform, a tensor's multilinear rank seldom is).
   */
  valid?: (rank: number[]) => boolean;
  /** The dense tensor of a result. */
  dense: (result: R) => Promise<Float64Array>;
  /** The format holding the full tensor X exactly (up to rounding). */
  exact: (X: Tensor) => Promise<R>;
  /** Starts a fit may take (1 for a format whose start is not random). */
  attempts: number;
  /** Highest rung of the ladder. */
  maxRank: number;
  /** The caller's abort check, between fits. */
  check: () => void;
}

/** Share of the observed entries (or of the last mode's fibres) held out. */
const HOLD_OUT = 0.1;
/** Rungs without a better held-out error before the ladder stops. */
const PATIENCE = 2;
/** A held-out error this small is exact recovery: the ladder stops there. */
const EXACT = 1e-9;

/**
 * Observed entries split into training and held-out ones: each observed
 * unit falls in one of 1 / HOLD_OUT folds at random (`seed`), and fold
 * `fold` is held out. When the mask is constant along the last mode's fibres
 * (an image's pixels: every channel or none), the units are those fibres, as
 * the missing ones are whole fibres; else single entries.
 */
export function holdOut(shape: number[], mask: Uint8Array, seed: number, fold = 0): { train: Uint8Array; held: Int32Array } {
  const S = mask.length, last = shape[shape.length - 1];
  let fibres = last > 1;
  for (let f = 0; fibres && f < S; f += last) for (let i = f + 1; i < f + last; i++) if (!mask[i] !== !mask[f]) fibres = false;
  const step = fibres ? last : 1, folds = Math.round(1 / HOLD_OUT);
  const rng = new Rng(seed);
  const train = Uint8Array.from(mask), held: number[] = [];
  let observed = 0;
  for (let i = 0; i < S; i++) observed += mask[i] ? 1 : 0;
  for (let f = 0; f < S; f += step) {
    if (!mask[f] || Math.floor(rng.uniform() * folds) !== fold) continue;
    // Keep at least one entry for training.
    if (held.length + step >= observed) break;
    for (let i = f; i < f + step; i++) {
      train[i] = 0;
      held.push(i);
    }
  }
  return { train, held: Int32Array.from(held) };
}

/** Σ (Y - X)² and Σ X² over the held-out entries. */
function heldSums(X: Float64Array, Y: Float64Array, held: Int32Array): [number, number] {
  let e = 0, n = 0;
  for (let t = 0; t < held.length; t++) {
    const i = held[t];
    e += (Y[i] - X[i]) ** 2;
    n += X[i] * X[i];
  }
  return [e === e ? e : Infinity, n];
}

/** ‖Y - X‖ / ‖X‖ over the held-out entries (0/0 = 0). */
function heldError(X: Float64Array, Y: Float64Array, held: Int32Array): number {
  return ratio(heldSums(X, Y, held));
}

function ratio([e, n]: [number, number]): number {
  return n === 0 ? (e === 0 ? 0 : Infinity) : Math.sqrt(e / n);
}

/**
 * Weight of the first differences added to the second in an order-2 fill:
 * they keep its system definite where the second differences alone leave a
 * linear trend free, and change the fill little.
 */
const FIRST_IN_SECOND = 0.01;

/**
 * The smoothest completion along `modes`: the unobserved entries minimise
 * the sum over those modes of the squared differences between neighbours
 * (`order` 1: (y_a - y_b)², harmonic interpolation) or of the squared
 * second differences (`order` 2: (y_a - 2 y_b + y_c)², plus 0.01 times the
 * first; the quadratic variation of Yokota, Zhao and Cichocki 2016), the
 * observed entries fixed. Conjugate gradients from `start` (default the
 * observed mean in every unobserved entry) until the residual is 1e-5 of the
 * first, or 4 Σ I_k (order 1) or 16 Σ I_k iterations; an unobserved region
 * no mode in `modes` links to an observed entry keeps its start.
 * O(size |modes|) per iteration.
 */
export function smoothFill(X: Tensor, mask: Uint8Array, modes: number[], order: 1 | 2 = 1, start?: Float64Array, check: () => void = () => {}): Float64Array {
  const shape = X.shape, S = X.data.length, N = shape.length;
  const stride = new Array<number>(N);
  for (let k = N - 1, s = 1; k >= 0; k--) {
    stride[k] = s;
    s *= shape[k];
  }
  let sum = 0, count = 0;
  for (let i = 0; i < S; i++) {
    if (!mask[i]) continue;
    sum += X.data[i];
    count++;
  }
  const y = Float64Array.from(X.data, (v, i) => (mask[i] ? v : start ? start[i] : sum / count));
  const w1 = order === 1 ? 1 : FIRST_IN_SECOND;
  // out = (L v) on the unobserved entries, 0 on the observed ones, L = Σ_k w1 D1ᵀD1 (+ D2ᵀD2) along mode k.
  const apply = (v: Float64Array, out: Float64Array): void => {
    out.fill(0);
    for (const k of modes) {
      const st = stride[k], n = shape[k], block = n * st;
      for (let o = 0; o < S; o += block) {
        for (let c = 0; c + 1 < n; c++) {
          for (let i = o + c * st, end = i + st; i < end; i++) {
            const d = w1 * (v[i] - v[i + st]);
            out[i] += d;
            out[i + st] -= d;
          }
        }
        if (order === 1) continue;
        for (let c = 1; c + 1 < n; c++) {
          for (let i = o + c * st, end = i + st; i < end; i++) {
            const d = v[i - st] - 2 * v[i] + v[i + st];
            out[i - st] += d;
            out[i] -= 2 * d;
            out[i + st] += d;
          }
        }
      }
    }
    for (let i = 0; i < S; i++) if (mask[i]) out[i] = 0;
  };
  const r = new Float64Array(S), p = new Float64Array(S), q = new Float64Array(S);
  apply(y, r);
  for (let i = 0; i < S; i++) r[i] = -r[i];
  p.set(r);
  let rr = dot(r, r);
  const stop = 1e-10 * rr, most = (order === 1 ? 4 : 16) * modes.reduce((a, k) => a + shape[k], 0);
  for (let it = 0; it < most && rr > stop && rr > 0; it++) {
    if (it % 32 === 0) check();
    apply(p, q);
    const alpha = rr / dot(p, q);
    for (let i = 0; i < S; i++) {
      y[i] += alpha * p[i];
      r[i] -= alpha * q[i];
    }
    const next = dot(r, r), beta = next / rr;
    rr = next;
    for (let i = 0; i < S; i++) p[i] = r[i] + beta * p[i];
  }
  return y;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * The candidate sets of modes to smooth along: every mode longer than 1, and
 * that set without each one of its modes in turn (a mode whose neighbours
 * are unrelated, such as an image's colour channels, is then left out).
 */
export function smoothCandidates(shape: number[]): number[][] {
  const all = shape.map((_, k) => k).filter((k) => shape[k] > 1);
  const out = all.length > 0 ? [all] : [];
  if (all.length > 1) for (const k of all) out.push(all.filter((j) => j !== k));
  return out;
}

/** The flat indices of the nonzero entries. */
function indices(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return out;
}

/**
 * The smooth candidates are compared on up to SMOOTH_FOLDS folds, as many as
 * it takes to hold out SMOOTH_HELD entries in all: one fold of a small
 * tensor is noisy (on a 64 x 50 photograph it chose the wrong modes), a
 * large one's is not.
 */
const SMOOTH_FOLDS = 5, SMOOTH_HELD = 20000;

/**
 * Chooses and fits the completion of X observed on `mask`. The smooth
 * candidates are compared on up to SMOOTH_FOLDS folds of held-out entries
 * (errors pooled); the format's fits at ranks 1, 2, ... on the first fold, until its
 * held-out error has not improved for PATIENCE rungs, is exact, or `maxRank`.
 * Each rank of the best rung is then lowered while that lowers the error.
 * The least first-fold error wins (a smooth model only when strictly better),
 * and is refitted on every observed entry.
 */
export async function autoComplete<R extends object>(X0: Tensor, mask: Uint8Array, seed: number, f: CompletionFormat<R>): Promise<R & { completion: CompletionChoice }> {
  // Errors and the interpolation on X scaled by a power of two when its observed entries are extreme.
  const e = magnitude(X0.data.filter((_, i) => mask[i] !== 0));
  const sc = extreme(e) ? -e : 0;
  const X = { shape: X0.shape, data: scaled(X0.data, sc) };
  const folds = [holdOut(X.shape, mask, seed, 0)];
  for (let k = 1, n = folds[0].held.length; k < SMOOTH_FOLDS && n < SMOOTH_HELD; k++) {
    folds.push(holdOut(X.shape, mask, seed, k));
    n += folds[k].held.length;
  }
  const { train, held } = folds[0];
  if (held.length === 0) throw new LowrankError("EMPTY", "completion without a rank needs at least two observed entries");
  // Pooled and first-fold held-out errors of a smooth candidate, with its fills (the starts of order 2).
  const score = (modes: number[], order: 1 | 2, starts?: Float64Array[]) => {
    let e = 0, n = 0, first = 0;
    const fills: Float64Array[] = [];
    for (let k = 0; k < folds.length; k++) {
      f.check();
      const Y = smoothFill(X, folds[k].train, modes, order, starts?.[k], f.check);
      const sums = heldSums(X.data, Y, folds[k].held);
      if (k === 0) first = ratio(sums);
      e += sums[0];
      n += sums[1];
      fills.push(Y);
    }
    return { modes, order, pooled: ratio([e, n]), err: first, fills };
  };
  // The modes at order 1, then order 2 on them.
  let smooth: ReturnType<typeof score> | null = null;
  for (const modes of smoothCandidates(X.shape)) {
    const c = score(modes, 1);
    if (!smooth || c.pooled < smooth.pooled) smooth = c;
  }
  if (smooth) {
    const c = score(smooth.modes, 2, smooth.fills);
    if (c.pooled < smooth.pooled) smooth = c;
  }
  const trained = Int32Array.from(indices(train)), observed = Int32Array.from(indices(mask));
  // A fit on the training entries: its held-out error, and its error on those entries.
  // A fit no better than the best so far is retried from other starts: ALS from one random
  // start can stall where another recovers the tensor exactly (TR rank 2 from 27% of its entries).
  type Scored = { rank: number[]; err: number; fitted: number };
  let best: Scored | null = null;
  const tryRank = async (rank: number[]): Promise<Scored> => {
    let out: Scored | null = null;
    for (let attempt = 0; attempt < f.attempts && (!out || !best || !(out.err < best.err)); attempt++) {
      f.check();
      const Y = scaled(await f.dense(await f.fit(X0, train, rank, false, attempt)), sc);
      const err = heldError(X.data, Y, held);
      if (!out || err < out.err) out = { rank, err, fitted: heldError(X.data, Y, trained) };
    }
    return out!;
  };
  let last = "";
  for (let r = 1, worse = 0; r <= f.maxRank && worse < PATIENCE; r++) {
    const rank = f.rung(r);
    if (rank.join() === last) break;
    last = rank.join();
    const c = await tryRank(rank);
    if (!best || c.err < best.err) {
      best = c;
      worse = 0;
    } else {
      worse++;
    }
    if (best.err <= EXACT) break;
  }
  // Then each rank of the best rung lowered while that helps (a multilinear rank [2, 3, 2] is not a rung).
  for (let k = 0; f.valid && best && best.err > EXACT && k < best.rank.length; k++) {
    while (best.rank[k] > 1) {
      const rank = best.rank.slice();
      rank[k]--;
      if (!f.valid(rank)) break;
      const c = await tryRank(rank);
      if (!(c.err < best.err)) break;
      best = c;
    }
  }
  if (smooth && (!best || smooth.err < best.err)) {
    let Y = smoothFill(X, mask, smooth.modes, 1, undefined, f.check);
    if (smooth.order === 2) Y = smoothFill(X, mask, smooth.modes, 2, Y, f.check);
    const result = await f.exact({ shape: X.shape, data: scaled(Y, -sc) });
    return { ...result, completion: { model: "smooth", modes: smooth.modes, order: smooth.order, heldOutError: smooth.err } };
  }
  // The final fit from up to f.attempts starts: ALS can stall in a poor local minimum from one start
  // where the fit on the training entries did not; a fit within twice its error there is kept.
  let result: R | null = null, least = Infinity;
  for (let attempt = 0; attempt < Math.max(f.attempts, 1) && least > 2 * best!.fitted + 1e-8; attempt++) {
    f.check();
    const fit = await f.fit(X0, mask, best!.rank, true, attempt);
    const err = heldError(X.data, scaled(await f.dense(fit), sc), observed);
    if (!result || err < least) {
      result = fit;
      least = err;
    }
  }
  return { ...result!, completion: { model: "low-rank", rank: best!.rank, heldOutError: best!.err } };
}
