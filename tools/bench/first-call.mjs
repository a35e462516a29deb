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
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const ALL = ["svd", "gemm", "tucker", "complete", "leverage"];
const SIZES = { svd: "200x40", gemm: "128x128", tucker: "20^3 r5", complete: "100x80 2000 obs r5", leverage: "2000x20" };
const MARK = "@@first-call ";
const TRACE_FLAGS = ["--trace-opt", "--trace-deopt", "--trace-wasm-compilation-times"];
const dist = (p) => new URL(`../../packages/${p}/dist/index.js`, import.meta.url).href;

async function child(which, threads) {
  const L = await import(dist("linalg"));
  const rng = new L.Rng(7);
  const mat = (r, c) => ({ rows: r, cols: c, data: rng.fillNormal(new Float64Array(r * c)) });
  const cases = {
    svd: async () => { const A = mat(200, 40); return () => L.svd(A); },
    gemm: async () => { const A = mat(128, 128), B = mat(128, 128); return () => L.gemm(A, B); },
    tucker: async () => {
      const T = await import(dist("tensor-network"));
      const X = { shape: [20, 20, 20], data: rng.fillNormal(new Float64Array(8000)) };
      return () => T.tucker(X, { rank: [5, 5, 5] });
    },
    complete: async () => {
      const M = await import(dist("matrix-completion"));
      const n = 2000, rowIndex = new Int32Array(n), colIndex = new Int32Array(n), values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const q = (i * 3) % 8000;
        rowIndex[i] = Math.floor(q / 80);
        colIndex[i] = q % 80;
        values[i] = 1 + ((i * 31) % 9) / 2;
      }
      const obs = { rows: 100, cols: 80, rowIndex, colIndex, values };
      return () => M.complete(obs, { rank: 5 });
    },
    leverage: async () => { const S = await import(dist("sensitivity-sampling")); const X = mat(2000, 20); return () => S.leverageScores(X); },
  };
  const f = await cases[which]();
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const w0 = performance.now(), c0 = cpu();
  const res = await L.init(threads === undefined ? {} : { threads });
  const initWall = performance.now() - w0, initCpu = cpu() - c0;
  // For diagnosis: FIRST_CALL_SLEEP=ms idles between init() and the first call.
  const sleep = Number(process.env.FIRST_CALL_SLEEP ?? 0);
  if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
  const t = [], w = [];
  for (let i = 0; i < 32; i++) {
    if (i < 2) writeSync(1, `${MARK}${i}\n`); // --trace: what the engine compiles during the first call, and after it
    const s = cpu(), sw = performance.now();
    await f();
    w.push(performance.now() - sw);
    t.push(cpu() - s);
  }
  writeSync(1, `${MARK}end\n`);
  const late = (a) => a.slice(27).sort((x, y) => x - y)[2];
  // What init()'s warm calls took, module by module (rounds / ms).
  const I = await import(new URL("../../packages/linalg/dist/internal.js", import.meta.url).href);
  const warm = I.runtimeModules?.().map((l) => `${l.name.replace("@lowrank/", "")} ${l.lastWarm ? `${l.lastWarm.rounds}r ${l.lastWarm.ms.toFixed(0)}ms` : "-"}`).join(", ");
  console.log(JSON.stringify({ which, threads: res.threads, initWall, initCpu, first: w[0], late: late(w), firstCpu: t[0], lateCpu: late(t), calls: w.slice(0, 4), warm }));
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

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
  console.log("| case | size | threads | first ms | 30th ms | first/30th (wall) | first/30th (CPU) | init ms wall (max) | init ms CPU |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const c of cases) {
    const rs = [];
    for (let r = 0; r < runs; r++) {
      const out = spawnSync(process.execPath, ["--no-concurrent-recompilation", "--experimental-wasm-relaxed-simd", ...extra, self, "--child", c, ...(threads ? [threads] : [])], { encoding: "utf8" });
      const line = out.stdout.trim().split("\n").pop() ?? "";
      if (out.status !== 0 || !line.startsWith("{")) {
        console.log(`${c}: child failed: ${(out.stderr || "no output").split("\n").slice(0, 5).join(" | ")}`);
        break;
      }
      rs.push(JSON.parse(line));
    }
    if (rs.length === 0) continue;
    const m = (k) => median(rs.map((r) => r[k]));
    const ratio = median(rs.map((r) => r.first / r.late)), ratioCpu = median(rs.map((r) => r.firstCpu / r.lateCpu));
    const initMax = Math.max(...rs.map((r) => r.initWall));
    console.log(`| ${c} | ${SIZES[c]} | ${rs[0].threads} | ${m("first").toFixed(2)} | ${m("late").toFixed(2)} | ${ratio.toFixed(2)}x | ${ratioCpu.toFixed(2)}x | ${m("initWall").toFixed(0)} (${initMax.toFixed(0)}) | ${m("initCpu").toFixed(0)} |`);
    if (process.env.FIRST_CALL_VERBOSE) for (const r of rs) console.log(`   ${JSON.stringify(r)}`);
  }
  if (trace) {
    // One more process per case with V8's tracing on: what it compiles or deoptimises during the first call (work the
    // 30th does not do), and during calls 2-32. Counts do not depend on the load, timings do.
    console.log("\n| case | first call: JS optimised / deoptimised / WASM compiled | calls 2-32: same |");
    console.log("| --- | --- | --- |");
    for (const c of cases) {
      const out = spawnSync(process.execPath, ["--no-concurrent-recompilation", "--experimental-wasm-relaxed-simd", ...TRACE_FLAGS, ...extra, self, "--child", c, ...(threads ? [threads] : [])], { encoding: "utf8", maxBuffer: 1 << 28 });
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
