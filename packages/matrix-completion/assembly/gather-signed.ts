// The SRHT's first pass over one row regression's observations in
// robust-altmin: gathers the design D, forms the gradient g = Dᵀ(t - D x) at
// the warm start x, writes each observation's row with a random sign to H
// (the transform's input, assembly/hadamard.ts) and returns |t - D x|².
// Layout and rounding as assembly/gather-sketch.ts (g and the squared
// residual always in two sets, even and odd q). Twin: src/kernels/gather-signed.ts.
import { madd } from "../../linalg/assembly/simd";
import { CHUNK, lane2 } from "./normal-product";
import { mix32 } from "./sketch-hash";

/**
 * SRHT first pass: D and g as gatherSketch (g and |t - D x|² always in two
 * sets), and H's rows (kp apart) = ±d_q, the sign of observation (i, j) from
 * the row's key. Returns |t - D x|². buf: 2 CHUNK + kp doubles. O(cnt k).
 */
export function gatherSigned(
  cnt: i32, k: i32, start: i32, idx: usize, vals: usize, F: usize, D: usize, x: usize, g: usize, H: usize, key: u32, buf: usize,
): f64 {
  const nv = (k + 1) >> 1, odd = (k & 1) != 0;
  const row = <usize>nv << 4, frow = <usize>k << 3;
  const gb = buf + (<usize>CHUNK << 4);
  memory.fill(g, 0, row);
  memory.fill(gb, 0, row);
  let ra: f64 = 0, rb: f64 = 0;
  for (let q = 0; q < cnt; q++) {
    const j = load<i32>(idx + (<usize>(start + q) << 2));
    const src = F + <usize>j * frow, dq = D + <usize>q * row, hq = H + <usize>q * row;
    let a = f64x2.splat(0);
    for (let J = 0; J < nv; J++) {
      const o = <usize>J << 4;
      const d = odd && J == nv - 1 ? v128.load64_zero(src + o) : v128.load(src + o);
      v128.store(dq + o, d);
      a = madd(d, odd && J == nv - 1 ? v128.load64_zero(x + o) : v128.load(x + o), a);
    }
    const rs = load<f64>(vals + (<usize>(start + q) << 3)) - lane2(a);
    if (q & 1) rb += rs * rs;
    else ra += rs * rs;
    const r = f64x2.splat(rs);
    const neg = i64x2.splat(<i64>(mix32(key ^ <u32>j) & 1) << 63);
    const gq = q & 1 ? gb : g;
    for (let J = 0; J < nv; J++) {
      const o = <usize>J << 4;
      const d = v128.load(dq + o);
      v128.store(gq + o, madd(r, d, v128.load(gq + o)));
      v128.store(hq + o, v128.xor(d, neg));
    }
  }
  for (let o: usize = 0; o < row; o += 16) v128.store(g + o, f64x2.add(v128.load(g + o), v128.load(gb + o)));
  return ra + rb;
}
