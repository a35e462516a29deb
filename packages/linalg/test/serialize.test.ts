// The JSON-safe typed-array form every package's save/serialize uses: base64
// of the little-endian bytes, checked against Node's own base64 and for exact
// round trips (NaN payloads and -0 included).
import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../src/base64.js";
import { decodeTypedArrays, encodeTypedArrays } from "../src/serialize.js";
import { Rng } from "../src/rng.js";

function randomBytes(n: number, rng: Rng): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rng.uniform() * 256);
  return b;
}

describe("base64", () => {
  it("matches Node's encoder and round-trips every length 0..400, padded or not", () => {
    const rng = new Rng(5);
    for (let n = 0; n <= 400; n++) {
      const b = randomBytes(n, rng);
      const text = encodeBase64(b);
      expect(text).toBe(Buffer.from(b).toString("base64"));
      expect(Array.from(decodeBase64(text)!)).toEqual(Array.from(b));
      expect(Array.from(decodeBase64(text.replace(/=+$/, ""))!)).toEqual(Array.from(b));
    }
  });

  it("refuses text that is not base64", () => {
    for (const s of ["A", "AAAAA", "AB=C", "A===", "@@@@", "AAAA=", "AAÅA", "=AAA", "AA AA", "AAA€"]) expect(decodeBase64(s), s).toBeNull();
  });
});

describe("encodeTypedArrays / decodeTypedArrays", () => {
  it("round-trip every typed array kind bit for bit through JSON", () => {
    const rng = new Rng(9);
    const f = new Float64Array([0, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, Math.PI]);
    new DataView(f.buffer).setUint32(16, 0x7ff80001, true); // a NaN with a payload
    const data = {
      f, g: new Float32Array([1.5, -0, 3e38]), i: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 7]),
      u: new Uint8Array(randomBytes(1001, rng)), nested: [{ x: new Uint16Array([1, 65535]) }], n: 3, s: "kept",
    };
    const back = decodeTypedArrays(JSON.parse(JSON.stringify(encodeTypedArrays(data)))) as typeof data;
    expect(back.f).toBeInstanceOf(Float64Array);
    expect(Array.from(new Uint8Array(back.f.buffer))).toEqual(Array.from(new Uint8Array(f.buffer)));
    expect(Object.is(back.g[1], -0)).toBe(true);
    expect(Array.from(back.i)).toEqual(Array.from(data.i));
    expect(Array.from(back.u)).toEqual(Array.from(data.u));
    expect(back.nested[0].x).toBeInstanceOf(Uint16Array);
    expect(back.n).toBe(3);
    expect(back.s).toBe("kept");
  });

  it("refuses damaged entries with INVALID_ARGUMENT", () => {
    const code = (x: unknown) => {
      try {
        decodeTypedArrays(x);
        return "none";
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(code({ $typed: "Float64Array", base64: "AAAA" })).toBe("INVALID_ARGUMENT"); // 3 bytes
    expect(code({ $typed: "Float64Array", base64: "AA*AAAAAAAA=" })).toBe("INVALID_ARGUMENT");
    expect(code({ $typed: "BigInt64Array", base64: "" })).toBe("INVALID_ARGUMENT");
    expect(code({ $typed: "Float64Array", base64: 5 })).toBe("INVALID_ARGUMENT");
  });
});
