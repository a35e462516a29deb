// Runs one package's bench files in this process, one after another, so their
// numbers come from the same process and engine state. Started by run.mjs as
//   node --experimental-wasm-relaxed-simd --expose-gc --import tsx child.mjs FILE...
// A bench file does its work at top level (or in an async default export) and
// reports through lib.mjs. A file that throws is reported and the others still run;
// the exit code is then 1.
import { pathToFileURL } from "node:url";
import { MARKER } from "./lib.mjs";

let failed = false;
for (const file of process.argv.slice(2)) {
  process.stdout.write(MARKER + JSON.stringify({ kind: "file", file }) + "\n");
  try {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.default === "function") await mod.default();
  } catch (err) {
    failed = true;
    const e = err instanceof Error ? err : new Error(String(err));
    process.stdout.write(MARKER + JSON.stringify({ kind: "error", file, message: e.message, stack: e.stack }) + "\n");
  }
}
process.exitCode = failed ? 1 : 0;
