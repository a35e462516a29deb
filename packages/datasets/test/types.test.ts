import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

// A browser user's TypeScript has no @types/node: the built declarations must
// compile with `types: []` and only the DOM and ES2022 libraries. The built
// .d.ts files of this package and of linalg are copied into a folder outside
// the workspace, so nothing can resolve a Node type by walking up to the
// workspace's node_modules. Needs the build (dist/) of both packages.

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = join(here, "..", "dist");
const linalgDist = join(here, "..", "..", "linalg", "dist");

function lay(pkgDir: string, name: string, from: string): void {
  const to = join(pkgDir, "node_modules", ...name.split("/"));
  mkdirSync(join(to, "dist"), { recursive: true });
  cpSync(join(from, "..", "package.json"), join(to, "package.json"));
  for (const f of readdirSync(from)) if (f.endsWith(".d.ts")) cpSync(join(from, f), join(to, "dist", f));
}

const app = mkdtempSync(join(tmpdir(), "lowrank-datasets-types-"));
afterAll(() => rmSync(app, { recursive: true, force: true }));

// One compiler host for every program here, caching parsed files: the DOM
// library alone takes seconds to parse, and it is the same for every check.
const parsed = new Map<string, ts.SourceFile | undefined>();
function host(options: ts.CompilerOptions): ts.CompilerHost {
  const base = ts.createCompilerHost(options);
  return {
    ...base,
    getSourceFile(fileName, languageVersion, onError, fresh) {
      const key = `${fileName}|${JSON.stringify(languageVersion)}`;
      if (fileName.startsWith(app) && !fileName.includes("node_modules")) return base.getSourceFile(fileName, languageVersion, onError, fresh);
      if (!parsed.has(key)) parsed.set(key, base.getSourceFile(fileName, languageVersion, onError, fresh));
      return parsed.get(key);
    },
  };
}

/** Diagnostics of a program over the given files (name to code), as "file: message" lines. */
function compile(files: Record<string, string>, resolution: "bundler" | "node16"): string[] {
  for (const [file, code] of Object.entries(files)) writeFileSync(join(app, file), code);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false, // our declarations are checked; the default libraries are not (slow, and not ours)
    skipDefaultLibCheck: true,
    types: [],
    lib: ["lib.dom.d.ts", "lib.es2022.d.ts"],
    target: ts.ScriptTarget.ES2022,
    ...(resolution === "bundler"
      ? { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }
      : { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }),
  };
  const program = ts.createProgram(Object.keys(files).map((f) => join(app, f)), options, host(options));
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(app.length)}: ` : "";
    return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
  });
}

const BROWSER_USE = `import { decodeImage, downsample, grayscale, lowRankMatrix, observe, tuckerTensor, cpTensor, ttTensor, trTensor,
  heavyTailedRegression, termDocumentMatrix, tokenize, regressionDesign, type TermDocumentMatrix, type LowRankMatrix } from "@lowrank/datasets";
const low: LowRankMatrix = lowRankMatrix(20, 10, 2, { seed: 1 });
const mask = observe(low.M, 0.5, { seed: 2 });
const td: TermDocumentMatrix = termDocumentMatrix(["a b", "b c"], { weighting: "tfidf" });
const img = decodeImage(new Uint8Array(8), { scale: 2 });
const small = downsample(grayscale(img), 2);
const tensors = [tuckerTensor([3, 4], [1, 2]).tensor, cpTensor([3, 4], 2).tensor, ttTensor([3, 4], 1).tensor, trTensor([3, 4], 1).tensor];
const design = regressionDesign([{ x: 1, y: 2 }], ["x"], "y");
const rows: number = mask.values.length + td.matrix.rows + small.rows + tensors.length + design.A.rows + tokenize("x").length;
export const n = rows + heavyTailedRegression(10, 2, { tail: "cauchy" }).b.length;
`;

const NODE_USE = `import { loadImage, loadSotu, loadSpamAssassin, loadBostonHousing, loadCpsWages, englishStopWords, IMAGE_NAMES,
  type ImageName, type SotuCorpus, lowRankMatrix } from "@lowrank/datasets/node";
const name: ImageName = IMAGE_NAMES[0];
const Y = loadImage(name, { grayscale: true });
const sotu: SotuCorpus = loadSotu({ range: [2000, 2001] });
export const n = Y.rows + sotu.years.length + loadSpamAssassin({ maxDocuments: 3 }).labels.length
  + loadBostonHousing().b.length + loadCpsWages({ logWage: true }).b.length + englishStopWords().size + lowRankMatrix(3, 3, 1).M.rows;
`;

describe("types without @types/node", () => {
  it("the built declarations are there (run the build first)", () => {
    expect(existsSync(join(dist, "index.d.ts"))).toBe(true);
    expect(existsSync(join(linalgDist, "index.d.ts"))).toBe(true);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "browser-user", private: true, type: "module" }));
    lay(app, "@lowrank/datasets", dist);
    lay(app, "@lowrank/linalg", linalgDist);
  });

  it("no declaration of the main entry names a Node type or module", () => {
    const text = readFileSync(join(dist, "index.d.ts"), "utf8");
    expect(text).not.toMatch(/\bBuffer\b|NodeJS\.|reference types="node"|from ["'](node:|fs|path|module|buffer)["'/]/);
    expect(text).not.toMatch(/from ["']@stdlib\//);
  });

  // The /node entry too: before the corpora became optional, their own typings (which need
  // @types/node) leaked into its declarations.
  it.each(["bundler", "node16"] as const)("the main and /node entries compile with types: [] and lib dom + es2022 (%s resolution)", (resolution) => {
    expect(compile({ [`main-${resolution}.ts`]: BROWSER_USE, [`node-${resolution}.ts`]: NODE_USE }, resolution)).toEqual([]);
  });

  it("the same setup does reject Node types, so the checks above can fail", () => {
    const errors = compile({ "control.ts": `export const b = Buffer.from("x");\n` }, "bundler");
    expect(errors.join("\n")).toMatch(/Cannot find name 'Buffer'/);
  });
});
