import { BACKEND, LowrankError, opt, readOptions, Rng, type BackendOptions, type DenseMatrix } from "@lowrank/linalg";
import { WasmWorkspace, type Workspace } from "@lowrank/linalg/internal";
import type { SensitivityKernels } from "./kernels/index.js";
import { onlineLewisWeight as lewisWeightOf } from "./kernels/online-update.js";
import { sensitivityModule } from "./module.js";
import { checkEntries, exponentOf, ldexp, readInt, readMatrix, SAFE_EXP } from "./validate.js";
import { RESULT_FORMAT_VERSION } from "./serialize.js";

const SAMPLER_OPTIONS = {
  backend: BACKEND,
  oversample: opt.number({ above: 0 }),
  lambda: opt.number({ above: 0 }),
  seed: opt.seed(),
  batchSize: opt.int({ min: 1, max: 2 ** 20 }),
};

const LEWIS_SAMPLER_OPTIONS = { ...SAMPLER_OPTIONS, p: opt.number({ above: 0 }) };

/** Options of {@link OnlineLeverageSampler.create}. */
export interface OnlineSamplerOptions extends BackendOptions {
  /** c in p_i = min(1, c q_i) (default 8). The expected number kept is about c Σ q_i = O(c d log n). */
  oversample?: number;
  /** Ridge λ in H = (λI + Σ w a aᵀ)⁻¹ (default 1e-10 times the largest squared row norm of the first batch). */
  lambda?: number;
  seed?: number;
  /** Rows per kernel call, at most 2^20; memory for this many is reserved once, at creation (default 4096). */
  batchSize?: number;
}

type SamplerParts = [
  token: symbol, d: number, ws: Workspace<SensitivityKernels>, c: number, lambda: number | undefined, rng: Rng, batch: number,
  H: Float64Array, A: Float64Array, u: Float64Array, score: Float64Array, weight: Float64Array, t: Float64Array,
];

/** Entries of the rows' inverse past which it is refused as not representable (a rescale would overflow it). */
const H_LIMIT = 2 ** 1000;

/** What {@link OnlineLeverageSampler.push} decided for one batch of rows. */
export interface OnlineBatch {
  kind: "online-batch";
  /** The layout version (1); a newer one is refused by `serialize`. */
  version: number;
  /** Stream positions (0-based, counting every row ever pushed) of the rows kept, ascending. */
  indices: Int32Array;
  /** Weight of each kept row's squared term: 1/p_i. */
  weights: Float64Array;
  /** The online score q_i = a_iᵀ (λI + Σ_kept w a aᵀ)⁻¹ a_i of every pushed row. */
  scores: Float64Array;
}

const FACTORY = Symbol("OnlineLeverageSampler"); // the factories' pass: `new OnlineLeverageSampler(...)` from outside is refused

/** Validates the options and reserves the workspace (shared by the l_p sampler). */
async function samplerParts(d: number, options: OnlineSamplerOptions, fn: string, schema: typeof SAMPLER_OPTIONS): Promise<SamplerParts> {
  readInt(d, `${fn}: d`, 1);
  const o = readOptions(fn, options, schema);
  const c = o.oversample ?? 8;
  const batch = o.batchSize ?? 4096;
  // The state in the workspace, plus the copy of the inverse a push keeps to undo itself.
  checkEntries(2 * d * d + d + batch * (d + 3), fn);
  const ws = await sensitivityModule.workspace(o.backend, 8 * (d * d + d + batch * (d + 3)) + 16 * 8);
  return [
    FACTORY, d, ws, c, o.lambda, new Rng(o.seed ?? 0), batch,
    ws.f64(d * d), ws.f64(batch * d), ws.f64(batch), ws.f64(batch), ws.f64(batch), ws.f64(d),
  ];
}

/**
 * Online leverage-score row sampling for l2 (Cohen, Musco and Pachocki,
 * "Online row sampling", APPROX 2016, Algorithm 1; the online sensitivity
 * sampling used by Li et al.'s low-switching policy gradient, 2023). Rows
 * arrive in batches; each is scored against the rows kept so far,
 * q_i = a_iᵀ (λI + Σ_kept w_j a_j a_jᵀ)⁻¹ a_i, kept with probability
 * p_i = min(1, c q_i) and weight 1/p_i, decided at once and never revisited.
 * Memory is O(d² + batchSize·d) whatever the number of rows: only the d x d
 * inverse is stored, updated by Sherman-Morrison when a row is kept (the
 * caller keeps the rows it is told to keep). Because a row is scored against a
 * subset of the rows before it, q_i is at least its offline leverage score
 * (up to λ and the sampling error), so the kept, reweighted rows approximate
 * AᵀA in the spectral sense with O(c d log(n κ)) rows, κ the condition number.
 *
 * Each push is one kernel call per batch (O(rows · d²)). Rows are handled
 * scaled by a power of two 2^-shift chosen on the first rows (when they are
 * outside [2^-400, 2^400]) and lowered when larger rows arrive (the inverse is
 * rescaled exactly), which changes no score or decision. A push whose
 * scores or state would leave double range (a row ~1e300 times the first
 * rows' scale against the default ridge, say) is refused with NON_FINITE and
 * leaves the sampler as it was.
 * Errors: SHAPE (rows of a different width), NON_FINITE, INVALID_ARGUMENT (options),
 * TOO_LARGE (d² or the batch cannot be allocated).
 *
 * @example
 * const s = await OnlineLeverageSampler.create(10, { seed: 1 });
 * for (const batch of stream) {
 *   const { indices, weights } = s.push(batch); // keep these rows with these weights
 * }
 */
export class OnlineLeverageSampler {
  /** Exponent of the objective the sample approximates (2 here; the l_p sampler sets its own). */
  protected p = 2;
  private pushed = 0;
  private keptCount = 0;
  /** The ridge the caller gave, or undefined for the default (fixed by the first rows). */
  private readonly lambda: number | undefined;
  /** Rows enter the kernels as a 2^-shift (see the class comment); λ is then λ 2^-2shift. */
  private shift = 0;
  /** The state before a push, restored if the push is refused. */
  private readonly saved: Float64Array;
  private readonly savedRng = new DataView(new ArrayBuffer(32));

  protected constructor(
    token: symbol,
    readonly d: number,
    private readonly ws: Workspace<SensitivityKernels>,
    private readonly c: number,
    lambda: number | undefined,
    private readonly rng: Rng,
    private readonly batch: number,
    private readonly H: Float64Array,
    private readonly A: Float64Array,
    private readonly u: Float64Array,
    private readonly score: Float64Array,
    private readonly weight: Float64Array,
    private readonly t: Float64Array,
  ) {
    if (token !== FACTORY) throw new LowrankError("INVALID_ARGUMENT", `new ${new.target.name}: the constructor is not public; use ${new.target.name}.create`);
    this.lambda = lambda;
    this.saved = new Float64Array(d * d);
  }

  /** A sampler for rows of width d, with its own WASM instance (or plain arrays on js). */
  static async create(d: number, opts: OnlineSamplerOptions = {}): Promise<OnlineLeverageSampler> {
    return new OnlineLeverageSampler(...(await samplerParts(d, opts, "OnlineLeverageSampler.create", SAMPLER_OPTIONS)));
  }

  /** Bytes of state: the d x d inverse plus one batch of rows and its scratch, fixed at creation. */
  get stateBytes(): number {
    return 8 * (this.H.length + this.A.length + this.u.length + this.score.length + this.weight.length + this.t.length);
  }

  /** Bytes of memory behind the sampler: the WASM instance's memory (wasm) or {@link stateBytes} (js). Constant after creation. */
  get memoryBytes(): number {
    return this.ws instanceof WasmWorkspace ? this.ws.instance.memory.buffer.byteLength : this.stateBytes;
  }

  /** Rows pushed so far. */
  get seen(): number {
    return this.pushed;
  }

  /** Rows kept so far. */
  get kept(): number {
    return this.keptCount;
  }

  /**
   * Scores the rows (in order), decides which to keep, and updates the state.
   * O(rows · d²).
   */
  push(rows: DenseMatrix): OnlineBatch {
    const R = readMatrix(rows, "rows", { allowEmpty: true });
    const d = this.d;
    if (R.cols !== d) throw new LowrankError("SHAPE", `OnlineLeverageSampler: rows have ${R.cols} columns, expected ${d}`);
    const n = R.rows;
    if (n === 0) return { kind: "online-batch", version: RESULT_FORMAT_VERSION, indices: new Int32Array(0), weights: new Float64Array(0), scores: new Float64Array(0) };
    // Everything a refused push must put back.
    const undo = { pushed: this.pushed, kept: this.keptCount, shift: this.shift };
    this.saved.set(this.H);
    this.rng.saveState(this.savedRng);
    try {
      return this.#pushScaled(R);
    } catch (e) {
      this.pushed = undo.pushed;
      this.keptCount = undo.kept;
      this.shift = undo.shift;
      this.H.set(this.saved);
      this.rng.loadState(this.savedRng);
      throw e;
    }
  }

  #pushScaled(rows: DenseMatrix): OnlineBatch {
    const d = this.d, n = rows.rows, H = this.H;
    let big = 0;
    for (let i = 0; i < n * d; i++) big = Math.max(big, Math.abs(rows.data[i]));
    const refuse = (why: string) => new LowrankError("NON_FINITE", `${this.constructor.name}.push: ${why}; the push was refused and the sampler is unchanged`);
    if (this.pushed === 0) {
      // The first rows fix the scale: out of range, they enter as a 2^-shift with max |entry| in [1, 2).
      if (big > 0 && !(big >= 2 ** -SAFE_EXP && big <= 2 ** SAFE_EXP)) this.shift = exponentOf(big);
    } else if (ldexp(big, -this.shift) > 2 ** SAFE_EXP) {
      // Larger rows: lower the scale; H is the inverse for the scaled rows, so it grows by 2^2t (exactly).
      const t = exponentOf(big) - this.shift;
      let hmax = 0;
      for (let j = 0; j < d * d; j++) hmax = Math.max(hmax, Math.abs(H[j]));
      if (!(ldexp(hmax, 2 * t) <= H_LIMIT)) {
        throw refuse(`rows of magnitude ${big.toExponential(2)} are beyond double range against the earlier rows and the ridge λ`);
      }
      for (let j = 0; j < d * d; j++) H[j] = ldexp(H[j], 2 * t);
      this.shift += t;
    }
    let data = rows.data;
    if (this.shift !== 0) data = data.map((v) => ldexp(v, -this.shift));
    if (this.pushed === 0) {
      // H starts as (λI)⁻¹ for the scaled rows, λ 2^-2shift; the default λ is 1e-10 times the first rows' largest squared norm.
      let lambda: number;
      if (this.lambda === undefined) {
        let top = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += data[i * d + j] ** 2;
          top = Math.max(top, s);
        }
        lambda = top > 0 ? 1e-10 * top : 1;
      } else lambda = ldexp(this.lambda, -2 * this.shift);
      const h = 1 / lambda;
      if (!(h <= H_LIMIT && h >= 1 / H_LIMIT)) throw refuse(`the ridge λ = ${this.lambda} is out of range against rows of magnitude ${big.toExponential(2)}`);
      for (let j = 0; j < d; j++) H[j * d + j] = h;
    }
    const K = this.ws.kernels;
    const scores = new Float64Array(n);
    const idx: number[] = [], w: number[] = [];
    for (let start = 0; start < n; start += this.batch) {
      const nb = Math.min(this.batch, n - start);
      this.A.set(data.subarray(start * d, (start + nb) * d));
      const u = this.u.subarray(0, nb);
      K.rngFill(this.rng, u, false);
      this.keptCount += this.p === 2 && !(this instanceof OnlineLewisSampler)
        ? K.onlineLeverage(nb, d, this.A, d, H, this.c, u, this.score, this.weight, this.t)
        : K.onlineLewis(nb, d, this.A, d, H, this.p, this.c, u, this.score, this.weight, this.t);
      scores.set(this.score.subarray(0, nb), start);
      // H is positive definite: a non-positive diagonal entry or a clearly negative score means rounding has taken
      // over (rows whose scales, against λ, span more than double precision).
      for (let j = 0; j < d; j++) {
        if (!(H[j * d + j] > 0)) throw refuse("the rows' scales against the ridge λ span more than double precision (the kept rows' inverse lost all accuracy); pass a larger lambda");
      }
      for (let i = 0; i < nb; i++) {
        if (this.score[i] < -1e-6) throw refuse(`row ${start + i}'s score came out negative: the rows' scales against the ridge λ span more than double precision; pass a larger lambda`);
        if (!Number.isFinite(this.score[i]) || !Number.isFinite(this.weight[i])) {
          throw refuse(`row ${start + i}'s score is beyond double range (rows ${big.toExponential(2)} against the ridge λ)`);
        }
        if (this.weight[i] > 0) {
          idx.push(this.pushed + start + i);
          w.push(this.weight[i]);
        }
      }
    }
    for (let j = 0; j < d * d; j++) {
      if (!Number.isFinite(H[j])) throw refuse("the kept rows' inverse left double range");
    }
    this.pushed += n;
    return { kind: "online-batch", version: RESULT_FORMAT_VERSION, indices: Int32Array.from(idx), weights: Float64Array.from(w), scores };
  }
}

/** Options of {@link OnlineLewisSampler.create}. */
export interface OnlineLewisOptions extends OnlineSamplerOptions {
  /** Exponent p > 0 of the objective Σ |a_iᵀx - b_i|^p the sample is for (default 1). */
  p?: number;
}

/**
 * Online l_p sensitivity sampling by online Lewis weights (Woodruff and
 * Yasuda, "Online Lewis weight sampling", SODA 2023; for p = 2 the online
 * leverage scores of Cohen, Musco and Pachocki with the row itself included).
 * Each arriving row a_i gets the Lewis weight it would have in the matrix of
 * the rows kept so far (rescaled to ã = π^(-1/p) a, so that Σ_kept |ãᵀx|^p
 * is an unbiased estimate of ||Ax||_p^p) plus itself:
 * w_i^(2/p) = a_iᵀ (M + w_i^(1-2/p) a_i a_iᵀ)⁻¹ a_i with
 * M = λI + Σ_kept w̃_j^(1-2/p) ã_j ã_jᵀ, a scalar equation solved by Newton.
 * Since the l_p sensitivity of a row is at most its Lewis weight for p <= 2
 * (at most d^(p/2-1) times it for p > 2, a constant that goes into
 * `oversample`), w_i is an online sensitivity upper bound. The row is kept
 * with probability π_i = min(1, c w_i) and weight 1/π_i for its p-th power term,
 * decided at once; only the d x d inverse of M is stored, so memory is
 * O(d² + batchSize·d) whatever the number of rows. Sample [A | b] to
 * approximate the regression objective for every x.
 *
 * Errors: SHAPE, NON_FINITE, INVALID_ARGUMENT (options, p <= 0).
 *
 * @example
 * const s = await OnlineLewisSampler.create(d + 1, { p: 1, oversample: 20, seed: 1 });
 * for (const batch of stream) {
 *   const { indices, weights } = s.push(batch); // rows of [A | b]: keep these, with these weights
 * }
 */
export class OnlineLewisSampler extends OnlineLeverageSampler {
  /** A sampler for rows of width d and the l_p objective, with its own WASM instance (or plain arrays on js). */
  static override async create(d: number, opts: OnlineLewisOptions = {}): Promise<OnlineLewisSampler> {
    const parts = await samplerParts(d, opts, "OnlineLewisSampler.create", LEWIS_SAMPLER_OPTIONS);
    const s = new OnlineLewisSampler(...parts);
    s.p = (opts as { p?: number }).p ?? 1;
    return s;
  }

  /** The exponent p of the objective. */
  get exponent(): number {
    return this.p;
  }
}

/**
 * The online Lewis weight w of a row with prefix score s = aᵀ M⁻¹ a: the root of
 * w^(2/p) = s / (1 + s w^(1-2/p)) in (0, 1] (Newton in log w, the iteration of
 * assembly/online-update.ts). 0 for s = 0. O(1).
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
