import { describe, expect, it } from "vitest";
import { loadSotu, loadSpamAssassin } from "../src/node.js";
import { paragraphs } from "../src/node/sotu.js";
import { expectLowrankError } from "./helpers/expect-error.js";

function checkCsr(m: { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; data: Float64Array }): void {
  expect(m.indptr.length).toBe(m.rows + 1);
  expect(m.indptr[m.rows]).toBe(m.indices.length);
  // One assertion per matrix, not per entry: SOTU has about 10^5 nonzeros.
  let bad = 0;
  for (let i = 0; i < m.rows; i++)
    for (let p = m.indptr[i]; p < m.indptr[i + 1]; p++) {
      if (m.indices[p] < 0 || m.indices[p] >= m.cols) bad++;
      if (p > m.indptr[i] && m.indices[p] <= m.indices[p - 1]) bad++;
    }
  expect(bad).toBe(0);
}

describe("loadSotu", () => {
  const sotu = loadSotu({ weighting: "tfidf", normalize: true, minDocumentFrequency: 5 });

  it("has more than 200 addresses ordered by year, one row each", () => {
    const { matrix, years, presidents, parties, vocabulary } = sotu;
    expect(matrix.rows).toBeGreaterThan(200);
    expect(years.length).toBe(matrix.rows);
    expect(presidents.length).toBe(matrix.rows);
    expect(parties.length).toBe(matrix.rows);
    for (let i = 1; i < years.length; i++) expect(years[i]).toBeGreaterThanOrEqual(years[i - 1]);
    expect(years[0]).toBe(1790);
    expect(presidents[0]).toBe("George Washington");
    expect(vocabulary.length).toBe(matrix.cols);
    expect(vocabulary).not.toContain("the");
    expect(vocabulary).toContain("constitution");
    checkCsr(matrix);
  });

  it("has unit rows under tf-idf with normalize", () => {
    const { matrix } = sotu;
    for (let i = 0; i < matrix.rows; i++) {
      let ss = 0;
      for (let p = matrix.indptr[i]; p < matrix.indptr[i + 1]; p++) ss += matrix.data[p] ** 2;
      expect(ss).toBeCloseTo(1, 12);
    }
    for (const f of sotu.documentFrequency) expect(f).toBeGreaterThanOrEqual(5);
  });

  it("restricts to a year range and caps the vocabulary", () => {
    const { matrix, years, vocabulary } = loadSotu({ range: [2009, 2016], maxVocabulary: 500, stopWords: false });
    expect(matrix.rows).toBe(8);
    expect(Array.from(years)).toEqual([2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016]);
    expect(vocabulary.length).toBe(500);
    expect(vocabulary).toContain("the");
    expectLowrankError(() => loadSotu({ range: [1700, 1710] }), "EMPTY");
  });
});

describe("loadSotu paragraphs", () => {
  it("splits addresses into runs of whole sentences with the address's labels, in reading order", () => {
    const byAddress = loadSotu({ range: [2009, 2012], stopWords: false });
    const para = loadSotu({ range: [2009, 2012], stopWords: false, unit: "paragraph", paragraphWords: 100 });
    const { matrix, address, years, presidents } = para;
    expect(matrix.rows).toBeGreaterThan(4 * 20);
    expect(address.length).toBe(matrix.rows);
    expect(Array.from(byAddress.address)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < address.length; i++) expect(address[i] - address[i - 1]).toBeGreaterThanOrEqual(0);
    expect(new Set(address).size).toBe(4);
    for (let i = 0; i < matrix.rows; i++) {
      expect(years[i]).toBe(byAddress.years[address[i]]);
      expect(presidents[i]).toBe("Barack Obama");
    }
    // Same vocabulary and the same total counts: paragraphs partition each address's tokens.
    expect(para.vocabulary).toEqual(byAddress.vocabulary);
    const total = (m: typeof matrix) => m.data.reduce((s, v) => s + v, 0);
    expect(total(matrix)).toBe(total(byAddress.matrix));
    checkCsr(matrix);
  });

  it("makes paragraphs of at least paragraphWords words, ending at a sentence end", () => {
    const text = "One two three. Four five six! Seven eight? Nine ten eleven twelve. Thirteen.";
    expect(paragraphs(text, 5)).toEqual(["One two three. Four five six!", "Seven eight? Nine ten eleven twelve. Thirteen."]);
    expect(paragraphs(text, 100)).toEqual([text]);
    expect(paragraphs("A b c d e f. G.", 3)).toEqual(["A b c d e f. G."]);
  });

  it("rejects an unknown unit or a bad paragraphWords", () => {
    expectLowrankError(() => loadSotu({ range: [2020, 2021], unit: "sentence" as "paragraph" }), "INVALID_ARGUMENT");
    expectLowrankError(() => loadSotu({ range: [2020, 2021], unit: "paragraph", paragraphWords: 0 }), "INVALID_ARGUMENT");
  });
});

describe("loadSpamAssassin", () => {
  it("loads a seeded subset with spam/ham labels", () => {
    const a = loadSpamAssassin({ maxDocuments: 300, seed: 1, minDocumentFrequency: 2 });
    expect(a.matrix.rows).toBe(300);
    expect(a.labels.length).toBe(300);
    expect(a.vocabulary.length).toBe(a.matrix.cols);
    checkCsr(a.matrix);
    for (let i = 0; i < 300; i++) expect(a.labels[i]).toBe(a.groups[i].startsWith("spam") ? 1 : 0);
    const spam = a.labels.reduce((s, v) => s + v, 0);
    // 1896 of 6046 messages are spam: expect roughly 31% in a uniform subset.
    expect(spam).toBeGreaterThan(60);
    expect(spam).toBeLessThan(130);
    const b = loadSpamAssassin({ maxDocuments: 300, seed: 1, minDocumentFrequency: 2 });
    expect(b.ids).toEqual(a.ids);
    expect(loadSpamAssassin({ maxDocuments: 300, seed: 2, minDocumentFrequency: 2 }).ids).not.toEqual(a.ids);
    expectLowrankError(() => loadSpamAssassin({ maxDocuments: 0 }), "INVALID_ARGUMENT");
  });
});
