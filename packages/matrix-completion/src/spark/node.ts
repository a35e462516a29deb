// Node helpers over readSparkAls / writeSparkAls: a model directory on disk.
// node:fs is imported when a helper is called, so this entry point loads in
// browsers too (where only readSparkAls and writeSparkAls apply).
import { LowrankError } from "@lowrank/linalg";
import type { CompletionModel } from "../model.js";
import { sparkError } from "./layout.js";
import { readSparkAls, type ReadSparkAlsOptions } from "./read.js";
import { writeSparkAls, type WriteSparkAlsOptions } from "./write.js";

const FOLDERS = ["metadata", "userFactors", "itemFactors"] as const;

type Fs = typeof import("node:fs/promises");

// A computed specifier, and the bundlers' ignore comments: a browser bundle of
// this entry neither resolves nor includes node:fs (webpack refuses to resolve it).
const FS_MODULE = "node:fs/promises";

async function nodeFs(where: string): Promise<Fs> {
  try {
    return (await import(/* webpackIgnore: true */ /* @vite-ignore */ FS_MODULE)) as Fs;
  } catch {
    throw sparkError("INVALID_ARGUMENT", where, "needs Node's file system; elsewhere use readSparkAls / writeSparkAls on a map of files");
  }
}

function checkDir(where: string, dir: unknown): string {
  if (typeof dir !== "string" || dir === "") throw sparkError("INVALID_ARGUMENT", where, `dir must be a non-empty path, got ${dir === null ? "null" : typeof dir}`);
  return dir.replace(/[\\/]+$/, "") || "/";
}

/**
 * readSparkAls on a directory written by Spark's `ALSModel.save(dir)` (a
 * local path: copy the directory from HDFS or object storage first). Only
 * metadata/, userFactors/ and itemFactors/ are read.
 *
 * @example
 * const model = await loadSparkAls("/models/als-2026-12");
 */
export async function loadSparkAls(dir: string, options: ReadSparkAlsOptions = {}): Promise<CompletionModel> {
  const where = "loadSparkAls";
  const root = checkDir(where, dir);
  const fs = await nodeFs(where);
  const files = new Map<string, Uint8Array>();
  for (const folder of FOLDERS) {
    let names: string[];
    try {
      names = (await fs.readdir(`${root}/${folder}`, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") continue; // readSparkAls names what is missing
      throw sparkError("INVALID_ARGUMENT", where, `cannot read ${root}/${folder} (${(e as Error).message})`);
    }
    for (const name of names) {
      if (name.startsWith("_") || name.startsWith(".")) continue;
      files.set(`${folder}/${name}`, await fs.readFile(`${root}/${folder}/${name}`));
    }
  }
  if (files.size === 0) throw sparkError("INVALID_ARGUMENT", where, `${root} holds no metadata/, userFactors/ or itemFactors/ files: not a saved Spark ALS model`);
  try {
    return await readSparkAls(files, options);
  } catch (e) {
    if (e instanceof LowrankError) throw sparkError(e.code, where, `${root}: ${e.message.replace(/^\[[A-Z_]+\] readSparkAls: /, "")}`);
    throw e;
  }
}

/** Options of {@link saveSparkAls}. */
export interface SaveSparkAlsOptions extends WriteSparkAlsOptions {
  /**
   * Replace the metadata/, userFactors/ and itemFactors/ folders of an
   * existing directory (default false: a directory that exists and is not
   * empty is refused, as Spark's save refuses an existing path).
   */
  overwrite?: boolean;
}

/**
 * writeSparkAls into a directory, which Spark's `ALSModel.load(dir)` reads.
 * The files are built (and the model checked) before anything is written.
 *
 * @example
 * await saveSparkAls(model, "/models/from-lowrank", { dropBiases: true });
 */
export async function saveSparkAls(model: CompletionModel, dir: string, options: SaveSparkAlsOptions = {}): Promise<void> {
  const where = "saveSparkAls";
  const root = checkDir(where, dir);
  if (options === null || typeof options !== "object") throw sparkError("INVALID_ARGUMENT", where, "options must be an object");
  const { overwrite, ...rest } = options;
  if (overwrite !== undefined && typeof overwrite !== "boolean") throw sparkError("INVALID_ARGUMENT", where, "overwrite must be true or false");
  const files = writeSparkAls(model, rest);
  const fs = await nodeFs(where);
  let existing: string[] | null = null;
  try {
    existing = await fs.readdir(root);
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") throw sparkError("INVALID_ARGUMENT", where, `cannot read ${root} (${(e as Error).message})`);
  }
  if (existing && existing.length > 0) {
    if (!overwrite) throw sparkError("INVALID_ARGUMENT", where, `${root} exists and is not empty; pass { overwrite: true } to replace its model folders`);
    for (const folder of FOLDERS) await fs.rm(`${root}/${folder}`, { recursive: true, force: true });
  }
  for (const folder of FOLDERS) await fs.mkdir(`${root}/${folder}`, { recursive: true });
  for (const [path, bytes] of files) await fs.writeFile(`${root}/${path}`, bytes);
}
