// Twin of assembly/bpmf-scales.ts: the rows' noise scales of BPMF's noise
// "scaled", Gamma draws by Marsaglia and Tsang's method on xoshiro128+ and the
// polar method, in the kernel's order of operations (the same bits).
import { logPositive, nextWord } from "./bpmf-normals.js";

/** 2^-31: a signed 32-bit integer to [-1, 1). */
const TWO_M31 = 1 / 2147483648;
/** 2^-32: an unsigned 32-bit integer plus 1/2 to (0, 1). */
const TWO_M32 = 1 / 4294967296;

/** See CompletionKernels.bpmfGammas (src/kernels/index.ts). O(n) expected. */
export function bpmfGammas(n: number, ptr: Int32Array, a: number, G: Float64Array, state: Int32Array): void {
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state.set([0x9e3779b9 | 0, 0x243f6a88, 0x85a308d3 | 0, 0x13198a2e]);
  let spare = 0, haveSpare = false;
  for (let i = 0; i < n; i++) {
    const dd = a + 0.5 * (ptr[i + 1] - ptr[i]) - 1 / 3, c = 1 / Math.sqrt(9 * dd);
    let g = 0;
    for (;;) {
      let x: number;
      if (haveSpare) {
        x = spare;
        haveSpare = false;
      } else {
        for (;;) {
          const u = nextWord(state) * TWO_M31, v = nextWord(state) * TWO_M31;
          const q = u * u + v * v;
          if (q > 0 && q < 1) {
            const f = Math.sqrt((-2 * logPositive(q)) / q);
            x = u * f;
            spare = v * f;
            haveSpare = true;
            break;
          }
        }
      }
      const t1 = 1 + c * x;
      if (t1 <= 0) continue;
      const v = t1 * t1 * t1;
      const u = ((nextWord(state) >>> 0) + 0.5) * TWO_M32;
      const x2 = x * x;
      if (u < 1 - 0.0331 * (x2 * x2) || logPositive(u) < 0.5 * x2 + dd - dd * v + dd * logPositive(v)) {
        g = dd * v;
        break;
      }
    }
    G[i] = g;
  }
}

/** See CompletionKernels.bpmfScaleRows (src/kernels/index.ts). O(n). */
export function bpmfScaleRows(n: number, G: Float64Array, err: Float64Array, alpha: number, a: number, tau: Float64Array, root: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const t = G[i] / (a + 0.5 * (alpha * err[2 * i]));
    tau[i] = t;
    root[i] = Math.sqrt(t);
  }
}
