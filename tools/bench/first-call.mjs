// First call against the 30th, right after `await init()`, each case in a
// fresh Node process (a cold engine every time), several processes per case.
//
//   node --no-concurrent-recompilation tools/bench/first-call.mjs [--runs 5] [--threads N] [--mode plain|flag] [--all] [case ...]
//
// --all loads every package before init() (as the demo does: init() then warms all their modules), not only
// linalg and the one a case calls.
// Cases: svd (200 x 40), gemm (128), tucker (20³, rank 5), complete (100 x 80,
// 2000 ratings, default options), leverage (2000 x 20); complete-r5 (the same
// ratings at rank 5) on request. Each child
// awaits init() (default options unless --threads), then makes the same call
// 32 times, then 5 more each after 5 ms idle, and reports init's wall and CPU
// time, the first call, the median of calls 28-32 and that of the calls after
// idle, in wall time and in CPU time of the process (the CPU time includes
// V8's background compilation and the pool's workers). The table gives per
// case the medians over the processes, and the medians of the per-process
// ratios first / 30th and first / after idle. Without --mode and --threads it prints
// four tables: the children as users run them (plain `node`: V8 compiles
// JavaScript on background threads) and with --no-concurrent-recompilation
// (every compile on the main thread), each at the default threads and at
// one. A last table gives init()'s phases (median ms: compiling and warming
// the kernels, warm calls on one thread, waiting for the pool, warm calls on
// the pool) and the CPU the process spends in the 300 ms after init() while
// its main thread idles (background compilation, the pool), one more process
// per case. Reads the packages' built dist (run `pnpm build` first). Prints
// the load average before and after.
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
    if (process.env.FIRST_CALL_ALL || (which === "tucker" && p === "tensor-network") || (which.startsWith("complete") && p === "matrix-completion") || (which === "leverage" && p === "sensitivity-sampling")) pkgs[p] = await import(dist(p));
  }
  const internal = await import(new URL("../../packages/linalg/dist/internal.js", import.meta.url).href);
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  if (process.env.FIRST_CALL_IDLE_CPU) {
    // The CPU the process spends while its main thread idles for 300 ms after init().
    await pkgs.linalg.init(threads === undefined ? {} : { threads });
    const c0 = cpu();
    await new Promise((r) => setTimeout(r, 300));
    console.log(JSON.stringify({ which, idleCpu: cpu() - c0, phases: internal.lastInitPhases }));
    return;
  }
  // For diagnosis: FIRST_CALL_SLEEP=ms idles between init() and the first call.
  const r = await probe(which, pkgs, internal, { threads, cpu, mark: (m) => writeSync(1, `${MARK}${m}\n`), sleep: Number(process.env.FIRST_CALL_SLEEP ?? 0) });
  console.log(JSON.stringify(r));
}

/** Engine flags of a child: plain `node` (as users run it) or with --no-concurrent-recompilation. */
const MODE_FLAGS = { plain: [], flag: ["--no-concurrent-recompilation"] };
const MODE_TITLE = {
  plain: "plain node (V8 compiles JavaScript on background threads, as users run it)",
  flag: "node --no-concurrent-recompilation (every optimising compile on the main thread)",
};

/**
 * One child's JSON line. A plain-node child can hang at exit (nodejs/node#54918) after printing its line:
 * it is killed after a timeout and its line still counts.
 */
function runChild(flags, args, env = {}) {
  const out = spawnSync(process.execPath, [...flags, "--experimental-wasm-relaxed-simd", ...args], { encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
  const line = (out.stdout ?? "").trim().split("\n").pop() ?? "";
  if (!line.startsWith("{")) return { error: (out.stderr || `no output (${out.signal ?? out.status})`).split("\n").slice(0, 5).join(" | ") };
  return { value: JSON.parse(line), hung: out.status !== 0 };
}

function parent(args) {
  let runs = 5, threads, trace = false, mode;
  const which = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--runs") runs = Number(args[++i]);
    else if (args[i] === "--threads") threads = args[++i];
    else if (args[i] === "--mode") mode = args[++i];
    else if (args[i] === "--trace") trace = true;
    else if (args[i] === "--all") process.env.FIRST_CALL_ALL = "1";
    else which.push(args[i]);
  }
  const cases = which.length ? which : ALL;
  if (process.env.FIRST_CALL_ALL) console.log("every package loaded before init()");
  const self = fileURLToPath(import.meta.url);
  // For diagnosis: more engine flags for the children (e.g. FIRST_CALL_NODE_FLAGS="--no-liftoff").
  const extra = (process.env.FIRST_CALL_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  console.log(`load before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const modes = mode ? [mode] : ["plain", "flag"];
  const counts = threads ? [threads] : [undefined, "1"];
  let hung = 0;
  for (const m of modes) {
    for (const t of counts) {
      console.log(`\n${MODE_TITLE[m]}, ${t === undefined ? "default threads" : `threads ${t}`}:\n`);
      for (const l of TABLE_HEAD) console.log(l);
      for (const c of cases) {
        const rs = [];
        for (let r = 0; r < runs; r++) {
          const o = runChild([...MODE_FLAGS[m], ...extra], [self, "--child", c, ...(t ? [t] : [])]);
          if (o.error) {
            console.log(`${c}: child failed: ${o.error}`);
            break;
          }
          if (o.hung) hung++;
          rs.push(o.value);
        }
        if (rs.length === 0) continue;
        console.log(tableRow(c, rs));
        if (process.env.FIRST_CALL_VERBOSE) for (const r of rs) console.log(`   ${JSON.stringify(r)}`);
      }
    }
  }
  // init()'s phases (plain node, default threads unless --threads) and the CPU spent after it while idle.
  console.log(`\ninit() phases, ms (median; ${MODE_TITLE[modes[0]].split(" (")[0]}, ${threads ? `threads ${threads}` : "default threads"}), and the process's CPU in the 300 ms after init():\n`);
  console.log("| case | compile + kernel warm-up | warm calls, one thread | wait for the pool | warm calls on the pool | CPU ms in 300 ms idle after |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const c of cases) {
    const rs = [];
    for (let r = 0; r < Math.max(3, Math.ceil(runs / 2)); r++) {
      const o = runChild([...MODE_FLAGS[modes[0]], ...extra], [self, "--child", c, ...(threads ? [threads] : [])], { FIRST_CALL_IDLE_CPU: "1" });
      if (o.value?.phases) rs.push(o.value);
    }
    if (rs.length === 0) continue;
    const med = (f) => { const v = rs.map(f).sort((x, y) => x - y); return v[(v.length - 1) >> 1]; };
    const ph = (k) => med((r) => r.phases[k]).toFixed(0);
    console.log(`| ${c} | ${ph("compile")} | ${ph("warmCalls")} | ${ph("poolWait")} | ${ph("poolWarmCalls")} | ${med((r) => r.idleCpu).toFixed(0)} |`);
  }
  if (hung) console.log(`\n(${hung} plain-node children hung at exit after printing their result and were killed: nodejs/node#54918)`);
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
