import { englishStopWords } from "./stopwords.js";

/** Stop-word choice of the corpus loaders: true = English list (default), false = none, or your own list. */
export type StopWordOption = boolean | Iterable<string>;

export function resolveStopWords(option: StopWordOption | undefined): Iterable<string> | undefined {
  if (option === undefined || option === true) return englishStopWords();
  if (option === false) return undefined;
  return option;
}
