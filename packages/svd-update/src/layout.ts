// The memory layout of an EvolvingSvd: its persistent arrays (both sides' P,
// K, K⁻¹ and support markers, and s) at the bottom of its workspace, the
// scratch an update reserves above them, and growing both (by half) when a
// batch needs more.
import { checkSize } from "@lowrank/linalg";
import { arenaBytes } from "@lowrank/linalg/internal";
import type { UpdateContext } from "./options.js";
import type { Side } from "./side.js";
import type { SvdViews } from "./truncated.js";
import { checkBytes, fits, relayout } from "./workspace.js";

const EMPTY = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/** Bytes of the persistent arrays for row capacities capU, capV at rank k. O(1). */
export function persistentBytes(capU: number, capV: number, k: number): number {
  return arenaBytes((capU + capV) * k + 4 * k * k + k, capU + capV, 10);
}

/** One side's state copied out while the workspace is re-laid out. */
interface SavedSide {
  cap: number;
  P: Float64Array;
  K: Float64Array;
  Kinv: Float64Array;
  marker: Int32Array;
}

/**
 * The factors U = P_U K_U, s, V = P_V K_V of an EvolvingSvd in its workspace.
 * The Side objects are updated in place when the layout grows, so references
 * held across a re-layout stay valid (their old views do not).
 */
export class FactorLayout {
  U!: Side;
  V!: Side;
  sv!: Float64Array;
  readonly k: number;

  constructor(readonly cx: UpdateContext) {
    this.k = cx.k;
  }

  /** The workspace (replaced when the layout grows: always read it from here). */
  get st() {
    return this.cx.st;
  }

  /**
   * Upper bound on the scratch bytes of one side's part of an update of s
   * vectors (nnz entries) over support p, on a side of dimension dim, for the
   * current method. O(1). Errors: TOO_LARGE.
   */
  scratch(s: number, p: number, dim: number, nnz: number): number {
    const k = this.k, w = k + s;
    const method = this.cx.method.scratch(dim, s, k);
    const doubles = 3 * s * p + 4 * p * k + 6 * s * k + 6 * s * s + 2 * dim * k + method + 5 * w * w + 4 * w * k + 16 * k * k + 8 * k + nnz;
    checkSize(doubles, "an update's scratch");
    return arenaBytes(doubles, p + nnz + s + 1, 96);
  }

  /** Makes room for the given row counts and scratch, re-laying out the workspace (growing by half) when needed. */
  ensure(rowsU: number, rowsV: number, scratch: number): void {
    const U = this.U, V = this.V;
    if (rowsU <= U.cap && rowsV <= V.cap && fits(this.st, scratch)) return;
    const cap = (need: number, have: number) => (need <= have ? have : Math.max(need, Math.ceil(have * 1.5)));
    this.layout(cap(rowsU, U.cap), cap(rowsV, V.cap), U.dim, V.dim, Math.ceil(scratch * 1.5));
  }

  /** The first layout: factors of rows x k and cols x k (K = I) and `scratch` bytes above them. Errors: TOO_LARGE. */
  allocate(rows: number, cols: number, scratch: number): void {
    this.layout(rows, cols, rows, cols, scratch);
  }

  /**
   * (Re)allocates the persistent arrays at the bottom of the workspace,
   * keeping their contents. Should the new layout not fit (TOO_LARGE), the
   * old one is restored.
   */
  private layout(capU: number, capV: number, dimU: number, dimV: number, scratch: number): void {
    const k = this.k;
    const first = this.U === undefined;
    const bytes = persistentBytes(capU, capV, k) + scratch;
    checkBytes(bytes, "EvolvingSvd");
    checkSize(Math.max(capU, capV) * k, "a factor");
    const saved = first ? null : [this.U, this.V].map((sd): SavedSide => ({
      cap: sd.cap, P: sd.P.slice(0, sd.dim * k), K: sd.K.slice(), Kinv: sd.Kinv.slice(), marker: sd.marker.slice(0, Math.min(sd.dim, sd.marker.length)),
    }));
    const s = first ? null : this.sv.slice();
    const oldBytes = first ? 0 : persistentBytes(this.U.cap, this.V.cap, k);
    try {
      this.cx.st = relayout(this.st, bytes, "EvolvingSvd");
    } catch (e) {
      if (first) throw e;
      this.cx.st = relayout(this.st, oldBytes, "EvolvingSvd");
      this.place(saved![0].cap, saved![1].cap, saved, s);
      throw e;
    }
    if (first) {
      const side = (dim: number): Side => ({ dim, cap: 0, P: EMPTY, K: EMPTY, Kinv: EMPTY, identity: true, marker: EMPTY_I32 });
      this.U = side(dimU);
      this.V = side(dimV);
    }
    this.place(capU, capV, saved, s);
  }

  /** Takes a fresh SVD's factors (views of the workspace, current shape) as the state; K reset to I. O((rows + cols) k). */
  install(r: SvdViews): void {
    const k = this.k;
    for (const [sd, F] of [[this.U, r.U], [this.V, r.V]] as const) {
      sd.P.set(F);
      sd.K.fill(0);
      sd.Kinv.fill(0);
      for (let i = 0; i < k; i++) sd.K[i * k + i] = sd.Kinv[i * k + i] = 1;
      sd.identity = true;
    }
    this.sv.set(r.s);
    this.cx.counts.recomputes++;
  }

  /** Takes factors of the current shape as P (K stays as it is: I after allocate). O((rows + cols) k). */
  setFactors(r: SvdViews): void {
    this.U.P.set(r.U);
    this.V.P.set(r.V);
    this.sv.set(r.s);
  }

  /** Allocates the persistent arrays for the given capacities and copies the saved state in. */
  private place(capU: number, capV: number, saved: SavedSide[] | null, s: Float64Array | null): void {
    const k = this.k, kk = k * k, st = this.st;
    [this.U, this.V].forEach((sd, i) => {
      sd.cap = i === 0 ? capU : capV;
      sd.P = st.f64(sd.cap * k);
      sd.K = st.f64(kk);
      sd.Kinv = st.f64(kk);
      sd.marker = st.i32(sd.cap);
      sd.marker.fill(-1);
      if (saved) {
        sd.P.set(saved[i].P);
        sd.K.set(saved[i].K);
        sd.Kinv.set(saved[i].Kinv);
        sd.marker.set(saved[i].marker);
      } else {
        for (let a = 0; a < k; a++) sd.K[a * k + a] = sd.Kinv[a * k + a] = 1;
      }
    });
    this.sv = st.f64(k);
    if (s) this.sv.set(s);
  }
}
