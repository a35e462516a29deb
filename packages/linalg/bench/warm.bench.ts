// Warm means warm: right after init(), the first call of each package's main
// entry point on a small input against the same call's 30th (median of calls
// 28-32), each case in a fresh process (the child of tools/bench/first-call.mjs,
// which runs several processes a case and has a --trace mode; its
// first-call-browser.mjs does the same in Chromium), CPU time, in plain node and
// with --no-concurrent-recompilation.
// Run by tools/bench/run.mjs (see its README).
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { note, pick, row, skip } from "../../../tools/bench/lib.mjs";

const probe = fileURLToPath(new URL("../../../tools/bench/first-call.mjs", import.meta.url));
const sizes: Record<string, string> = { svd: "200×40", gemm: "128×128", tucker: "20³, rank 5", complete: "100×80, 2000 ratings, default options", leverage: "2000×20" };
const load0 = loadavg()[0];
// Plain `node` (V8 compiles JavaScript on background threads, as users run it) and --no-concurrent-recompilation (every
// optimising compile on the main thread). A plain child can hang at exit after printing (nodejs/node#54918): it is
// killed after the timeout and its line still counts.
const MODES: [string, string[]][] = [["plain node", []], ["--no-concurrent-recompilation", ["--no-concurrent-recompilation"]]];
for (const [mode, flags] of MODES) for (const which of pick(["svd", "gemm", "tucker", "complete", "leverage"], ["gemm"])) {
  const out = spawnSync(process.execPath, [...flags, "--experimental-wasm-relaxed-simd", probe, "--child", which], { encoding: "utf8", timeout: 60_000 });
  const line = (out.stdout ?? "").trim().split("\n").pop() ?? "";
  if (!line.startsWith("{")) {
    skip(`first call (${mode}): ${which}`, (out.stderr || "no output").split("\n").find((l) => l.includes("Error")) ?? "probe failed (is the package built?)");
    continue;
  }
  const r = JSON.parse(line) as { initWall: number; initCpu: number; firstCpu: number; lateCpu: number; afterIdleCpu: number };
  row({
    case: `first call after init(), ${mode}: ${which}`,
    size: sizes[which],
    ts: null,
    simd: null,
    relaxed: r.firstCpu,
    extra: {
      "30th call (ms CPU)": r.lateCpu.toFixed(2),
      "first / 30th": `${(r.firstCpu / r.lateCpu).toFixed(2)}x`,
      "after 5 ms idle (ms CPU)": r.afterIdleCpu.toFixed(2),
      "first / after idle": `${(r.firstCpu / r.afterIdleCpu).toFixed(2)}x`,
      "init() ms (wall / CPU)": `${r.initWall.toFixed(0)} / ${r.initCpu.toFixed(0)}`,
    },
  });
}
note(
  "Warm-up: each case runs in a fresh process: `init()` (default variant and threads), then the same call 32 times, then 5 times more, each after 5 ms " +
    "idle (such a call meets its data and code out of the caches on a shared machine, as a first call does). Times are CPU time of the process " +
    "(V8's background compilation included), so other load on the machine changes them less than wall time; init() is given as wall and CPU time. " +
    `Load average (1 min) ${load0.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end.`,
);
