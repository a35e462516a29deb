// TypeScript twin of assembly/gemm-micro.ts: GEMM's MR x NR register tile on
// packed strips, summing in the WASM tile's order (each entry from zero over p
// in order, then added to C), so the simd build's tile is this one bit for bit.

/** Register tile rows and columns of the WASM micro-kernel. */
export const MR = 3;
export const NR = 6;

const acc = new Float64Array(MR * NR);

/**
 * C[c + i ldc + j] += sum over p < kc of Ap[ap + p MR + i] Bp[bp + p NR + j]
 * for i < h, j < w: the packed strips' product (Ap: MR values per step,
 * Bp: NR), each sum accumulated from zero in p order, then added. kc >= 1. O(MR NR kc).
 */
export function micro(
  kc: number, Ap: Float64Array, ap: number, Bp: Float64Array, bp: number,
  C: Float64Array, c: number, ldc: number, h: number, w: number,
): void {
  acc.fill(0);
  for (let p = 0; p < kc; p++) {
    for (let i = 0; i < MR; i++) for (let j = 0; j < NR; j++) acc[i * NR + j] += Ap[ap + p * MR + i] * Bp[bp + p * NR + j];
  }
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) C[c + i * ldc + j] += acc[i * NR + j];
}
