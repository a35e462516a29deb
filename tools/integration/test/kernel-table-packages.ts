// Each package's own kernels and TypeScript kernel set for the conformance
// suite; linalg's kernels (in every binary) are in kernel-table-linalg.ts.
import { COMPLETION, jsCompletionKernels } from "./kernel-table-completion.js";
import { CSR_TASK, CSR_VECTOR } from "./kernel-table-csr.js";
import type { Entry } from "./kernel-table-linalg.js";
import { jsSensitivityKernels, SENSITIVITY } from "./kernel-table-sensitivity.js";
import { jsSvdUpdateKernels, SVD_UPDATE } from "./kernel-table-svd-update.js";
import { jsTensorKernels, TENSOR } from "./kernel-table-tensor.js";

export const PACKAGE_TABLES: Record<string, { table: Record<string, Entry>; js: object }> = {
  "matrix-completion": { table: { ...CSR_VECTOR, ...COMPLETION }, js: jsCompletionKernels },
  "sensitivity-sampling": { table: SENSITIVITY, js: jsSensitivityKernels },
  "svd-update": { table: { ...CSR_VECTOR, ...CSR_TASK, ...SVD_UPDATE }, js: jsSvdUpdateKernels },
  "tensor-network": { table: TENSOR, js: jsTensorKernels },
};
