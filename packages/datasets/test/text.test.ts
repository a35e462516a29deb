import { describe, expect, it } from "vitest";
import { termDocumentMatrix, tokenize } from "../src/index.js";
import { expectLowrankError } from "./helpers/expect-error.js";

describe("tokenize", () => {
  it("lower-cases, drops possessives, short tokens, numbers and stop words", () => {
    expect(tokenize("The Nation\u2019s strength, in 1790 a don't.", { stopWords: ["the", "in"] })).toEqual([
      "nation",
      "strength",
      "don't",
    ]);
  });

  it("keeps case and numbers when asked", () => {
    expect(tokenize("Year 1790 AD", { lowercase: false, numbers: true })).toEqual(["Year", "1790", "AD"]);
  });
});

describe("termDocumentMatrix", () => {
  const docs = ["low rank low", "rank one update", "update update"];

  it("counts terms with documents as rows and a sorted vocabulary as columns", () => {
    const { matrix, vocabulary, documentFrequency } = termDocumentMatrix(docs);
    expect(vocabulary).toEqual(["low", "one", "rank", "update"]);
    expect(Array.from(documentFrequency)).toEqual([1, 1, 2, 2]);
    expect([matrix.rows, matrix.cols]).toEqual([3, 4]);
    expect(Array.from(matrix.indptr)).toEqual([0, 2, 5, 6]);
    expect(Array.from(matrix.indices)).toEqual([0, 2, 1, 2, 3, 3]);
    expect(Array.from(matrix.data)).toEqual([2, 1, 1, 1, 1, 2]);
  });

  it("applies smoothed tf-idf and L2 row normalisation", () => {
    const { matrix, idf } = termDocumentMatrix(docs, { weighting: "tfidf", normalize: true });
    expect(idf![0]).toBeCloseTo(Math.log(4 / 2) + 1, 14);
    expect(idf![2]).toBeCloseTo(Math.log(4 / 3) + 1, 14);
    const raw = [2 * idf![0], 1 * idf![2]];
    expect(matrix.data[0]).toBeCloseTo(raw[0] / Math.hypot(...raw), 14);
    for (let i = 0; i < 3; i++) {
      const row = matrix.data.subarray(matrix.indptr[i], matrix.indptr[i + 1]);
      expect(Math.hypot(...row)).toBeCloseTo(1, 14);
    }
  });

  it("filters by document frequency and caps the vocabulary by frequency", () => {
    expect(termDocumentMatrix(docs, { minDocumentFrequency: 2 }).vocabulary).toEqual(["rank", "update"]);
    // update: df 2, 3 occurrences; rank: df 2, 2 occurrences.
    expect(termDocumentMatrix(docs, { maxVocabulary: 1 }).vocabulary).toEqual(["update"]);
  });

  it("rejects empty or malformed input with LowrankError", () => {
    expectLowrankError(() => termDocumentMatrix([]), "EMPTY");
    expectLowrankError(() => termDocumentMatrix(["a b"]), "EMPTY");
    expectLowrankError(() => termDocumentMatrix([1 as unknown as string]), "INVALID_ARGUMENT");
    expectLowrankError(() => termDocumentMatrix(docs, { weighting: "bm25" as "count" }), "INVALID_ARGUMENT");
    expectLowrankError(() => termDocumentMatrix(docs, { minDocumentFrequency: 0 }), "INVALID_ARGUMENT");
  });
});
