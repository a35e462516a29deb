// The in-place Walsh-Hadamard transform of a block of rows, the mixing step
// of the SRHT sketch (random signs, this transform, then s sampled rows).
// Twin: src/kernels/hadamard.ts.

/**
 * In-place unnormalised Walsh-Hadamard transform of the N (a power of two)
 * rows of H (ld doubles apart, k used): butterflies (a, b) -> (a + b, a - b)
 * on whole rows. O(N k log N).
 */
export function hadamardRows(N: i32, k: i32, H: usize, ld: i32): void {
  const row = <usize>ld << 3;
  for (let h = 1; h < N; h <<= 1) {
    for (let i0 = 0; i0 < N; i0 += h << 1) {
      for (let i = i0; i < i0 + h; i++) {
        const a = H + <usize>i * row, b = a + <usize>h * row;
        let c = 0;
        for (; c + 2 <= k; c += 2) {
          const o = <usize>c << 3;
          const x = v128.load(a + o), y = v128.load(b + o);
          v128.store(a + o, f64x2.add(x, y));
          v128.store(b + o, f64x2.sub(x, y));
        }
        if (c < k) {
          const o = <usize>c << 3;
          const x = load<f64>(a + o), y = load<f64>(b + o);
          store<f64>(a + o, x + y);
          store<f64>(b + o, x - y);
        }
      }
    }
  }
}
