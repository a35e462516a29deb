// Entry point of @lowrank/sensitivity-sampling's WASM module: linalg's kernels
// (QR, Jacobi SVD, Cholesky, triangular solves, GEMM, PRNG) plus this package's.
export * from "../../linalg/assembly/index";
export { rowNormsSq, rowNormsOfProduct } from "./rows";
export { countSketch, countSketchShort, countSketchDraw, srhtColumns } from "./sketch";
export { weightedGram, gramBand, lewisUpdate, lewisUpdateGram } from "./lewis-update";
export { irlsRows, sumAbsPow } from "./irls-rows";
export { tallQrR, stackQrR } from "./tallqr";
export { onlineLeverage, onlineLewis } from "./online-update";
export { rowTaskRows, rowNormsTask, stackQrPieces, stackQrTask, lewisTask, sketchGroups, countSketchTask, gramGroups, gramBandStart, weightedGramTask, stackQrLanes, stackQrLaneTask } from "./tasks";
