// First call against the 30th, right after `await init()`, each case in a
// fresh Node process (a cold engine every time), several processes per case.
//
//   node --no-concurrent-recompilation tools/bench/first-call.mjs [--runs 5] [--threads N] [case ...]
//
// Cases: svd (200 x 40), gemm (128), tucker (20³, rank 5), complete (100 x 80,
// 2000 ratings, rank 5, default method), leverage (2000 x 20). Each child
// awaits init() (default options unless --threads), then makes the same call
// 32 times and reports init's wall and CPU time, the first call and the
// median of calls 28-32, in wall time and in CPU time of the process (the
// CPU time includes V8's background compilation and the pool's workers). The
// table gives per case the medians over the processes, and the median of the
// per-process ratios first / 30th. Reads the packages' built dist (run
// `pnpm build` first). Prints the load average before and after.
import { spawnSync } from "node:child_process";
import { writeSync } from "node:fs";
import { ALL, probe, TABLE_HEAD, tableRow } from "./first-call-cases.mjs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const MARK = "@@first-call ";
const TRACE_FLAGS = ["--trace-opt", "--trace-deopt", "--trace-wasm-compilation-times"];
const dist = (p) => new URL(`../../packages/${p}/dist/index.js`, import.meta.url).href;

async function child(which, threads) {
  const pkgs = { linalg: await import(dist("linalg")) };
  for (const p of ["tensor-network", "matrix-completion", "sensitivity-sampling"]) {
    if ((which === "tucker" && p === "tensor-network") || (which === "complete" && p === "matrix-completion") || (which === "leverage" && p === "sensitivity-sampling")) pkgs[p] = await import(dist(p));
  }
  const internal = await import(new URL("../../packages/linalg/dist/internal.js", import.meta.url).href);
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  // For diagnosis: FIRST_CALL_SLEEP=ms idles between init() and the first call.
  const r = await probe(which, pkgs, internal, { threads, cpu, mark: (m) => writeSync(1, `${MARK}${m}\n`), sleep: Number(process.env.FIRST_CALL_SLEEP ?? 0) });
  console.log(JSON.stringify(r));
}

function parent(args) {
  let runs = 5, threads, trace = false;
  const which = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--runs") runs = Number(args[++i]);
    else if (args[i] === "--threads") threads = args[++i];
    else if (args[i] === "--trace") trace = true;
    else which.push(args[i]);
  }
  const cases = which.length ? which : ALL;
  const self = fileURLToPath(import.meta.url);
  // For diagnosis: more engine flags for the children (e.g. FIRST_CALL_NODE_FLAGS="--no-liftoff").
  const extra = (process.env.FIRST_CALL_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  console.log(`load before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  for (const l of TABLE_HEAD) console.log(l);
  for (const c of cases) {
    const rs = [];
    for (let r = 0; r < runs; r++) {
      const out = spawnSync(process.execPath, ["--no-concurrent-recompilation", "--experimental-wasm-relaxed-simd", ...extra, self, "--child", c, ...(threads ? [threads] : [])], { encoding: "utf8", timeout: 120_000 });
      const line = out.stdout.trim().split("\n").pop() ?? "";
      if (out.status !== 0 || !line.startsWith("{")) {
        console.log(`${c}: child failed: ${(out.stderr || "no output").split("\n").slice(0, 5).join(" | ")}`);
        break;
      }
      rs.push(JSON.parse(line));
    }
    if (rs.length === 0) continue;
    console.log(tableRow(c, rs));
    if (process.env.FIRST_CALL_VERBOSE) for (const r of rs) console.log(`   ${JSON.stringify(r)}`);
  }
  if (trace) {
    // One more process per case with V8's tracing on: what it compiles or deoptimises during the first call (work the
    // 30th does not do), and during calls 2-32. Counts do not depend on the load, timings do.
    console.log("\n| case | first call: JS optimised / deoptimised / WASM compiled | calls 2-32: same |");
    console.log("| --- | --- | --- |");
    for (const c of cases) {
      const out = spawnSync(process.execPath, ["--no-concurrent-recompilation", "--experimental-wasm-relaxed-simd", ...TRACE_FLAGS, ...extra, self, "--child", c, ...(threads ? [threads] : [])], { encoding: "utf8", maxBuffer: 1 << 28, timeout: 120_000 });
      const parts = out.stdout.split(MARK);
      const first = parts.find((x) => x.startsWith("0\n")) ?? "", rest = parts.find((x) => x.startsWith("1\n")) ?? "";
      const count = (txt) => {
        const lines = txt.split("\n");
        const js = lines.filter((l) => l.startsWith("[compiling method") && l.includes("TURBOFAN")).map((l) => / <JSFunction ([^ ]*)/.exec(l)?.[1] ?? "?");
        const de = lines.filter((l) => l.startsWith("[bailout")).map((l) => / <JSFunction ([^ ]*)/.exec(l)?.[1] ?? "?");
        const wa = lines.filter((l) => l.startsWith("Compiled function") && !l.includes("wrapper")).map((l) => `#${/#(\d+) using (\w+)/.exec(l)?.slice(1).join(" ")}`);
        const list = (a) => (a.length ? ` (${[...new Set(a)].slice(0, 6).join(", ")}${new Set(a).size > 6 ? ", ..." : ""})` : "");
        return `${js.length}${list(js)} / ${de.length}${list(de)} / ${wa.length}${list(wa)}`;
      };
      console.log(`| ${c} | ${count(first)} | ${count(rest)} |`);
    }
  }
  console.log(`load after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") await child(argv[1], argv[2] === undefined ? undefined : Number(argv[2]));
else parent(argv);
