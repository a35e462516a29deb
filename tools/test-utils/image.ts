// The photograph-completion checks the tensor-network tests and benchmark share: PSNR, and the 4-neighbour
// fill that every tensor format must beat with its defaults.

/** An H x W x C image in C order, values in [0, 1]. */
export interface Image {
  shape: number[];
  data: ArrayLike<number>;
}

/** PSNR (peak 1) of Y clipped to [0, 1] against X. */
export function psnr(X: Image, Y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < Y.length; i++) s += (Math.min(1, Math.max(0, Y[i])) - X.data[i]) ** 2;
  return 10 * Math.log10(Y.length / s);
}

/**
 * X with each missing pixel (known0[pixel] = 0) replaced by the mean of its observed 4-neighbours, or of the
 * already filled ones where none is observed, ring by ring until every pixel is filled.
 */
export function neighbourFill(X: Image, known0: Uint8Array): Float64Array {
  const [H, W, C] = X.shape;
  const Y = Float64Array.from(X.data, (v, i) => (known0[Math.floor(i / C)] ? v : 0));
  const known = Uint8Array.from(known0);
  for (let left = 1; left > 0; ) {
    left = 0;
    const filled: [number, number[]][] = [];
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        if (known[i * W + j]) continue;
        const s = new Array<number>(C).fill(0);
        let n = 0;
        for (const [a, b] of [[i - 1, j], [i + 1, j], [i, j - 1], [i, j + 1]]) {
          if (a < 0 || a >= H || b < 0 || b >= W || !known[a * W + b]) continue;
          n++;
          for (let c = 0; c < C; c++) s[c] += Y[(a * W + b) * C + c];
        }
        if (n > 0) filled.push([i * W + j, s.map((v) => v / n)]);
        else left++;
      }
    }
    for (const [p, s] of filled) {
      known[p] = 1;
      for (let c = 0; c < C; c++) Y[p * C + c] = s[c];
    }
  }
  return Y;
}
