// Child of real-ratings.bench.ts: the first default complete() in a fresh
// Node process. `init({ threads })`, then one fit of the ratings file (lines
// "user item rating", 1-based ids) of rows x cols; prints one JSON line with
// init's and the fit's wall ms and the fit's CPU ms (every thread of the
// process). Reads the package's built dist (run `pnpm build` first).
//
//   node first-fit-child.mjs <train file> <rows> <cols> <threads>
import { readFileSync } from "node:fs";
import { complete, init } from "../dist/index.js";

const [file, rows, cols, threads] = process.argv.slice(2);
const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
const train = {
  rows: Number(rows), cols: Number(cols), rowIndex: Int32Array.from(lines, (r) => r[0] - 1),
  colIndex: Int32Array.from(lines, (r) => r[1] - 1), values: Float64Array.from(lines, (r) => r[2]),
};
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t0 = performance.now();
await init({ threads: Number(threads) });
const t1 = performance.now(), c1 = cpu();
await complete(train, { threads: Number(threads) });
const t2 = performance.now();
console.log(JSON.stringify({ init: t1 - t0, ms: t2 - t1, cpu: cpu() - c1 }));
process.exit(0);
