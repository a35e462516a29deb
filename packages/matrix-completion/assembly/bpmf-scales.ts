// The rows' noise scales of BPMF's noise "scaled" (src/bpmf.ts): each a
// Gamma draw divided by its rate, the draw by Marsaglia and Tsang's method on the generator of
// assembly/bpmf-normals.ts (xoshiro128+, four 32-bit words kept by the
// caller; normals by the polar method with that file's logarithm). Only plain
// double operations and integer bit work, none fused, so the TypeScript twin
// (src/kernels/bpmf-scales.ts) produces the same bits.
import { fixZeroState, logPositive } from "./bpmf-normals";

/** 2^-31: a signed 32-bit integer to [-1, 1). */
const TWO_M31: f64 = 1.0 / 2147483648.0;
/** 2^-32: an unsigned 32-bit integer plus 1/2 to (0, 1). */
const TWO_M32: f64 = 1.0 / 4294967296.0;

/**
 * G[i] = a Gamma(a + c_i / 2) draw (scale 1) for i < n, c_i = ptr[i + 1] - ptr[i] (row i's observations), a >= 1: the
 * part of a noise scale's conditional that does not depend on the errors (bpmfScaleRows divides by the rate), so it
 * can be drawn while the half-step that computes the errors runs. Each draw: candidates x standard normal (polar
 * method, both of a pair used in turn), t = 1 + x / sqrt(9 dd), dd = shape - 1/3; with t > 0 and v = t³, u uniform on
 * (0, 1), accepted when u < 1 - 0.0331 x⁴ or ln u < x² / 2 + dd - dd v + dd ln v; the draw is dd v. `state` (four u32,
 * seeded by the caller; all zero is replaced by fixed words) is advanced. O(n) expected.
 */
export function bpmfGammas(n: i32, ptr: usize, a: f64, G: usize, state: usize): void {
  fixZeroState(state);
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  let spare: f64 = 0, haveSpare = false;
  for (let i = 0; i < n; i++) {
    const count = load<i32>(ptr + (<usize>(i + 1) << 2)) - load<i32>(ptr + (<usize>i << 2));
    const dd = a + 0.5 * <f64>count - 1.0 / 3.0, c = 1.0 / Math.sqrt(9.0 * dd);
    let g: f64 = 0;
    while (true) {
      // A standard normal: the spare of the last pair, or a new pair by the polar method.
      let x: f64 = 0;
      if (haveSpare) {
        x = spare;
        haveSpare = false;
      } else {
        while (true) {
          let r = s0 + s3, t = s1 << 9;
          s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
          const u = <f64><i32>r * TWO_M31;
          r = s0 + s3; t = s1 << 9;
          s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
          const v = <f64><i32>r * TWO_M31;
          const q = u * u + v * v;
          if (q > 0 && q < 1) {
            const f = Math.sqrt((-2.0 * logPositive(q)) / q);
            x = u * f;
            spare = v * f;
            haveSpare = true;
            break;
          }
        }
      }
      const t1 = 1.0 + c * x;
      if (t1 <= 0) continue;
      const v = t1 * t1 * t1;
      const r = s0 + s3, t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
      const u = (<f64>r + 0.5) * TWO_M32;
      const x2 = x * x;
      if (u < 1.0 - 0.0331 * (x2 * x2) || logPositive(u) < 0.5 * x2 + dd - dd * v + dd * logPositive(v)) {
        g = dd * v;
        break;
      }
    }
    store<f64>(G + (<usize>i << 3), g);
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}

/**
 * tau[i] = G[i] / (a + alpha err[2i] / 2) and root[i] = sqrt(tau[i]) for i < n: the noise scales' conditional draws
 * (G from bpmfGammas, err each row's weighted squared error) and their square roots, which weight the other side's
 * half-step. O(n).
 */
export function bpmfScaleRows(n: i32, G: usize, err: usize, alpha: f64, a: f64, tau: usize, root: usize): void {
  for (let i = 0; i < n; i++) {
    const t = load<f64>(G + (<usize>i << 3)) / (a + 0.5 * (alpha * load<f64>(err + (<usize>i << 4))));
    store<f64>(tau + (<usize>i << 3), t);
    store<f64>(root + (<usize>i << 3), Math.sqrt(t));
  }
}
