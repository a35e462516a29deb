// Recipes of the export fuzz: for an entry point, how to build one valid
// argument list (each argument tagged with its kind, so the harness knows what
// may replace it). Targets are "<module> <export>", "<module> <Class>.<static>"
// or "<module> <Class>#<method>" (an instance from `self`).
import * as L from "@lowrank/linalg";
import * as D from "@lowrank/datasets";
import { csr, Gen, matrix, plainMatrix, tensor } from "./fuzz-exports-values.js";

export type Backend = "js" | "wasm";
export type Kind = "matrix" | "tensor" | "vector" | "csr" | "size" | "int" | "num" | "opts" | "value";

export interface Slot {
  kind: Kind;
  value: unknown;
  /** Values that must be refused in this slot (besides the kind's pool). */
  bad?: readonly unknown[];
  /** Option keys that take positive integers (so -1 and 1.5 are refused). */
  ints?: readonly string[];
  /** The options include signal / onProgress (a long run). */
  long?: boolean;
}

export interface Recipe {
  target: string;
  slots(g: Gen, backend: Backend): Slot[];
  /** For "#method" targets: a fresh instance. */
  self?: (g: Gen, backend: Backend) => unknown;
  /** Output paths that may hold non-finite numbers by definition. */
  nonFinite?: (path: string) => boolean;
  /** Runs this many times less often (slow calls). */
  rare?: number;
}

export const M = (value: unknown, bad?: readonly unknown[]): Slot => ({ kind: "matrix", value, bad });
export const T = (value: unknown, bad?: readonly unknown[]): Slot => ({ kind: "tensor", value, bad });
export const V = (value: unknown, bad?: readonly unknown[]): Slot => ({ kind: "vector", value, bad });
export const C = (value: unknown, bad?: readonly unknown[]): Slot => ({ kind: "csr", value, bad });
/** A size or rank: non-integers, negatives and 1e9-scale values are refused. */
export const S = (value: number, bad: readonly unknown[] = []): Slot => ({ kind: "size", value, bad });
/** An integer whose range the recipe gives through `bad`. */
export const I = (value: number, bad: readonly unknown[] = []): Slot => ({ kind: "int", value, bad });
export const N = (value: number, bad: readonly unknown[] = []): Slot => ({ kind: "num", value, bad });
export const O = (value: Record<string, unknown>, extra: Partial<Slot> = {}): Slot => ({ kind: "opts", value, ...extra });
export const X = (value: unknown, bad: readonly unknown[] = []): Slot => ({ kind: "value", value, bad });

const LA = "@lowrank/linalg";
const DS = "@lowrank/datasets";

function spd(g: Gen, n: number): L.DenseMatrix {
  const B = plainMatrix(g, n, n, 0);
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? n : 0;
    for (let q = 0; q < n; q++) s += B.data[i * n + q] * B.data[j * n + q];
    d[i * n + j] = s;
  }
  return { rows: n, cols: n, data: d };
}

function triangular(g: Gen, n: number): L.DenseMatrix {
  const A = plainMatrix(g, n, n, 0);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (j > i) A.data[i * n + j] = 0;
    if (i === j) A.data[i * n + j] = 2 + Math.abs(A.data[i * n + j]);
  }
  return A;
}

/** A right-hand side: a vector or a matrix of n rows (both accepted), refused when it is neither or has other rows. */
function rhs(g: Gen, n: number): Slot {
  const bad = [null, "x", {}, [1, NaN], new BigInt64Array(n), { length: 1e12 }, new Float64Array(n + 1), { rows: n + 1, cols: 1, data: new Float64Array(n + 1) }];
  return X(g.chance(0.5) ? matrix(g, n, g.int(1, 3)) : plainMatrix(g, 1, n).data, bad);
}

const dims = (g: Gen) => [g.int(1, 6), g.int(1, 6), g.int(1, 6)] as const;

export const LINALG_RECIPES: Recipe[] = [
  { target: `${LA} gemm`, slots: (g, backend) => {
    const [m, k, n] = dims(g), tA = g.chance(0.3), tB = g.chance(0.3);
    return [M(matrix(g, tA ? k : m, tA ? m : k)), M(matrix(g, tB ? n : k, tB ? k : n)),
      O({ backend, transA: tA, transB: tB, alpha: g.pick([1, -2.5, 0, 1e-300]), ...(g.chance(0.3) ? { beta: 0.5, C: matrix(g, m, n) } : {}) }, { ints: ["threads"] })];
  } },
  { target: `${LA} gemv`, slots: (g, backend) => {
    const [m, n] = dims(g), t = g.chance(0.5);
    return [M(matrix(g, m, n)), V(plainMatrix(g, 1, t ? m : n).data), O({ backend, trans: t, alpha: 1.5 })];
  } },
  { target: `${LA} dot`, slots: (g, backend) => {
    const n = g.int(1, 9);
    return [V(plainMatrix(g, 1, n).data), V(Array.from(plainMatrix(g, 1, n).data)), O({ backend })];
  } },
  { target: `${LA} axpy`, slots: (g, backend) => {
    const n = g.int(1, 9);
    return [N(g.normal()), V(plainMatrix(g, 1, n).data), V(plainMatrix(g, 1, n).data), O({ backend })];
  } },
  { target: `${LA} spmm`, slots: (g, backend) => {
    const [m, k, n] = dims(g);
    return [C(csr(g, m, k)), M(matrix(g, k, n)), O({ backend })];
  } },
  { target: `${LA} spmmT`, slots: (g, backend) => {
    const [m, k, n] = dims(g);
    return [C(csr(g, m, k)), M(matrix(g, m, n)), O({ backend })];
  } },
  { target: `${LA} qr`, slots: (g, backend) => [M(matrix(g, g.int(1, 8), g.int(1, 6))), O({ backend })] },
  { target: `${LA} svd`, slots: (g, backend) => {
    const m = g.int(1, 9), n = g.int(1, 7);
    return [M(matrix(g, m, n)), O({ backend, ...(g.chance(0.4) ? { k: g.int(1, Math.min(m, n)) } : {}), method: g.pick(["auto", "jacobi", "bidiagonal"]) }, { ints: ["k", "rank"] })];
  } },
  { target: `${LA} svdAsync`, slots: (g, backend) => [M(matrix(g, g.int(1, 9), g.int(1, 7))), O({ backend }, { long: true })] },
  { target: `${LA} eigh`, slots: (g, backend) => [M(spd(g, g.int(1, 7))), O({ backend, symmetryTol: 1e-8 })] },
  { target: `${LA} eighAsync`, slots: (g, backend) => [M(spd(g, g.int(1, 7))), O({ backend }, { long: true })] },
  { target: `${LA} cholesky`, slots: (g, backend) => [M(spd(g, g.int(1, 7))), O({ backend, symmetryTol: 1e-6 })] },
  { target: `${LA} solveTriangular`, slots: (g, backend) => {
    const n = g.int(1, 6);
    return [M(triangular(g, n)), rhs(g, n), O({ backend, lower: true })];
  } },
  { target: `${LA} lstsq`, slots: (g, backend) => {
    const m = g.int(2, 9), n = g.int(1, m);
    return [M(matrix(g, m, n)), rhs(g, m), O({ backend, rcond: 1e-12 })];
  } },
  { target: `${LA} writeMatrixMarket`, slots: (g) => [g.chance(0.5) ? C(csr(g, 3, 4)) : M(matrix(g, 3, 2))] },
  { target: `${LA} readMatrixMarket`, slots: (g) => [X(L.writeMatrixMarket(g.chance(0.5) ? csr(g, 3, 4) : plainMatrix(g, 2, 3, 0)), [
    null, 5, {}, "%%MatrixMarket matrix coordinate real general\n1000000000 1000000000 1\n1 1 1\n",
    "%%MatrixMarket matrix array real general\n4294967297 1\n1\n", "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n",
    "%%MatrixMarket matrix coordinate real general\n2 2 1\n1.5 1 1\n", "%%MatrixMarket matrix array real general\n2 2\n1\n2\nNaN\n4\n", "",
  ])] },
  { target: `${LA} createWorkspace`, slots: (g, backend) => [X(backend, ["gpu", 5, {}]), I(g.int(0, 4096), [-1, NaN, Infinity, "8", 2 ** 40, 1e308])] },
  { target: `${LA} Rng#int`, self: (g) => new L.Rng(g.u32()), slots: (g) => [I(g.int(1, 1000), [0, -1, 1.5, NaN, Infinity, "3", 2 ** 53])] },
  { target: `${LA} Rng#fillNormal`, self: (g) => new L.Rng(g.u32()), slots: (g) => [X(new Float64Array(g.int(0, 9)), [null, "x", new BigInt64Array(2), { length: 1e12 }, 5])] },
  { target: `${LA} Rng#fillUniform`, self: (g) => new L.Rng(g.u32()), slots: (g) => [X(new Float64Array(g.int(0, 9)), [null, "x", new BigInt64Array(2), { length: 1e12 }, 5])] },
  { target: `${LA} Rng#shuffle`, self: (g) => new L.Rng(g.u32()), slots: (g) => [X(Int32Array.from({ length: g.int(0, 9) }, (_, i) => i), [null, "x", { length: 1e12 }, 5])] },
  { target: `${LA} asMatrix`, slots: (g) => [M(matrix(g, g.int(1, 5), g.int(1, 5))), X("A")] },
  { target: `${LA} asTensor`, slots: (g) => [T(tensor(g, [g.int(1, 3), g.int(1, 3), g.int(1, 3)])), X("X")] },
  { target: `${LA} asVector`, slots: (g) => [V(Array.from(plainMatrix(g, 1, g.int(1, 6)).data)), X("x")] },
  { target: `${LA} asCsr`, slots: (g) => [C(csr(g, g.int(1, 4), g.int(1, 4))), X("A")] },
  { target: `${LA} asIndices`, slots: (g) => [V([0, 1, 2, g.int(0, 4)], [[0, 1.5], [0, -1], [0, 9], [NaN], new BigInt64Array(2)]), X("idx"), I(5, [-1, NaN, "5", null])] },
  { target: `${LA} checkSize`, slots: (g) => [S(g.int(0, 1000), [2 ** 40, 1e308]), X("count")] },
  { target: `${LA} checkDim`, slots: (g) => [I(g.int(0, 1000), [-1, 1.5, Infinity, 2 ** 40, 1e308]), X("n")] },
];

export const DATASETS_RECIPES: Recipe[] = [
  { target: `${DS} lowRankMatrix`, slots: (g) => {
    const m = g.int(1, 8), n = g.int(1, 8);
    return [S(m, [1e9, 2 ** 32 + 1, 0]), S(n, [1e9, 0]), S(g.int(1, Math.min(m, n)), [1e9, 0]), O({ seed: g.u32() })];
  } },
  // 1e9 rows of a few columns at a small fraction is a legal mask (up to 2^24 - 1 positions); 1e15 is not.
  { target: `${DS} observationMask`, slots: (g) => [I(g.int(1, 8), [0, -1, 1.5, 1e15]), I(g.int(1, 8), [0, -1, 1.5, 1e15]), N(g.uniform(), [-0.5, 1.5, NaN, Infinity, "0.5"]), O({ seed: g.u32() })] },
  { target: `${DS} observe`, slots: (g) => [M(matrix(g, g.int(1, 6), g.int(1, 6))), N(g.uniform(), [-0.5, 1.5, NaN, Infinity, "0.5"]), O({ seed: g.u32() })] },
  { target: `${DS} cpTensor`, slots: (g) => [X([g.int(1, 4), g.int(1, 4), g.int(1, 4)], [[2, -1, 2], [2, 1.5], [1e9, 1e9, 1e9], "x", null, []]), S(g.int(1, 3), [1e9, 2 ** 31]), O({ seed: g.u32() })] },
  { target: `${DS} tuckerTensor`, slots: (g) => [X([g.int(2, 4), g.int(2, 4), g.int(2, 4)], [[2, -1, 2], [1e9, 1e9, 1e9], null]), S(g.int(1, 2), [1e9, 0]), O({ seed: g.u32() })] },
  { target: `${DS} ttTensor`, slots: (g) => [X([g.int(2, 4), g.int(2, 4), g.int(2, 4)], [[2, -1, 2], [1e9, 1e9, 1e9], null]), S(g.int(1, 2), [1e9, 0]), O({ seed: g.u32() })] },
  { target: `${DS} trTensor`, slots: (g) => [X([g.int(2, 4), g.int(2, 4), g.int(2, 4)], [[2, -1, 2], [1e9, 1e9, 1e9], null]), S(g.int(1, 2), [1e9, 0]), O({ seed: g.u32() })] },
  { target: `${DS} heavyTailedRegression`, slots: (g) => [S(g.int(2, 30), [1e9, 0]), S(g.int(1, 4), [1e9, 0]), O({ seed: g.u32() })] },
  { target: `${DS} tokenize`, slots: (g) => [X(g.pick(["The quick brown fox", "a, b; c!", "", "ÉTÉ été"]), [null, 5, {}, [], Symbol("s")]), O({})] },
  { target: `${DS} termDocumentMatrix`, slots: (g) => [X(g.pick([["a b c", "b c d"], ["x"], ["one two", "two three", "three"]]), [null, "x", [1, 2], [null], {}]), O({})] },
  { target: `${DS} regressionDesign`, slots: (g) => [X([{ x: 1, y: 2, c: "a" }, { x: 2, y: 3, c: "b" }, { x: g.normal(), y: 1, c: "a" }], [null, "x", [null], [{ x: NaN, y: 1, c: "a" }]]), X(["x", "c"], [null, ["nope"], "x"]), X("y", [null, "nope", 5]), O({ intercept: true })] },
  { target: `${DS} grayscale`, slots: (g) => [T(tensor(g, [g.int(1, 4), g.int(1, 4), 3], 0))] },
  { target: `${DS} downsample`, slots: (g) => [M(plainMatrix(g, 4, 4, 0)), S(g.pick([1, 2]), [0, 1e9])] },
];

/** A fresh dense matrix of the given size, for recipes of other files. */
export { matrix, plainMatrix, spd, tensor, csr };
