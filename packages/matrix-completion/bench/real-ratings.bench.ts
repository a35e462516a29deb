// Default complete() against LIBMF on real explicit ratings, side by side in
// one run: held-out RMSE and fit time of each on the same 80/20 splits, at 1
// and 2 threads. The ratings are not part of the project: point
// LOWRANK_RATINGS at a folder of splits tr0.txt / te0.txt, tr1.txt / te1.txt,
// ... up to tr9 / te9 ("user item rating" lines, 1-based ids, as MovieLens-100K's u1.base),
// and LIBMF_PATH at a folder holding LIBMF's mf-train and mf-predict (built
// from its source). Without the ratings the bench skips with a note; without
// LIBMF it reports lowrank alone. LIBMF runs with `-k 32` and its other
// defaults; its time is the wall and CPU time of `mf-train` (a process that also
// reads its file; CPU time by GNU time where present), lowrank's those of
// `complete()` on arrays already in memory (CPU time of the whole process, workers included). Times are medians over alternated repetitions, so load elsewhere
// on the machine hits both alike. LIBMF's training alone (no process start, no
// file reading): point LOWRANK_LIBMF_TIMER at a harness binary called as
// `<timer> <train file> <threads> <reps>` that prints "median <ms> ms" of LIBMF's
// mf_train (k = 32, 20 iterations) on the file read once; without it that column
// is skipped with a note. Our first fit in a fresh process (init, then one fit:
// what a user calling it once waits) comes from first-fit-child.mjs, which reads
// the built dist. Run by tools/bench/run.mjs.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { complete, init, rmse, type Observations } from "../src/index.js";
import { note, pick, quick, row, skip } from "../../../tools/bench/lib.mjs";

const dir = process.env.LOWRANK_RATINGS ?? "";
const libmfDir = process.env.LIBMF_PATH ?? "/work/anchors/libmf";
/** GNU time, when present: LIBMF's CPU time as well as its wall time. */
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const libmf = existsSync(join(libmfDir, "mf-train")) && existsSync(join(libmfDir, "mf-predict")) ? libmfDir : null;
/** A harness timing LIBMF's training alone, when given. */
const timer = process.env.LOWRANK_LIBMF_TIMER && existsSync(process.env.LOWRANK_LIBMF_TIMER) ? process.env.LOWRANK_LIBMF_TIMER : null;
const child = fileURLToPath(new URL("./first-fit-child.mjs", import.meta.url));
const dist = existsSync(fileURLToPath(new URL("../dist/index.js", import.meta.url)));

/** The splits present in `dir` (tr<s>.txt with te<s>.txt), at most three. */
// Any of the pairs tr0-tr9 / te0-te9 present (three random splits, or MovieLens' canonical u1-u5 saved as tr1-tr5, ...).
const splits = dir ? Array.from({ length: 10 }, (_, s) => s).filter((s) => existsSync(join(dir, `tr${s}.txt`)) && existsSync(join(dir, `te${s}.txt`))) : [];

if (splits.length === 0) {
  skip("complete (default) vs LIBMF on real ratings", dir ? `no splits tr0.txt / te0.txt in ${dir}` : "LOWRANK_RATINGS is not set (a folder of tr0.txt / te0.txt rating splits)");
} else {
  await init({ threads: 2 });
  const reps = pick(5, 1);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const read = (file: string) =>
    readFileSync(file, "utf8").trim().split("\n").map((line) => line.trim().split(/\s+/).map(Number));
  const load = avgLoad();
  const lines: string[] = [];
  for (const s of pick(splits, splits.slice(0, 1))) {
    const trainLines = read(join(dir, `tr${s}.txt`)), testLines = read(join(dir, `te${s}.txt`));
    let rows = 0, cols = 0;
    for (const r of [...trainLines, ...testLines]) {
      rows = Math.max(rows, r[0]);
      cols = Math.max(cols, r[1]);
    }
    const obs = (L: number[][]): Observations => ({
      rows, cols, rowIndex: Int32Array.from(L, (r) => r[0] - 1), colIndex: Int32Array.from(L, (r) => r[1] - 1),
      values: Float64Array.from(L, (r) => r[2]),
    });
    const train = obs(trainLines), test = obs(testLines);
    for (const threads of [1, 2]) {
      // One fit first, so both paths are measured warm.
      if (!quick) await complete(train, { threads });
      const wall: number[] = [], cpu: number[] = [], anchor: number[] = [], anchorCpu: number[] = [], setupCpu: number[] = [];
      let ours = NaN, theirs = NaN;
      for (let r = 0; r < reps; r++) {
        const c0 = process.cpuUsage(), t0 = performance.now();
        const model = await complete(train, { threads });
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        ours = rmse(model, test);
        if (libmf) {
          const t = runLibmf(libmf, join(dir, `tr${s}.txt`), join(dir, `te${s}.txt`), threads);
          anchor.push(t.ms);
          anchorCpu.push(t.cpu);
          // Reading the file, setting up and one iteration: what LIBMF spends besides its 19 other iterations.
          if (gnuTime) setupCpu.push(runLibmf(libmf, join(dir, `tr${s}.txt`), join(dir, `te${s}.txt`), threads, 1).cpu);
          theirs = t.rmse;
        }
      }
      const w = median(wall), a = libmf ? median(anchor) : null;
      // LIBMF's training alone, and our first fit in fresh processes, after the alternated runs.
      const training = timer ? libmfTraining(timer, join(dir, `tr${s}.txt`), threads, reps) : null;
      const firsts = dist ? Array.from({ length: reps }, () => firstFit(join(dir, `tr${s}.txt`), rows, cols, threads)) : [];
      const first = firsts.length ? median(firsts.map((f) => f.ms)) : null;
      row({
        case: `split ${s}, ${threads} thread${threads > 1 ? "s" : ""}`,
        size: `${rows}×${cols}, ${train.values.length} train / ${test.values.length} test`,
        extra: {
          "RMSE complete (default)": +ours.toFixed(4),
          "RMSE LIBMF k=32": libmf ? +theirs.toFixed(4) : "–",
          "ms complete": Math.round(w),
          "ms first complete (fresh process)": first === null ? "–" : Math.round(first),
          "ms LIBMF training": training === null ? "–" : +training.toFixed(1),
          "complete / LIBMF training": training === null ? "–" : +(w / training).toFixed(2),
          "first complete / LIBMF training": training === null || first === null ? "–" : +(first / training).toFixed(2),
          "CPU ms complete": Math.round(median(cpu)),
          "ms LIBMF mf-train": a === null ? "–" : Math.round(a),
          "CPU ms LIBMF": a === null || !gnuTime ? "–" : Math.round(median(anchorCpu)),
          "CPU ms LIBMF -t 1": a === null || !gnuTime ? "–" : Math.round(median(setupCpu)),
          "complete / LIBMF (wall)": a === null ? "–" : +(w / a).toFixed(2),
          "complete / LIBMF (CPU)": a === null || !gnuTime ? "–" : +(median(cpu) / median(anchorCpu)).toFixed(2),
        },
      });
      lines.push(`${s}/${threads}`);
    }
  }
  note(
    `complete() with every option at its default (bpmf) against LIBMF (\`mf-train -k 32 -s <threads>\`, its other defaults; ` +
      `RMSE by \`mf-predict -e 0\`) on the same splits from ${splits.length} file pair(s); medians of ${reps} alternated runs; ` +
      `LIBMF's time includes its process start and reading the file (its run with one iteration, \`-t 1\`, shows that part); CPU times count every thread. Load average ${load} when started.` +
      (libmf ? "" : " LIBMF not found (set LIBMF_PATH): lowrank alone.") +
      (timer ? ` LIBMF's training alone: the median of ${reps} \`mf_train\` calls in the harness LOWRANK_LIBMF_TIMER (file read once, before).` : " LIBMF's training alone skipped (set LOWRANK_LIBMF_TIMER to a harness binary: `<timer> <train file> <threads> <reps>` printing its median).") +
      (dist ? ` First complete: init() and one fit in a fresh process (bench/first-fit-child.mjs, the built dist), median of ${reps} processes.` : " First complete skipped: no built dist (run pnpm build)."),
  );
}

/** One LIBMF fit and prediction: mf-train's wall ms (and CPU ms under GNU time) and mf-predict's RMSE. */
function runLibmf(bin: string, train: string, test: string, threads: number, iters = 20): { ms: number; cpu: number; rmse: number } {
  const tmp = mkdtempSync(join(tmpdir(), "lowrank-libmf-"));
  try {
    const model = join(tmp, "model"), out = join(tmp, "out");
    const args = ["-k", "32", "-s", String(threads), "-t", String(iters), "--quiet", train, model];
    const t0 = performance.now();
    const run = gnuTime
      ? spawnSync(gnuTime, ["-f", "@@cpu %U %S", join(bin, "mf-train"), ...args], { encoding: "utf8" })
      : spawnSync(join(bin, "mf-train"), args, { encoding: "utf8" });
    const ms = performance.now() - t0;
    if (run.status !== 0) throw new Error(`mf-train failed: ${run.stderr}`);
    const c = run.stderr.match(/@@cpu ([0-9.]+) ([0-9.]+)/);
    const cpu = c ? 1000 * (Number(c[1]) + Number(c[2])) : NaN;
    const text = execFileSync(join(bin, "mf-predict"), ["-e", "0", test, model, out], { encoding: "utf8" });
    const m = text.match(/RMSE\s*=\s*([0-9.]+)/);
    return { ms, cpu, rmse: m ? Number(m[1]) : NaN };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The median ms the timer harness prints for LIBMF's training (mf_train) on `train`. */
function libmfTraining(bin: string, train: string, threads: number, reps: number): number {
  const text = execFileSync(bin, [train, String(threads), String(Math.max(3, reps))], { encoding: "utf8" });
  const m = text.match(/median\s+([0-9.]+)\s*ms/);
  if (!m) throw new Error(`LOWRANK_LIBMF_TIMER printed no median: ${text.trim()}`);
  return Number(m[1]);
}

/** init() and one default complete() in a fresh Node process (first-fit-child.mjs): its wall and CPU ms. */
function firstFit(train: string, rows: number, cols: number, threads: number): { ms: number; cpu: number } {
  // The same WebAssembly variant as this process (the relaxed-simd flag passed on), in plain `node` as users run it:
  // V8 compiles JavaScript on background threads (with --no-concurrent-recompilation those compiles would stop the
  // fit). Such a child can hang at exit (nodejs/node#54918) after printing its line: it is killed after a timeout and
  // its line still counts.
  const flags = process.execArgv.filter((a) => a.startsWith("--experimental-wasm"));
  const out = spawnSync(process.execPath, [...flags, child, train, String(rows), String(cols), String(threads)], { encoding: "utf8", timeout: 30_000 });
  const line = (out.stdout ?? "").trim().split("\n").pop() ?? "";
  if (!line.startsWith("{")) throw new Error(`first-fit child failed: ${(out.stderr ?? "").split("\n").slice(0, 3).join(" | ")}`);
  return JSON.parse(line) as { ms: number; cpu: number };
}

function avgLoad(): string {
  return loadavg()[0].toFixed(1);
}
