// The four matrices the Lanczos method is checked against scipy's svds on
// (test/lanczos-reference.test.ts, bench/lanczos.bench.ts).
import type { CsrMatrix } from "@lowrank/linalg";
import { loadSotu, loadSpamAssassin } from "@lowrank/datasets/node";
import { maskedLowRank } from "./synthetic.js";

export const REFERENCE_NAMES = ["synthetic", "spam", "sotu-address", "sotu-paragraph"] as const;
export type ReferenceName = (typeof REFERENCE_NAMES)[number];

export function referenceMatrix(name: ReferenceName): CsrMatrix {
  switch (name) {
    case "synthetic": return maskedLowRank();
    case "spam": return loadSpamAssassin({ weighting: "tfidf", normalize: true, minDocumentFrequency: 3 }).matrix;
    case "sotu-address": return loadSotu({ unit: "address", weighting: "tfidf", normalize: true, minDocumentFrequency: 5 }).matrix;
    case "sotu-paragraph": return loadSotu({ unit: "paragraph", weighting: "tfidf", normalize: true, minDocumentFrequency: 5 }).matrix;
  }
}

export function referenceMatrices(): Record<ReferenceName, CsrMatrix> {
  return Object.fromEntries(REFERENCE_NAMES.map((n) => [n, referenceMatrix(n)])) as Record<ReferenceName, CsrMatrix>;
}
