// Power-of-two scaling against over- and underflow: linalg's (src/pow2-scale.ts there),
// shared with the Lanczos SVD that moved to linalg.
export { allFinite, checkRepresentable, flushTiny, maxAbs, scaleExponent, scaleInto, times2, workingCopy } from "@lowrank/linalg/kernels";
