import { type OptionCheck, opt } from "@lowrank/linalg";
import { stringListCheck } from "../validate.js";
import { englishStopWords } from "./stopwords.js";

/** Check of the loaders' `stopWords`: true, false, or a list of strings. */
export const STOP_WORD_OPTION: OptionCheck<StopWordOption> = opt.either(opt.boolean(), stringListCheck(), "true, false or a list of strings");

/** Stop-word choice of the corpus loaders: true = English list (default), false = none, or your own list. */
export type StopWordOption = boolean | Iterable<string>;

export function resolveStopWords(option: StopWordOption | undefined): Iterable<string> | undefined {
  if (option === undefined || option === true) return englishStopWords();
  if (option === false) return undefined;
  return option;
}
