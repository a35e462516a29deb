// Twin of assembly/bpmf-normals.ts: BPMF's standard normals by xoshiro128+
// and the polar method, with the kernel's own logarithm, in the kernel's
// order of operations (the same bits).

/** 2^-31: a signed 32-bit integer to [-1, 1). */
const TWO_M31 = 1 / 2147483648;
const word = new Float64Array(1), halves = new Uint32Array(word.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;

/** Next 32-bit output of xoshiro128+ on s (four u32 in an Int32Array), the state advanced. */
export function nextWord(s: Int32Array): number {
  const s0 = s[0], s1 = s[1], s3 = s[3];
  const r = (s0 + s3) | 0, t = s1 << 9;
  const s2 = s[2] ^ s0, t3 = s3 ^ s1;
  s[1] = s1 ^ s2;
  s[0] = s0 ^ t3;
  s[2] = s2 ^ t;
  s[3] = (t3 << 11) | (t3 >>> 21);
  return r;
}

/** ln x for a normal positive double, as the kernel computes it (range reduction, atanh series to s^17). */
export function logPositive(x: number): number {
  word[0] = x;
  const hi = halves[HI];
  let e = ((hi >>> 20) & 0x7ff) - 1023;
  halves[HI] = (hi & 0xfffff) | 0x3ff00000;
  let m = word[0];
  if (m > 1.4142135623730951) {
    m = m * 0.5;
    e++;
  }
  const s = (m - 1) / (m + 1), s2 = s * s;
  // c1 + c2 y + ... + c8 y^7 (c_i = 1 / (2i + 1), y = s²) by Estrin's scheme, as the kernel.
  const y2 = s2 * s2, y4 = y2 * y2;
  const pl = (1 / 3 + s2 * (1 / 5)) + y2 * (1 / 7 + s2 * (1 / 9));
  const ph = (1 / 11 + s2 * (1 / 13)) + y2 * (1 / 15 + s2 * (1 / 17));
  const p = s2 * (pl + y4 * ph);
  const ls = 2 * s + 2 * s * p;
  return e * 0.6931471805599453 + ls;
}

/** See CompletionKernels.bpmfNormals (src/kernels/index.ts). O(n) expected. */
export function bpmfNormals(n: number, out: Float64Array, state: Int32Array): void {
  // The all-zero state (xoshiro's fixed point) is replaced by the kernel's fixed words.
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state.set([0x9e3779b9 | 0, 0x243f6a88, 0x85a308d3 | 0, 0x13198a2e]);
  let i = 0;
  while (i < n) {
    // Two candidates a step, as the kernel's two lanes: (u, v) of a, then of b (signed 32-bit outputs).
    const ua = nextWord(state) * TWO_M31, va = nextWord(state) * TWO_M31, ub = nextWord(state) * TWO_M31, vb = nextWord(state) * TWO_M31;
    i = polar(ua, va, n, out, i);
    if (i < n) i = polar(ub, vb, n, out, i);
  }
}

/** One candidate: when 0 < q < 1, out[i], out[i + 1] (if below n) = u f, v f; returns the next free index. */
function polar(u: number, v: number, n: number, out: Float64Array, i: number): number {
  const q = u * u + v * v;
  if (!(q > 0 && q < 1)) return i;
  const f = Math.sqrt((-2 * logPositive(q)) / q);
  out[i] = u * f;
  if (i + 1 < n) out[i + 1] = v * f;
  return i + 2;
}
