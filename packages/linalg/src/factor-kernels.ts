/**
 * Factorisation kernels (QR, SVD, eigh, Cholesky, triangular solves): the
 * interface and its plain-TypeScript reference. Mirrored by assembly/*.ts.
 */
export interface FactorKernels {}

export const jsFactorKernels: FactorKernels = {};
