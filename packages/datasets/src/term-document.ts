import { type CsrMatrix, LowrankError, opt, readOptions } from "@lowrank/linalg";
import { TOKENIZE_OPTIONS, type TokenizeOptions, tokenizeChecked } from "./tokenize.js";

/** The options of {@link termDocumentMatrix}. */
export const TERM_DOCUMENT_OPTIONS = {
  ...TOKENIZE_OPTIONS,
  minDocumentFrequency: opt.int({ min: 1 }),
  maxVocabulary: opt.int({ min: 1 }),
  weighting: opt.oneOf(["count", "tfidf"] as const),
  normalize: opt.boolean(),
};

/** Options of {@link termDocumentMatrix} (and of the corpus loaders). */
export interface TermDocumentOptions extends TokenizeOptions {
  /** Keep terms that occur in at least this many documents (default 1). */
  minDocumentFrequency?: number;
  /** Keep at most this many terms, the ones in most documents (ties: more occurrences, then code-unit order). Default: all. */
  maxVocabulary?: number;
  /**
   * "count" (default): raw term counts. "tfidf": count * (ln((1 + n) / (1 + df)) + 1),
   * the smoothed idf of scikit-learn's TfidfTransformer, with n documents and df
   * the term's document frequency.
   */
  weighting?: "count" | "tfidf";
  /** Scale every non-empty row to unit Euclidean norm, after weighting (default false). */
  normalize?: boolean;
}

/** A document-term matrix: documents are rows, terms are columns. */
export interface TermDocumentMatrix {
  /** documents x terms, column indices ascending within each row. */
  matrix: CsrMatrix;
  /** Column j's term; sorted by UTF-16 code unit (locale-independent). */
  vocabulary: string[];
  /** Number of documents containing each vocabulary term. */
  documentFrequency: Int32Array;
  /** The idf factor per term when `weighting` is "tfidf", else undefined. */
  idf?: Float64Array;
}

/**
 * Builds a sparse document-term matrix from raw texts (documents as rows,
 * terms as columns, so appending a document appends a row: the streaming
 * order of SVD updating). Browser-safe; the corpus loaders in
 * `@lowrank/datasets/node` are this function applied to npm data.
 *
 * Complexity: O(total text length + nnz log nnz) time, O(nnz + vocabulary) memory.
 *
 * @example
 * const { matrix, vocabulary } = termDocumentMatrix(["low rank", "rank one update"], { weighting: "tfidf", normalize: true });
 * // matrix.rows === 2, vocabulary = ["low", "one", "rank", "update"]
 */
export function termDocumentMatrix(documents: readonly string[], opts?: TermDocumentOptions): TermDocumentMatrix {
  const options = readOptions("termDocumentMatrix", opts, TERM_DOCUMENT_OPTIONS);
  if (!Array.isArray(documents)) throw new LowrankError("INVALID_ARGUMENT", "termDocumentMatrix: documents must be an array of strings");
  // An index loop, not .some(): holes in a sparse array are not strings either.
  for (let i = 0; i < documents.length; i++) {
    if (typeof documents[i] !== "string") throw new LowrankError("INVALID_ARGUMENT", `termDocumentMatrix: documents[${i}] is not a string`);
  }
  if (documents.length === 0) throw new LowrankError("EMPTY", "no documents");
  const minDf = options.minDocumentFrequency ?? 1;
  const maxVocab = options.maxVocabulary ?? Infinity;
  const weighting = options.weighting ?? "count";
  const tokenOptions: TokenizeOptions = {
    lowercase: options.lowercase,
    minLength: options.minLength,
    numbers: options.numbers,
    stopWords: options.stopWords ? new Set(Array.from(options.stopWords, (w) => w.toLowerCase())) : undefined,
  };

  const counts: Map<string, number>[] = [];
  const df = new Map<string, number>();
  const total = new Map<string, number>();
  for (const doc of documents) {
    const c = new Map<string, number>();
    for (const t of tokenizeChecked(doc, tokenOptions)) c.set(t, (c.get(t) ?? 0) + 1);
    for (const [t, k] of c) {
      df.set(t, (df.get(t) ?? 0) + 1);
      total.set(t, (total.get(t) ?? 0) + k);
    }
    counts.push(c);
  }

  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  let kept = [...df.keys()].filter((t) => df.get(t)! >= minDf);
  if (kept.length > maxVocab) {
    kept.sort((a, b) => df.get(b)! - df.get(a)! || total.get(b)! - total.get(a)! || byCode(a, b));
    kept = kept.slice(0, maxVocab);
  }
  const vocabulary = kept.sort(byCode);
  if (vocabulary.length === 0) throw new LowrankError("EMPTY", "no term survives tokenisation and the frequency filters");
  const column = new Map(vocabulary.map((t, j) => [t, j]));
  const documentFrequency = Int32Array.from(vocabulary, (t) => df.get(t)!);
  const n = documents.length;
  const idf = weighting === "tfidf" ? Float64Array.from(documentFrequency, (f) => Math.log((1 + n) / (1 + f)) + 1) : undefined;

  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (const t of counts[i].keys()) if (column.has(t)) k++;
    indptr[i + 1] = indptr[i] + k;
  }
  const indices = new Int32Array(indptr[n]);
  const data = new Float64Array(indptr[n]);
  for (let i = 0; i < n; i++) {
    const row: [number, number][] = [];
    for (const [t, k] of counts[i]) {
      const j = column.get(t);
      if (j !== undefined) row.push([j, idf ? k * idf[j] : k]);
    }
    row.sort((a, b) => a[0] - b[0]);
    let ss = 0;
    for (const [, v] of row) ss += v * v;
    const s = options.normalize && ss > 0 ? 1 / Math.sqrt(ss) : 1;
    for (let p = 0; p < row.length; p++) {
      indices[indptr[i] + p] = row[p][0];
      data[indptr[i] + p] = row[p][1] * s;
    }
  }
  return {
    matrix: { rows: n, cols: vocabulary.length, indptr, indices, data },
    vocabulary,
    documentFrequency,
    ...(idf ? { idf } : {}),
  };
}
