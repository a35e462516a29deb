// Twin of assembly/hadamard.ts.

/** In-place unnormalised Walsh-Hadamard transform of the N (a power of two) rows of H (ld apart, k used). O(N k log N). */
export function hadamardRows(N: number, k: number, H: Float64Array, ld: number): void {
  for (let h = 1; h < N; h *= 2) {
    for (let i0 = 0; i0 < N; i0 += 2 * h) {
      for (let i = i0; i < i0 + h; i++) {
        const a = i * ld, b = (i + h) * ld;
        for (let c = 0; c < k; c++) {
          const x = H[a + c], y = H[b + c];
          H[a + c] = x + y;
          H[b + c] = x - y;
        }
      }
    }
  }
}
