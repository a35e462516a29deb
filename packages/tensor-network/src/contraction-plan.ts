// Contraction of a general tensor network (general-network.ts) as a chain of
// pairwise contractions, planned once per structure: each step an axis
// permutation (kernel `permute`) and one GEMM. The plan that leaves one core
// out is also the design matrix of that core's ALS update (general-fitter.ts).
import { internalError } from "@lowrank/linalg";
import { arenaBytes, type Workspace } from "@lowrank/linalg/internal";
import { coreShapeOf } from "./general-network.js";
import type { TensorKernels } from "./kernels/index.js";
import { checkSizes, prod } from "./validate.js";

/** Labelled dims of an intermediate tensor: phys mode k is label k, bond (a < b) is N + a N + b. */
interface Lab {
  labels: number[];
  dims: number[];
}

const bondLabel = (N: number, a: number, b: number) => (a < b ? N + a * N + b : N + b * N + a);

function coreLab(shape: number[], R: number[][], k: number): Lab {
  const N = shape.length;
  const others = shape.map((_, j) => j).filter((j) => j !== k);
  return { labels: [k, ...others.map((j) => bondLabel(N, k, j))], dims: coreShapeOf(shape, R, k) };
}

interface Step {
  permA: number[] | null;
  permB: number[] | null;
  m: number;
  s: number;
  n: number;
  dimsA: number[];
  dimsB: number[];
}

/** A chain contraction of the cores in `order`, then a permutation to `target` labels. */
export interface Chain {
  order: number[];
  steps: Step[];
  finalDims: number[];
  finalPerm: number[] | null;
  /** Doubles of the largest permuted left operand, right operand, and product. */
  maxA: number;
  maxB: number;
  maxC: number;
  size: number;
}

const isIdentity = (p: number[]) => p.every((v, i) => v === i);

/**
 * The contraction of all cores but `exclude` (-1: all), in mode order,
 * ending in the labels [phys modes ascending, bonds to `exclude` ascending]:
 * with exclude = k, the (S / I_k) x Π_j R[k][j] matrix whose rows are the
 * other modes in C order and whose columns are core k's bond indices.
 */
export function planChain(shape: number[], R: number[][], exclude: number): Chain {
  const N = shape.length;
  const order = shape.map((_, j) => j).filter((j) => j !== exclude);
  let T = coreLab(shape, R, order[0]);
  const steps: Step[] = [];
  let maxA = 0, maxB = 0, maxC = 0;
  for (let i = 1; i < order.length; i++) {
    const B = coreLab(shape, R, order[i]);
    const sharedA: number[] = [], freeA: number[] = [];
    T.labels.forEach((l, ax) => (B.labels.includes(l) ? sharedA : freeA).push(ax));
    const sharedB = sharedA.map((ax) => B.labels.indexOf(T.labels[ax]));
    const freeB = B.labels.map((_, ax) => ax).filter((ax) => !sharedB.includes(ax));
    const permA = [...freeA, ...sharedA], permB = [...sharedB, ...freeB];
    const m = prod(freeA.map((ax) => T.dims[ax])), s = prod(sharedA.map((ax) => T.dims[ax])), n = prod(freeB.map((ax) => B.dims[ax]));
    steps.push({ permA: isIdentity(permA) ? null : permA, permB: isIdentity(permB) ? null : permB, m, s, n, dimsA: T.dims, dimsB: B.dims });
    if (!isIdentity(permA)) maxA = Math.max(maxA, m * s);
    if (!isIdentity(permB)) maxB = Math.max(maxB, s * n);
    maxC = Math.max(maxC, m * n);
    T = {
      labels: [...freeA.map((ax) => T.labels[ax]), ...freeB.map((ax) => B.labels[ax])],
      dims: [...freeA.map((ax) => T.dims[ax]), ...freeB.map((ax) => B.dims[ax])],
    };
  }
  const target = [...order, ...(exclude >= 0 ? order.map((j) => bondLabel(N, j, exclude)) : [])];
  const finalPerm = target.map((l) => T.labels.indexOf(l));
  if (finalPerm.includes(-1) || finalPerm.length !== T.labels.length) throw internalError("network contraction left unexpected bonds");
  return { order, steps, finalDims: T.dims, finalPerm: isIdentity(finalPerm) ? null : finalPerm, maxA, maxB, maxC, size: prod(T.dims) };
}

/** Doubles of the scratch a chain takes (two ping-pong products and the permuted operands). */
export function chainScratch(c: Chain): number {
  return 2 * c.maxC + c.maxA + c.maxB;
}

/** out = X with axes permuted (kernel `permute`), unit axes dropped first; a copy when nothing moves. */
function permuteInto(ws: Workspace<TensorKernels>, dims: number[], perm: number[], X: Float64Array, out: Float64Array): void {
  const keep = dims.map((d) => d > 1);
  const newIndex: number[] = [];
  let c = 0;
  for (let k = 0; k < dims.length; k++) newIndex.push(keep[k] ? c++ : -1);
  const d = dims.filter((_, k) => keep[k]);
  const p = perm.filter((ax) => keep[ax]).map((ax) => newIndex[ax]);
  const size = prod(d);
  if (isIdentity(p)) {
    out.set(X.subarray(0, size));
    return;
  }
  ws.scoped(() => {
    const nd = d.length;
    const di = ws.i32(nd), pi = ws.i32(nd), scratch = ws.i32(3 * nd);
    for (let k = 0; k < nd; k++) {
      di[k] = d[k];
      pi[k] = p[k];
    }
    ws.kernels.permute(nd, di, pi, X, out, scratch);
  });
}

/** i32s and blocks {@link permuteInto} takes at most for tensors of `ndim` axes. */
export const permuteI32 = (ndim: number) => 5 * ndim;

/** Runs a planned chain on the cores' data into `out` (size c.size). */
export function runChain(ws: Workspace<TensorKernels>, c: Chain, cores: Float64Array[], scratch: Float64Array, out: Float64Array): void {
  const pa = scratch.subarray(0, c.maxA), pb = scratch.subarray(c.maxA, c.maxA + c.maxB);
  const res = [scratch.subarray(c.maxA + c.maxB, c.maxA + c.maxB + c.maxC), scratch.subarray(c.maxA + c.maxB + c.maxC)];
  let T = cores[c.order[0]];
  c.steps.forEach((st, i) => {
    let A = T, B = cores[c.order[i + 1]];
    if (st.permA) {
      permuteInto(ws, st.dimsA, st.permA, T, pa);
      A = pa;
    }
    if (st.permB) {
      permuteInto(ws, st.dimsB, st.permB, B, pb);
      B = pb;
    }
    const C = res[i % 2];
    ws.kernels.gemm(false, false, st.m, st.n, st.s, 1, A, st.s, B, st.n, 0, C, st.n);
    T = C;
  });
  if (c.finalPerm) permuteInto(ws, c.finalDims, c.finalPerm, T, out);
  else out.set(T.subarray(0, c.size));
}

/** Arena bytes {@link contractGeneral} needs. */
export function contractGeneralBytes(shape: number[], R: number[][]): number {
  const c = planChain(shape, R, -1);
  const coreSize = shape.reduce((a, _, k) => a + prod(coreShapeOf(shape, R, k)), 0);
  checkSizes("reconstruct", c.maxA, c.maxB, c.maxC, c.maxC, coreSize, c.size);
  return arenaBytes(chainScratch(c) + coreSize + c.size, permuteI32(shape.length * shape.length), 16 + shape.length);
}

/** The dense tensor (C order) of a general network, inside a workspace. O(Σ steps m s n). */
export function contractGeneral(ws: Workspace<TensorKernels>, shape: number[], R: number[][], cores: Float64Array[]): Float64Array {
  const c = planChain(shape, R, -1);
  const out = ws.f64(c.size);
  ws.scoped(() => runChain(ws, c, cores.map((g) => ws.input(g)), ws.f64(chainScratch(c)), out));
  return out;
}

