// R of a tall n x w matrix without streaming it once per column: the rows are
// taken in chunks, each stacked under the current R and reduced by linalg's
// Householder QR in a buffer that stays in cache (the TSQR flat tree, Demmel,
// Grigori, Hoemmen and Langou, SISC 2012). Mirrored in src/kernels.ts.
import { householderQr } from "../../linalg/assembly/qr";

/**
 * R (w x w, upper triangular, leading dimension w) with Mᵀ M = Rᵀ R for M
 * (n x w, leading dimension ldm). buf holds (w + chunk) x w doubles, tau w,
 * work w. R's rows may differ in sign from a direct QR (R is unique up to them).
 */
export function tallQrR(n: i32, w: i32, M: usize, ldm: i32, chunk: i32, R: usize, buf: usize, tau: usize, work: usize): void {
  const rowBytes = <usize>w << 3;
  memory.fill(R, 0, rowBytes * <usize>w);
  for (let start = 0; start < n; start += chunk) {
    const c = min(chunk, n - start);
    memory.copy(buf, R, rowBytes * <usize>w);
    for (let i = 0; i < c; i++) {
      memory.copy(buf + rowBytes * <usize>(w + i), M + ((<usize>(start + i) * <usize>ldm) << 3), rowBytes);
    }
    householderQr(w + c, w, buf, w, tau, work);
    // Keep the triangle, dropping the reflectors stored below the diagonal.
    for (let i = 0; i < w; i++) {
      const row = R + rowBytes * <usize>i;
      memory.fill(row, 0, <usize>i << 3);
      memory.copy(row + (<usize>i << 3), buf + rowBytes * <usize>i + (<usize>i << 3), <usize>(w - i) << 3);
    }
  }
}
