// Decompositions as the entry points read them, and their sizes. Every
// decomposition passed in is read whole first (`readDecomposition`): parts
// in any accepted form, finite, and with consistent shapes, or a SHAPE /
// INVALID_ARGUMENT error naming the part. The read form names its kind as
// the decomposition's `kind` field does.
import { asMatrix, asTensor, asVector, checkResultVersion, LowrankError, RESULT_VERSION, type DenseMatrix, type Tensor } from "@lowrank/linalg";
import { readGeneral } from "./general-network.js";
import type { DecompositionKind, DecompositionLike } from "./types.js";
import { prod } from "./validate.js";

/** A decomposition read and checked: its kind, its dense shape and its parts as plain arrays. */
export type ReadDecomposition =
  | { kind: "tucker"; shape: number[]; core: Tensor; factors: DenseMatrix[] }
  | { kind: "cp"; shape: number[]; weights: Float64Array; factors: DenseMatrix[] }
  | { kind: "tensor-network"; shape: number[]; cores: Tensor[]; ranks: number[] }
  | { kind: "general-network"; shape: number[]; cores: Tensor[]; edgeRanks: number[][] };

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function partList(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw new LowrankError("INVALID_ARGUMENT", `${what} must be an array`);
  if (x.length === 0) throw new LowrankError("SHAPE", `${what} must not be empty`);
  return x;
}

/**
 * Tensor-train / tensor-ring cores checked: each [r_k, I_k, r_{k+1}] with
 * r_{k+1} the next core's first rank (the last closes the ring), finite;
 * `ranks`, when given, must list those ranks. Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE, TOO_LARGE.
 */
export function readNetwork(T: unknown, name: string): { shape: number[]; cores: Tensor[]; ranks: number[] } {
  if (!isObject(T) || !("cores" in T)) throw new LowrankError("INVALID_ARGUMENT", `${name} must be a tensor train or ring { cores, ranks }`);
  const cores = partList(T.cores, `${name}.cores`).map((c, k) => asTensor(c, `${name}.cores[${k}]`, { order: 3 }));
  const N = cores.length;
  for (let k = 0; k < N; k++) {
    if (cores[k].shape[2] !== cores[(k + 1) % N].shape[0]) {
      throw new LowrankError(
        "SHAPE",
        `${name}.cores[${k}] has shape [${cores[k].shape}] but the next core starts with rank ${cores[(k + 1) % N].shape[0]}: cores must be [r_k, I_k, r_{k+1}] (the last closes the ring)`,
      );
    }
  }
  const ranks = [...cores.map((c) => c.shape[0]), cores[N - 1].shape[2]];
  if (T.ranks !== undefined) {
    const given = T.ranks;
    if (!Array.isArray(given) || given.length !== N + 1 || given.some((r, k) => r !== ranks[k])) {
      throw new LowrankError("SHAPE", `${name}.ranks must be the cores' bond ranks [${ranks.join(", ")}]`);
    }
  }
  return { shape: cores.map((c) => c.shape[1]), cores, ranks };
}

/**
 * Reads any decomposition this package produces, in any accepted form of
 * its parts, and checks it whole: finite parts (NON_FINITE), consistent
 * shapes (SHAPE), the right kinds of value (INVALID_ARGUMENT). O(parameters).
 */
export function readDecomposition(d: unknown, name = "decomposition"): ReadDecomposition {
  if (!isObject(d)) {
    throw new LowrankError("INVALID_ARGUMENT", `${name} must be a Tucker { core, factors }, CP { weights, factors } or tensor-network { cores } decomposition`);
  }
  // Dispatch on `kind` when the decomposition carries one (deserialize adds it); objects without one (built by
  // hand or by earlier versions) are told apart by their fields.
  checkResultVersion(d, RESULT_VERSION, "@lowrank/tensor-network", name);
  const kind = typeof d.kind === "string" ? d.kind : undefined;
  if (kind !== undefined && !(KINDS as string[]).includes(kind)) {
    throw new LowrankError("INVALID_ARGUMENT", `${name}.kind ${JSON.stringify(kind)} is not one of ${KINDS.join(", ")}`);
  }
  if (kind === "tucker" || (kind === undefined && "core" in d)) {
    const core = asTensor(d.core, `${name}.core`);
    const raw = partList(d.factors, `${name}.factors`);
    if (raw.length !== core.shape.length) {
      throw new LowrankError("SHAPE", `Tucker: ${core.shape.length} core modes need as many factors, got ${raw.length}`);
    }
    const factors = raw.map((f, k) => {
      const F = asMatrix(f, `${name}.factors[${k}]`);
      if (F.cols !== core.shape[k]) throw new LowrankError("SHAPE", `factors[${k}] has ${F.cols} columns, core mode ${k} has ${core.shape[k]}`);
      return F;
    });
    return { kind: "tucker", shape: factors.map((f) => f.rows), core, factors };
  }
  if (kind === "general-network" || (kind === undefined && "edgeRanks" in d)) return { kind: "general-network", ...readGeneral(d, name) };
  if (kind === "cp" || (kind === undefined && "weights" in d)) {
    const weights = asVector(d.weights, `${name}.weights`);
    const R = weights.length;
    const factors = partList(d.factors, `${name}.factors`).map((f, k) => {
      const F = asMatrix(f, `${name}.factors[${k}]`);
      if (F.cols !== R) throw new LowrankError("SHAPE", `factors[${k}] has ${F.cols} columns, weights has ${R}`);
      return F;
    });
    return { kind: "cp", shape: factors.map((f) => f.rows), weights, factors };
  }
  if (kind === "tensor-network" || (kind === undefined && "cores" in d)) return { kind: "tensor-network", ...readNetwork(d, name) };
  throw new LowrankError("INVALID_ARGUMENT", `${name} must have { core, factors }, { weights, factors }, { cores } or { edgeRanks, cores }`);
}

const KINDS: DecompositionKind[] = ["tucker", "cp", "tensor-network", "general-network"];

function parameters(p: ReadDecomposition): number {
  if (p.kind === "tucker") return p.core.data.length + p.factors.reduce((a, f) => a + f.data.length, 0);
  if (p.kind === "cp") return p.weights.length + p.factors.reduce((a, f) => a + f.data.length, 0);
  return p.cores.reduce((a, c) => a + c.data.length, 0);
}

/**
 * Number of stored values: Tucker Π r_n + Σ I_n r_n, CP R (1 + Σ I_n),
 * TT/TR Σ r_k I_k r_{k+1}, general networks Σ_k I_k Π_{j≠k} R_kj. O(parameters):
 * the decomposition is checked first. Errors: INVALID_ARGUMENT, SHAPE, EMPTY, NON_FINITE.
 *
 * @example
 * parameterCount(await tucker(X, { rank: 5 })); // 125 + 5 ΣI_n
 */
export function parameterCount(d: DecompositionLike): number {
  return parameters(readDecomposition(d));
}

/**
 * Entries of the dense tensor over {@link parameterCount}: how many times
 * smaller the decomposition is. O(parameters). Errors as {@link parameterCount}.
 *
 * @example
 * compressionRatio(await tensorTrain(X, { eps: 1e-3 })); // e.g. 41.7
 */
export function compressionRatio(d: DecompositionLike): number {
  const p = readDecomposition(d);
  return prod(p.shape) / parameters(p);
}
