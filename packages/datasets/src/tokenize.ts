import { LowrankError, opt, readOptions } from "@lowrank/linalg";
import { stringListCheck } from "./validate.js";

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Lower-case every token (default true). */
  lowercase?: boolean;
  /** Drop tokens shorter than this many characters (default 2). */
  minLength?: number;
  /** Keep runs of digits as tokens (default false: numbers are dropped). */
  numbers?: boolean;
  /** Tokens to drop, compared in lower case (default none). */
  stopWords?: Iterable<string>;
}

const WORD = /\p{L}+(?:'\p{L}+)*/gu;
const WORD_OR_NUMBER = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;

/**
 * Splits text into word tokens: maximal runs of Unicode letters (and digits
 * with `numbers`), keeping inner apostrophes ("don't") but dropping the
 * possessive "'s", which would otherwise split "nation" and "nation's" into
 * two terms. Typographic apostrophes are read as ASCII ones.
 *
 * Complexity: O(length of text).
 *
 * @example
 * tokenize("The Nation's strength, in 1790.", { stopWords: ["the", "in"] }); // ["nation", "strength"]
 */
export function tokenize(text: string, options?: TokenizeOptions): string[] {
  if (typeof text !== "string") throw new LowrankError("INVALID_ARGUMENT", `tokenize: text must be a string, got ${text === null ? "null" : typeof text}`);
  return tokenizeChecked(text, readOptions("tokenize", options, TOKENIZE_OPTIONS));
}

/** The options of {@link tokenize}, also part of the term-document and corpus options. */
export const TOKENIZE_OPTIONS = {
  lowercase: opt.boolean(),
  minLength: opt.int({ min: 0 }),
  numbers: opt.boolean(),
  stopWords: stringListCheck(),
};

/** {@link tokenize} on checked arguments (termDocumentMatrix checks once, then tokenizes every document). */
export function tokenizeChecked(text: string, options: TokenizeOptions): string[] {
  const lowercase = options.lowercase ?? true;
  const minLength = options.minLength ?? 2;
  const stop = stopWordSet(options.stopWords);
  const re = options.numbers ? WORD_OR_NUMBER : WORD;
  const out: string[] = [];
  for (const m of text.replace(/\u2019/g, "'").matchAll(re)) {
    let t = m[0];
    if (t.endsWith("'s") || t.endsWith("'S")) t = t.slice(0, -2);
    if (t.length < minLength) continue;
    const lower = t.toLowerCase();
    if (stop && stop.has(lower)) continue;
    out.push(lowercase ? lower : t);
  }
  return out;
}

// Callers pass the same list for thousands of documents; reuse the Set when it already is one.
function stopWordSet(words: Iterable<string> | undefined): ReadonlySet<string> | undefined {
  if (!words) return undefined;
  if (words instanceof Set) return words;
  return new Set(Array.from(words, (w) => w.toLowerCase()));
}
