// Base64 (RFC 4648, standard alphabet, padded) of byte arrays, by table: the
// engines' btoa/atob go through binary strings one character at a time and
// take seconds on tens of megabytes in Node; these run in one pass over typed
// arrays. Used by serialize.ts.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENC = new Uint8Array(64);
const DEC = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) {
  ENC[i] = ALPHABET.charCodeAt(i);
  DEC[ALPHABET.charCodeAt(i)] = i;
}
const PAD = 61; // "="
const ascii = new TextDecoder(); // the output is ASCII, which UTF-8 reads as is
const utf8 = new TextEncoder();

/** The padded base64 text of `bytes`. O(n). */
export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length, full = n - (n % 3);
  const out = new Uint8Array(4 * Math.ceil(n / 3));
  let o = 0;
  for (let i = 0; i < full; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = ENC[v >>> 18];
    out[o++] = ENC[(v >>> 12) & 63];
    out[o++] = ENC[(v >>> 6) & 63];
    out[o++] = ENC[v & 63];
  }
  if (n > full) {
    const two = n - full === 2;
    const v = (bytes[full] << 16) | (two ? bytes[full + 1] << 8 : 0);
    out[o++] = ENC[v >>> 18];
    out[o++] = ENC[(v >>> 12) & 63];
    out[o++] = two ? ENC[(v >>> 6) & 63] : PAD;
    out[o++] = PAD;
  }
  return ascii.decode(out);
}

/**
 * The bytes of base64 text (standard alphabet; the trailing "=" padding may be
 * left out), or null when the text is not base64: a character outside the
 * alphabet, padding before the end, or a length no encoding has. O(n).
 */
export function decodeBase64(text: string): Uint8Array | null {
  // UTF-8 bytes: the alphabet is ASCII, and any other character becomes bytes
  // of 128 and above, which the table refuses.
  const s = utf8.encode(text);
  let n = s.length;
  if (n % 4 === 0 && n > 0 && s[n - 1] === PAD) n -= s[n - 2] === PAD ? 2 : 1;
  const rest = n % 4;
  if (rest === 1) return null;
  const full = n - rest;
  const out = new Uint8Array((full / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = DEC[s[i]], b = DEC[s[i + 1]], c = DEC[s[i + 2]], d = DEC[s[i + 3]];
    if ((a | b | c | d) === 255) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (rest > 0) {
    const a = DEC[s[full]], b = DEC[s[full + 1]], c = rest === 3 ? DEC[s[full + 2]] : 0;
    if ((a | b | c) === 255) return null;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >>> 16;
    if (rest === 3) out[o++] = (v >>> 8) & 255;
  }
  return out;
}
