// Recipes of the export fuzz for matrix-completion, svd-update, tensor-network
// and sensitivity-sampling (fuzz-exports-recipes.ts holds the format).
import * as MC from "@lowrank/matrix-completion";
import * as SP from "@lowrank/matrix-completion/spark";
import * as SU from "@lowrank/svd-update";
import * as TN from "@lowrank/tensor-network";
import * as SS from "@lowrank/sensitivity-sampling";
import { svd } from "@lowrank/linalg";
import { C, I, M, N, O, S, T, V, X, csr, matrix, plainMatrix, tensor, type Recipe } from "./fuzz-exports-recipes.js";
import type { Gen } from "./fuzz-exports-values.js";

const MCP = "@lowrank/matrix-completion", SU_ = "@lowrank/svd-update", TNP = "@lowrank/tensor-network", SSP = "@lowrank/sensitivity-sampling";

/** Objects built once (in beforeAll) that recipes pass as arguments without changing them. */
export interface Fixtures {
  model: MC.CompletionModel;
  tt: TN.TensorNetwork;
  tt2: TN.TensorNetwork;
  tuckerD: TN.TuckerDecomposition;
  sparkFiles: Map<string, Uint8Array>;
  evolving: SU.EvolvingSvd;
}

export function observations(g: Gen, rows = g.int(2, 8), cols = g.int(2, 8)) {
  const rowIndex: number[] = [], colIndex: number[] = [], values: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    if (g.chance(0.6) || j === i % cols || i === j % rows) { rowIndex.push(i); colIndex.push(j); values.push(1 + 4 * g.uniform()); }
  }
  return { rows, cols, rowIndex, colIndex, values: g.chance(0.5) ? Float64Array.from(values) : values };
}

export async function makeFixtures(): Promise<Fixtures> {
  const g = (await import("./fuzz-exports-values.js")).Gen;
  const gen = new g(7);
  const model = await MC.complete(observations(gen, 6, 5), { rank: 2, lambda: 0.1, maxIter: 5 });
  const X3 = { shape: [3, 4, 3], data: plainMatrix(gen, 1, 36, 0).data };
  const tt = await TN.tensorTrain(X3, { maxRank: 2 });
  const tt2 = await TN.tensorTrain({ shape: [3, 4, 3], data: plainMatrix(gen, 1, 36, 0).data }, { maxRank: 2 });
  const tuckerD = await TN.tucker(X3, { rank: [2, 2, 2] });
  const evolving = await SU.EvolvingSvd.create(plainMatrix(gen, 6, 5, 0), { rank: 2, seed: 1 });
  return { model, tt, tt2, tuckerD, sparkFiles: SP.writeSparkAls(model, { dropBiases: true }), evolving };
}

const pick = <T>(g: Gen, xs: T[]) => g.pick(xs);
const LONG = { long: true } as const;

export function packageRecipes(fx: () => Fixtures): Recipe[] {
  const evolving = async (g: Gen, backend: "js" | "wasm") =>
    SU.EvolvingSvd.create(plainMatrix(g, 6, 5, 0), { rank: 2, backend, seed: 1, keepMatrix: g.chance(0.3) });
  return [
    // ---- matrix-completion
    { target: `${MCP} complete`, slots: (g, backend) => {
      const o = observations(g);
      const method = pick(g, ["als", "altmin", "robust-altmin", "bpmf"]);
      return [X(o, [null, {}, { ...o, rowIndex: o.rowIndex.map((v) => v + 0.5) }, { ...o, values: o.values.map(() => NaN) }, { ...o, rows: 1e9, cols: 1e9 }, { ...o, colIndex: [...o.colIndex.slice(1), 1e6] }]),
        O({ backend, rank: 1, method, maxIter: 4, ...(method === "als" ? { lambda: 0.1 } : {}), ...(method === "robust-altmin" ? { sketchSize: 3 } : {}), ...(method === "bpmf" ? { burnIn: 1 } : {}) }, { long: true, ints: ["rank", "maxIter"] })];
    } },
    { target: `${MCP} foldIn`, slots: (g) => [X(fx().model, [null, {}, "m"]), X({ colIndex: [0, g.int(1, 4)], values: [g.normal(), 3] }, [null, {}, { colIndex: [0, 99], values: [1, 2] }, { colIndex: [0.5], values: [1] }, { colIndex: [0], values: [NaN] }, { colIndex: [0, 1], values: [1] }])] },
    { target: `${MCP} compress`, slots: (g, backend) => [X(fx().model, [null, {}, "m"]), O({ backend, tol: 0.5 * g.uniform() })] },
    { target: `${MCP} rmse`, slots: (g) => [X(fx().model, [null, {}]), X({ ...observations(g, 6, 5) }, [null, {}, { rows: 6, cols: 5, rowIndex: [9], colIndex: [0], values: [1] }])] },
    { target: `${MCP} trainTestSplit`, slots: (g) => [X(observations(g), [null, "x", { rows: 2, cols: 2, rowIndex: [0], colIndex: [0], values: [NaN] }]), O({ fraction: g.uniform(), seed: g.u32() })] },
    { target: `${MCP} parseRatings`, slots: (g) => [X(pick(g, ["1 2 3\n2 3 4\n", "a,b,5\nc,b,1\n", "1::2::3.5\n"]), [null, 5, {}]), O({})] },
    { target: `${MCP} CompletionModel#predict`, self: () => fx().model, slots: (g) => [I(g.int(0, 5), [-1, 6, 1.5, NaN, "1", null]), I(g.int(0, 4), [-1, 5, 1.5, NaN])] },
    { target: `${MCP} CompletionModel#predictMany`, self: () => fx().model, slots: (g) => [V([0, g.int(0, 5)], [[0, 9], [0.5], [NaN]]), V([1, g.int(0, 4)], [[0, -1], [1e9]])] },
    { target: `${MCP} CompletionModel#recommend`, self: () => fx().model, slots: (g) => [I(g.int(0, 5), [-1, 6, 1.5, NaN]), I(g.int(1, 5), [-1, 1.5, NaN]), O({})] },
    { target: `${MCP} CompletionModel.fromJSON`, slots: () => [X(fx().model.toJSON(), [null, "{", "{}", 5, { ...fx().model.toJSON(), rows: -1 }])] },
    { target: `${MCP} CompletionModel.fromBytes`, slots: (g) => [X(fx().model.toBytes(), [null, new Uint8Array(3), "x", fx().model.toBytes().subarray(0, 20 + g.int(0, 9))])] },
    { target: "@lowrank/matrix-completion/spark readSparkAls", nonFinite: (p) => p === ".residual", slots: () => [X(fx().sparkFiles, [null, new Map(), {}, "x"]), O({})] },
    { target: "@lowrank/matrix-completion/spark writeSparkAls", slots: () => [X(fx().model, [null, {}, "m"]), O({ dropBiases: true })] },
    // ---- svd-update
    { target: `${SU_} truncatedSvd`, slots: (g, backend) => {
      const m = g.int(2, 12), n = g.int(2, 10);
      return [g.chance(0.3) ? C(csr(g, m, n, 0.7)) : M(matrix(g, m, n)), O({ backend, rank: g.int(1, Math.min(m, n)), method: pick(g, ["lanczos", "randomized"]), seed: 3 }, { long: true, ints: ["rank"] })];
    } },
    { target: `${SU_} svdResiduals`, slots: (g, backend) => {
      const A = plainMatrix(g, 5, 4, 0), f = svd(A), { U, V: Vm } = f;
      return [M(A), X(f, [null, {}, { U, s: [1], V: Vm }, { U: Vm, s: f.s, V: U }]), O({ backend })];
    } },
    { target: `${SU_} singularValueError`, slots: (g) => [V([3, 2, g.uniform()]), V([3, 2, 1])] },
    { target: `${SU_} EvolvingSvd.create`, slots: (g, backend) => [M(matrix(g, g.int(2, 8), g.int(2, 8))), O({ backend, rank: 1 + g.int(0, 1), seed: 2 }, { long: true, ints: ["rank"] })] },
    { target: `${SU_} EvolvingSvd#addRows`, self: evolving, rare: 2, slots: (g) => [M(matrix(g, g.int(1, 3), 5))] },
    { target: `${SU_} EvolvingSvd#addColumns`, self: evolving, rare: 2, slots: (g) => [M(matrix(g, 6, g.int(1, 3)))] },
    { target: `${SU_} EvolvingSvd#addRowsAsync`, self: evolving, rare: 2, slots: (g) => [M(matrix(g, g.int(1, 3), 5)), O({}, LONG)] },
    { target: `${SU_} EvolvingSvd#updateWeights`, self: evolving, rare: 2, slots: (g) => [M(matrix(g, 6, 2)), M(matrix(g, 5, 2))] },
    { target: `${SU_} EvolvingSvd#row`, self: evolving, rare: 2, slots: (g) => [I(g.int(0, 5), [-1, 6, 1.5, NaN, "1"])] },
    { target: `${SU_} EvolvingSvd.fromFactors`, slots: (g, backend) => [X(svd(plainMatrix(g, 5, 3, 0)), [null, {}, { U: [], s: [], V: [] }]), O({ backend })] },
    { target: `${SU_} EvolvingSvd.load`, rare: 2, slots: (g, backend) => [X(fx().evolving.save(), [null, "{", "{}", 5, {}]), O({ backend })] },
    { target: `${SU_} EvolvingSvd.fromBytes`, rare: 2, slots: (g, backend) => [X(fx().evolving.toBytes(), [null, new Uint8Array(4), fx().evolving.toBytes().subarray(0, 30), "x"]), O({ backend })] },
    { target: `${SU_} EvolvingSvd#updateWeightsAsync`, self: evolving, rare: 2, slots: (g) => [M(matrix(g, 6, 2)), M(matrix(g, 5, 2)), O({}, LONG)] },
    { target: `${SU_} EvolvingSvd#addColumnsAsync`, self: evolving, rare: 2, slots: (g) => [M(matrix(g, 6, g.int(1, 2))), O({}, LONG)] },
    { target: `${MCP} CompletionModel#withIds`, self: () => fx().model, slots: () => [X({ rowIds: ["a", "b", "c", "d", "e", "f"], colIds: ["1", "2", "3", "4", "5"] }, [null, 5, { rowIds: ["a"], colIds: ["1"] }, { rowIds: [1, 2, 3, 4, 5, 6], colIds: ["1", "2", "3", "4", "5"] }])] },
    { target: "@lowrank/matrix-completion/spark readSparkAlsMetadata", slots: () => [X(fx().sparkFiles, [null, new Map(), {}, "x"])] },
    // ---- tensor-network
    { target: `${TNP} tucker`, slots: (g, backend) => [T(tensor(g, [3, g.int(2, 4), 3])), O({ backend, rank: [2, 2, 2], method: pick(g, ["hosvd", "st-hosvd", "hooi"]), maxIter: 3 }, LONG)] },
    { target: `${TNP} cp`, slots: (g, backend) => [T(tensor(g, [3, g.int(2, 4), 2])), O({ backend, rank: g.int(1, 2), maxIter: 4 }, { long: true, ints: ["rank", "maxIter"] })] },
    { target: `${TNP} tensorTrain`, slots: (g, backend) => [T(tensor(g, [g.int(1, 4), 3, g.int(1, 3)])), O({ backend, maxRank: g.int(1, 3) }, { long: true, ints: ["maxRank"] })] },
    { target: `${TNP} tensorRing`, slots: (g, backend) => [T(tensor(g, [3, g.int(2, 3), 3])), O({ backend, rank: [1, 2, 2], method: "svd" }, LONG)] },
    { target: `${TNP} unfold`, slots: (g) => [T(tensor(g, [2, g.int(1, 3), 3])), I(g.int(0, 2), [-1, 3, 1.5, NaN, "0"])] },
    { target: `${TNP} fold`, slots: (g) => [M(matrix(g, 2, 9)), I(0, [-1, 3, 1.5, NaN]), X([2, 3, 3], [[2, 3], [2, -3, 3], null, "x"])] },
    { target: `${TNP} norm`, slots: (g) => [T(tensor(g, [2, 3, 2]))] },
    { target: `${TNP} relativeError`, slots: (g) => [T(tensor(g, [2, 3, 2])), T(tensor(g, [2, 3, 2]), [{ shape: [2, 2, 2], data: new Float64Array(8) }])] },
    { target: `${TNP} modeProduct`, slots: (g, backend) => [T(tensor(g, [2, 3, 2])), M(matrix(g, 4, 3)), I(1, [-1, 3, 0, 1.5, NaN]), O({ backend })] },
    { target: `${TNP} reconstruct`, slots: (g, backend) => [X(g.chance(0.5) ? fx().tt : fx().tuckerD, [null, {}, { kind: "tensor-network", cores: [] }, { cores: [{ shape: [1, 2, 3], data: new Float64Array(6) }, { shape: [2, 2, 1], data: new Float64Array(4) }] }]), O({ backend })] },
    { target: `${TNP} ttDot`, slots: (g, backend) => [X(fx().tt, [null, {}]), X(fx().tt2, [null, fx().tuckerD]), O({ backend })] },
    { target: `${TNP} ttNorm`, slots: (g, backend) => [X(fx().tt, [null, {}, 5]), O({ backend })] },
    { target: `${TNP} ttAdd`, slots: () => [X(fx().tt, [null, {}]), X(fx().tt2, [null, {}])] },
    { target: `${TNP} ttScale`, slots: (g) => [X(fx().tt, [null, {}]), N(g.normal(), [NaN, Infinity, "2"])] },
    { target: `${TNP} ttRound`, slots: (g, backend) => [X(fx().tt, [null, {}]), O({ backend, eps: 1e-3 })] },
    { target: `${TNP} parameterCount`, slots: () => [X(fx().tuckerD, [null, {}, 5])] },
    { target: `${TNP} serialize`, slots: () => [X(fx().tt, [null, 5, "x"])] },
    { target: `${TNP} deserialize`, slots: () => [X(TN.serialize(fx().tt), [null, "{", "{}", 5, {}])] },
    { target: `${TNP} coreShape`, rare: 3, slots: (g, backend) => [T(tensor(g, [3, 3, 3])), O({ backend, budget: 15 }, LONG)] },
    { target: `${TNP} compressionRatio`, slots: () => [X(fx().tt, [null, {}, 5])] },
    // ---- sensitivity-sampling
    { target: `${SSP} serialize`, slots: (g) => [X({ scores: plainMatrix(g, 1, 4, 0).data, n: 4 }, [null, 5, "x", []]), X("leverage")] },
    { target: `${SSP} deserialize`, slots: (g) => [X(SS.serialize({ scores: plainMatrix(g, 1, 4, 0).data }, "leverage"), [null, "{", "{}", 5, {}])] },
    { target: `${SSP} OnlineLewisSampler.create`, slots: (g, backend) => [S(g.int(1, 5), [0, 1e6, 1e9]), O({ backend, seed: 1, p: pick(g, [1, 1.5, 3]) }, { ints: ["batchSize"] })] },
    { target: `${SSP} leverageScores`, slots: (g, backend) => [M(matrix(g, g.int(3, 12), g.int(1, 3))), O({ backend, method: pick(g, ["qr", "sketch"]), seed: 1 }, { ints: ["sketchSize", "threads"] })] },
    { target: `${SSP} leverageScoresAsync`, slots: (g, backend) => [M(matrix(g, g.int(3, 12), g.int(1, 3))), O({ backend }, LONG)] },
    { target: `${SSP} rootLeverageScores`, slots: (g, backend) => [M(matrix(g, g.int(3, 12), g.int(1, 3))), N(pick(g, [1, 1.5, 3]), [0, -1, NaN, Infinity, "1"]), O({ backend })] },
    { target: `${SSP} lewisWeights`, slots: (g, backend) => [M(matrix(g, g.int(3, 12), g.int(1, 3))), N(pick(g, [1, 1.5, 3]), [0, -1, NaN, Infinity, "1"]), O({ backend, maxIter: 20 }, { long: true, ints: ["maxIter", "sketchSize"] })] },
    { target: `${SSP} lpSensitivities`, slots: (g, backend) => [M(matrix(g, g.int(4, 12), g.int(1, 3))), N(pick(g, [1, 2, 3]), [0, -1, NaN, Infinity]), O({ backend }, LONG)] },
    { target: `${SSP} sample`, slots: (g) => [V(Array.from({ length: g.int(1, 9) }, () => g.uniform() + 0.01), [[-1, 1], [NaN, 1], []]), S(g.int(1, 5), [0, 1e9]), O({ seed: 2, replacement: true })] },
    { target: `${SSP} coreset`, slots: (g, backend) => {
      const n = g.int(4, 12), d = g.int(1, 3);
      return [M(matrix(g, n, d)), V(plainMatrix(g, 1, n).data), O({ backend, m: g.int(1, n), p: pick(g, [1, 2]), seed: 3 }, { long: true, ints: ["m"] })];
    } },
    { target: `${SSP} lpRegression`, slots: (g, backend) => {
      const n = g.int(4, 12), d = g.int(1, 3);
      return [M(matrix(g, n, d)), V(plainMatrix(g, 1, n).data), N(pick(g, [1, 1.5, 2, 3]), [0, -1, NaN, Infinity]), O({ backend, maxIter: 20 }, { long: true, ints: ["maxIter"] })];
    } },
    { target: `${SSP} lpObjective`, slots: (g) => {
      const n = g.int(2, 8), d = g.int(1, 3);
      return [M(matrix(g, n, d)), V(plainMatrix(g, 1, n).data), V(plainMatrix(g, 1, d).data), N(pick(g, [1, 2, 3]), [0, -1, NaN, Infinity])];
    } },
    { target: `${SSP} projectionBounds`, slots: (g) => [I(g.int(2, 1000), [0, -1, 1.5, Infinity]), I(g.int(0, 50), [-1, 1.5, Infinity]), N(0.1, [0, 1, -1, NaN, Infinity])] },
    { target: `${SSP} srhtSize`, slots: (g) => [I(g.int(2, 1000), [0, -1, 1.5, Infinity]), I(g.int(1, 50), [0, -1, 1.5, Infinity])] },
    { target: `${SSP} onlineLewisWeight`, slots: (g) => [N(g.uniform(), [-1, NaN, Infinity]), N(pick(g, [1, 2, 3]), [0, -1, NaN, Infinity])] },
    { target: `${SSP} OnlineLeverageSampler.create`, slots: (g, backend) => [S(g.int(1, 5), [0, 1e6, 1e9]), O({ backend, seed: 1, batchSize: 4 }, { ints: ["batchSize"] })] },
    { target: `${SSP} OnlineLeverageSampler#push`, self: (g, backend) => SS.OnlineLeverageSampler.create(3, { backend, seed: g.u32() }), slots: (g) => [M(matrix(g, g.int(1, 5), 3))] },
    { target: `${SSP} OnlineLewisSampler#push`, self: (g, backend) => SS.OnlineLewisSampler.create(3, { backend, seed: g.u32(), p: 1 }), slots: (g) => [M(matrix(g, g.int(1, 5), 3))] },
  ];
}

export { C, N, V };
