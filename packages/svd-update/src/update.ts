// The steps of one update of an EvolvingSvd (rows, columns, or a low-rank
// weight change): check and scale the batch, find its support, let "auto"
// decide, orthogonalise with the method (methods/), form and factor the small
// core matrix, and commit. Each step is a generator whose yields are the
// points where an asynchronous caller may let the event loop run or stop; the
// object changes only after the last yield.
import { checkSize, internalError, LowrankError, type CsrMatrix, type LongRun } from "@lowrank/linalg";
import { arenaBytes, lanczosSettings, lanczosSync, lanczosSyncBytes } from "@lowrank/linalg/internal";
import { decide, type AutoDecision, type RecomputeSettings } from "./auto.js";
import { asBatch, transposeCsr } from "./input.js";
import type { KeptMatrix } from "./kept.js";
import type { FactorLayout } from "./layout.js";
import type { Orth } from "./methods/index.js";
import { checkRepresentable, maxAbs, scaleExponent, scaleInto, times2, workingCopy } from "./scale.js";
import { applyGrow, type Side } from "./side.js";
import { smallSvd } from "./small.js";
import { randomizedSvdSync, resolveTsvd, tsvdBytes, type SvdViews } from "./truncated.js";
import { openScope } from "./workspace.js";

const EMPTY_I32 = new Int32Array(0);

/** An update step as phases (see the file comment). */
export type Steps = Generator<void, void, void>;

/** What the update steps read and change: the factors, the kept matrix, auto's records and its recomputation settings. */
export interface EvolvingState {
  readonly f: FactorLayout;
  kept: KeptMatrix | null;
  readonly decisions: AutoDecision[];
  readonly tsvd: RecomputeSettings;
}

/** Runs update phases to completion without yielding. */
export function runSync(steps: Steps): void {
  for (let r = steps.next(); !r.done; r = steps.next());
}

/** Runs update phases, letting `run` pause (and stop on its signal) between them; the phases' cleanup runs on a stop. */
export async function runAsync(run: LongRun, steps: Steps): Promise<void> {
  try {
    for (let r = steps.next(); !r.done; r = steps.next()) await run.pause();
  } catch (e) {
    steps.return(); // runs the phases' cleanup (batch markers, scratch)
    throw e;
  }
}

/** The exponents of a power-of-two scaling of an update D Eᵀ of diag(s) (scale.ts): D / 2^eD, E / 2^eE, s / 2^eT, eT = eD + eE. */
function updateExponents(mD: number, mE: number, s1: number): { eD: number; eE: number; eT: number } {
  const lD = mD > 0 ? Math.log2(mD) : 0, lE = mE > 0 ? Math.log2(mE) : 0;
  const product = mD > 0 && mE > 0 ? lD + lE : -Infinity;
  const top = Math.max(product, s1 > 0 ? Math.log2(s1) : -Infinity);
  const ordinary = (l: number) => l === -Infinity || Math.abs(l) <= 100;
  if (ordinary(lD) && ordinary(lE) && ordinary(top)) return { eD: 0, eE: 0, eT: 0 };
  const eD = scaleExponent(mD), eT = top === -Infinity ? 0 : 2 * Math.round(top / 2);
  return { eD, eE: eT - eD, eT };
}

/** The batch with its values divided by 2^e and those below 2^-480 mx flushed to zero (scale.ts; the batch itself when that changes nothing). */
function scaledBatch(b: CsrMatrix, e: number, mx: number): CsrMatrix {
  const nnz = b.indptr[b.rows];
  const data = workingCopy(b.data, nnz, mx, e);
  return data === b.data ? b : { ...b, data };
}

/** addRows: appends the rows of E. */
export function* rowSteps(es: EvolvingState, E: unknown): Steps {
  const B = asBatch(E, "E"), f = es.f;
  if (B.cols !== f.V.dim) throw new LowrankError("SHAPE", `addRows: E has ${B.cols} columns, the matrix ${f.V.dim}`);
  yield* append(es, f.U, f.V, B, false, (kept) => kept.addRows(B));
}

/** addColumns: appends the columns of E, as rows of Eᵀ on the mirrored factors. */
export function* columnSteps(es: EvolvingState, E: unknown): Steps {
  const B = asBatch(E, "E"), f = es.f;
  if (B.rows !== f.U.dim) throw new LowrankError("SHAPE", `addColumns: E has ${B.rows} rows, the matrix ${f.U.dim}`);
  const Bt = transposeCsr(B);
  yield* append(es, f.V, f.U, Bt, true, (kept) => kept.addColumns(Bt));
}

/**
 * updateWeights: A + D Eᵀ = [U Q_D] (diag(s, 0) + Y_D Y_Eᵀ) [V Q_E]ᵀ with
 * Y = [C0ᵀ; R] (Brand 2006): both sides are orthogonalised and rotated as
 * addRows' basis side.
 */
export function* weightSteps(es: EvolvingState, D: unknown, E: unknown): Steps {
  const f = es.f;
  const Dc = asBatch(D, "D"), Ec = asBatch(E, "E");
  if (Dc.rows !== f.U.dim) throw new LowrankError("SHAPE", `updateWeights: D has ${Dc.rows} rows, the matrix ${f.U.dim}`);
  if (Ec.rows !== f.V.dim) throw new LowrankError("SHAPE", `updateWeights: E has ${Ec.rows} rows, the matrix has ${f.V.dim} columns`);
  if (Dc.cols !== Ec.cols) throw new LowrankError("SHAPE", `updateWeights: D has ${Dc.cols} columns but E has ${Ec.cols}`);
  const bd = transposeCsr(Dc), be = transposeCsr(Ec);
  const k = f.k, s = bd.rows;
  const nd = bd.indptr[s], ne = be.indptr[s];
  const t0 = performance.now();
  // The core below is diag(s) + Y_D Y_Eᵀ: scale D, E and s by powers of two so that no sum of squares over- or underflows.
  const mD = maxAbs(bd.data, nd), mE = maxAbs(be.data, ne);
  const { eD, eE, eT } = updateExponents(mD, mE, maxAbs(f.sv));
  const sD = scaledBatch(bd, eD, mD), sE = scaledBatch(be, eE, mE);
  const sd = support(f, f.U, sD, "D");
  let se: Int32Array = EMPTY_I32;
  let marked = true;
  try {
    se = support(f, f.V, sE, "E");
    const decision = decide(f, es.kept, es.tsvd, {
      op: "updateWeights", s, nnz: nd + ne, p: sd.length + se.length, basisDim: f.U.dim + f.V.dim, growDim: 0, twoSided: true,
    });
    if (decision?.choice === "recompute") {
      clear(f.U, sd);
      clear(f.V, se);
      marked = false;
      yield* recomputeKept(es, (kept) => kept.addProduct(bd, be), decision, t0);
      return;
    }
    f.ensure(f.U.dim, f.V.dim, f.scratch(s, sd.length, f.U.dim, nd) + f.scratch(s, se.length, f.V.dim, ne) + arenaBytes(k, 0, 1));
    yield;
    const st = f.st, K = st.kernels, method = f.cx.method;
    const release = openScope(st);
    try {
      const od = method.orthogonalize(f.cx, f.U, sD, sd), oe = method.orthogonalize(f.cx, f.V, sE, se);
      marked = false; // orthogonalize resets the markers
      yield;
      const Y = (o: Orth) => {
        const y = st.f64((k + o.sq) * s);
        for (let j = 0; j < s; j++) for (let i = 0; i < k; i++) y[i * s + j] = o.C0[j * k + i];
        y.set(o.R.subarray(0, o.sq * s), k * s);
        return y;
      };
      const r = k + od.sq, c = k + oe.sq;
      const M = st.f64(r * c);
      K.gemm(false, true, r, c, s, 1, Y(od), s, Y(oe), s, 0, M, c);
      for (let i = 0; i < k; i++) M[i * c + i] += times2(f.sv[i], -eT);
      const { F, theta, G } = smallSvd(st, r, c, M, k);
      checkRepresentable(theta, eT, "updateWeights");
      yield;
      // Commit: nothing before this point changed the object.
      commit(es, () => es.kept?.addProduct(bd, be), () => {
        method.applyBasis(f.cx, f.U, od, F);
        method.applyBasis(f.cx, f.V, oe, G);
      }, theta, eT);
    } finally {
      release();
    }
    record(es, decision, t0);
  } finally {
    if (marked) {
      clear(f.U, sd);
      clear(f.V, se);
    }
  }
}

/**
 * Zha and Simon's (1999) frame for appended rows (or, mirrored, columns):
 * [A; E] = [[U, 0], [0, I]] M [V, Q]ᵀ, Q from the method. The batch and s are
 * scaled by a power of two first when their magnitudes could over- or
 * underflow the sums of squares (scale.ts), and the new s scaled back
 * (NON_FINITE when it does not fit in a double).
 */
function* append(es: EvolvingState, grow: Side, basis: Side, raw: CsrMatrix, cols: boolean, add: (kept: KeptMatrix) => void): Steps {
  const f = es.f, k = f.k, s = raw.rows, nnz = raw.indptr[s];
  const t0 = performance.now();
  const mE = maxAbs(raw.data, nnz), s1 = maxAbs(f.sv);
  const { eT } = updateExponents(1, mE, s1);
  const batch = scaledBatch(raw, eT, Math.max(mE, s1));
  checkSize((grow.dim + s) * k, "the grown factor");
  const supp = support(f, basis, batch, "E");
  let marked = true;
  try {
    const decision = decide(f, es.kept, es.tsvd, {
      op: cols ? "addColumns" : "addRows", s, nnz, p: supp.length, basisDim: basis.dim, growDim: grow.dim, twoSided: false,
    });
    if (decision?.choice === "recompute") {
      clear(basis, supp);
      marked = false;
      yield* recomputeKept(es, add, decision, t0);
      return;
    }
    const scratch = f.scratch(s, supp.length, Math.max(grow.dim + s, basis.dim), nnz) + arenaBytes(k, 0, 1);
    f.ensure(f.U.dim + (cols ? 0 : s), f.V.dim + (cols ? s : 0), scratch);
    yield;
    const st = f.st, method = f.cx.method;
    const release = openScope(st);
    try {
      const o = method.orthogonalize(f.cx, basis, batch, supp);
      marked = false; // orthogonalize resets the markers
      yield;
      // M = [[diag(s), 0], [C0, Rᵀ]]: row k + j holds e_j's coordinates in [V, Q] (s scaled as the batch).
      const w = k + o.sq;
      const M = st.f64((k + s) * w);
      let sv = f.sv;
      if (eT !== 0) sv = scaleInto(f.sv, -eT, st.f64(k));
      st.kernels.appendCore(k, s, o.sq, sv, o.C0, o.R, M);
      const { F, theta, G } = smallSvd(st, k + s, w, M, k);
      checkRepresentable(theta, eT, cols ? "addColumns" : "addRows");
      yield;
      // Commit: nothing before this point changed the object.
      commit(es, () => es.kept && add(es.kept), () => {
        applyGrow(f.cx, grow, F, s);
        method.applyBasis(f.cx, basis, o, G);
      }, theta, eT);
    } finally {
      release();
    }
    record(es, decision, t0);
  } finally {
    if (marked) clear(basis, supp);
  }
}

/**
 * auto's recomputation: a fresh truncated SVD of the kept matrix with the
 * batch (added by `add`, undone should this fail), by the initial SVD's
 * method (Lanczos unless the randomized one was asked for). Synchronous: the
 * run is not split into phases.
 */
function* recomputeKept(es: EvolvingState, add: (kept: KeptMatrix) => void, decision: AutoDecision, t0: number): Steps {
  yield;
  const f = es.f, kept = es.kept!;
  const undo = kept.snapshot();
  try {
    add(kept);
    const C = kept.csr();
    const lanczos = es.tsvd.method === "lanczos";
    const lo = lanczos ? lanczosSettings({ ...es.tsvd, rank: f.k }, C.rows, C.cols) : null;
    const o = resolveTsvd({ ...es.tsvd, rank: f.k }, C.rows, C.cols);
    // Room for the grown factors too, before the run's scratch is taken: growing the layout inside the
    // scope below would free the run's views (and, on wasm, move the arena under them).
    f.ensure(C.rows, C.cols, lo ? lanczosSyncBytes(C, lo) : tsvdBytes(C.rows, C.cols, C.indptr[C.rows], o));
    const install = (r: SvdViews) => {
      // Grow the factors' row counts only now, with everything computed.
      f.U.dim = C.rows;
      f.V.dim = C.cols;
      f.install(r);
    };
    f.st.scoped(() => {
      if (lo) lanczosSync(f.st, C, lo, install);
      else install(randomizedSvdSync(f.st, C, o));
      return null;
    });
  } catch (e) {
    undo();
    throw e;
  }
  record(es, decision, t0);
}

/**
 * The last phase of an update: adds the batch to the kept matrix, applies
 * the rotations and takes the new singular values (scaled back by 2^e).
 * The kept matrix is restored should applying fail.
 */
function commit(es: EvolvingState, keep: () => void, apply: () => void, theta: Float64Array, e: number): void {
  const undo = es.kept?.snapshot();
  try {
    keep();
    apply();
  } catch (err) {
    undo?.();
    throw err;
  }
  for (let i = 0; i < es.f.k; i++) es.f.sv[i] = times2(theta[i], e);
  es.f.cx.counts.updates++;
}

/** Records a finished update's decision with the call's measured time. */
function record(es: EvolvingState, decision: AutoDecision | null, t0: number): void {
  if (decision) es.decisions.push({ ...decision, ms: performance.now() - t0 });
}

/**
 * Checks the batch in the kernel (csrSupport; asCsr has already checked it,
 * so a refusal here is a bug) and returns its distinct indices in
 * first-seen order, marking their positions in sd.marker (orthogonalize
 * resets them). O(nnz).
 */
function support(f: FactorLayout, sd: Side, b: CsrMatrix, name: string): Int32Array {
  const s = b.rows, nnz = b.indptr[s];
  f.ensure(f.U.dim, f.V.dim, arenaBytes(Math.max(1, Math.min(nnz, sd.dim)) + nnz, nnz + s + 1, 6));
  const st = f.st;
  return st.scoped(() => {
    const idx = st.i32(Math.max(1, Math.min(nnz, sd.dim)));
    const p = st.kernels.csrSupport(
      s, sd.dim, st.inputI32(b.indptr.subarray(0, s + 1)), st.inputI32(b.indices.subarray(0, nnz)), st.input(b.data.subarray(0, nnz)), sd.marker, idx,
    );
    if (p < 0) throw internalError(`csrSupport refused ${name} (code ${p}) after the input layer accepted it`);
    return idx.slice(0, p);
  });
}

/** Resets the marker on a support (when an update stops before orthogonalize did). O(p). */
function clear(sd: Side, supp: Int32Array): void {
  for (let i = 0; i < supp.length; i++) sd.marker[supp[i]] = -1;
}
