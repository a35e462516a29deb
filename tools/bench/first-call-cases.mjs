// The cases of first-call.mjs (Node) and first-call-browser.mjs (Chromium):
// small calls of each package's main entry point, and the probe that times
// init(), the same call 32 times, then 5 more each after 5 ms idle. `pkgs` holds the packages' modules
// ({ linalg, "tensor-network", "matrix-completion", "sensitivity-sampling" }),
// `internal` linalg's /internal entry (for the warm rounds each module ran).

export const ALL = ["svd", "gemm", "tucker", "complete", "leverage"];
export const SIZES = { svd: "200x40", gemm: "128x128", tucker: "20^3 r5", complete: "100x80 2000 obs", "complete-r5": "100x80 2000 obs r5", leverage: "2000x20" };

/** The call of case `which` on its input (made before init(), so init's time holds only init; named, for the --trace lists). */
export function makeCase(which, pkgs) {
  const L = pkgs.linalg;
  const rng = new L.Rng(7);
  const mat = (r, c) => ({ rows: r, cols: c, data: rng.fillNormal(new Float64Array(r * c)) });
  switch (which) {
    case "svd": { const A = mat(200, 40); return function svdCall() { return L.svd(A); }; }
    case "gemm": { const A = mat(128, 128), B = mat(128, 128); return function gemmCall() { return L.gemm(A, B); }; }
    case "tucker": {
      const X = { shape: [20, 20, 20], data: rng.fillNormal(new Float64Array(8000)) };
      return function tuckerCall() { return pkgs["tensor-network"].tucker(X, { rank: [5, 5, 5] }); };
    }
    case "complete":
    case "complete-r5": {
      const n = 2000, rowIndex = new Int32Array(n), colIndex = new Int32Array(n), values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const q = (i * 3) % 8000;
        rowIndex[i] = Math.floor(q / 80);
        colIndex[i] = q % 80;
        values[i] = 1 + ((i * 31) % 9) / 2;
      }
      const obs = { rows: 100, cols: 80, rowIndex, colIndex, values };
      // Default options (bpmf at its default rank), or rank 5 (bpmf's general-width kernels).
      const opts = which === "complete" ? {} : { rank: 5 };
      return function completeCall() { return pkgs["matrix-completion"].complete(obs, opts); };
    }
    case "leverage": { const X = mat(2000, 20); return function leverageCall() { return pkgs["sensitivity-sampling"].leverageScores(X); }; }
    default: throw new Error(`unknown case ${which}`);
  }
}

/**
 * init() (default options, or `threads`), then the call 32 times, then 5 times more, each after 5 ms idle. Returns
 * init's wall time, the first call, the median of calls 28-32 and the median of the calls after idle (wall; and CPU
 * time when `cpu` is given), and the warm rounds each module ran. `mark(i)` is called before calls 0 and 1 and after
 * the 32nd (Node's --trace mode splits the engine's log there).
 */
export async function probe(which, pkgs, internal, { threads, cpu = null, mark = () => {}, sleep = 0 } = {}) {
  const L = pkgs.linalg;
  const f = makeCase(which, pkgs);
  const w0 = performance.now(), c0 = cpu?.();
  const res = await L.init(threads === undefined ? {} : { threads });
  const initWall = performance.now() - w0, initCpu = cpu ? cpu() - c0 : null;
  if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
  const t = [], w = [];
  for (let i = 0; i < 32; i++) {
    if (i < 2) mark(String(i));
    const s = cpu?.(), sw = performance.now();
    await f();
    w.push(performance.now() - sw);
    if (cpu) t.push(cpu() - s);
  }
  mark("end");
  // Then five calls, each after 5 ms idle (a timer): on a shared machine such a call finds its data and code out of the
  // caches, as the first call after init() does, so first / after-idle separates what warm-up can fix from that.
  const idle = [], idleCpu = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 5));
    const s = cpu?.(), sw = performance.now();
    await f();
    idle.push(performance.now() - sw);
    if (cpu) idleCpu.push(cpu() - s);
  }
  const late = (a) => a.slice(27).sort((x, y) => x - y)[2];
  const warm = internal.runtimeModules?.().map((l) => `${l.name.replace("@lowrank/", "")} ${l.lastWarm ? `${l.lastWarm.rounds}r ${l.lastWarm.ms.toFixed(0)}ms` : "-"}`).join(", ");
  return {
    which, threads: res.threads, initWall, initCpu, first: w[0], late: late(w),
    firstCpu: cpu ? t[0] : null, lateCpu: cpu ? late(t) : null, afterIdle: median(idle), afterIdleCpu: cpu ? median(idleCpu) : null,
    calls: w.slice(0, 4).map((x) => +x.toFixed(3)), warm,
    phases: internal.lastInitPhases ? Object.fromEntries(Object.entries(internal.lastInitPhases).map(([k, v]) => [k, Math.round(v)])) : null,
  };
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** One Markdown table row from the runs of one case. */
export function tableRow(c, rs) {
  const m = (k) => median(rs.map((r) => r[k]));
  const ratio = median(rs.map((r) => r.first / r.late));
  const ratioCpu = rs[0].firstCpu === null ? null : median(rs.map((r) => r.firstCpu / r.lateCpu));
  const initMax = Math.max(...rs.map((r) => r.initWall));
  const idleRatio = median(rs.map((r) => r.first / r.afterIdle));
  return `| ${c} | ${SIZES[c]} | ${rs[0].threads} | ${m("first").toFixed(2)} | ${m("late").toFixed(2)} | ${ratio.toFixed(2)}x | ${ratioCpu === null ? "-" : `${ratioCpu.toFixed(2)}x`} | ${m("afterIdle").toFixed(2)} | ${idleRatio.toFixed(2)}x | ${m("initWall").toFixed(0)} (${initMax.toFixed(0)}) | ${rs[0].initCpu === null ? "-" : m("initCpu").toFixed(0)} |`;
}

export const TABLE_HEAD = [
  "| case | size | threads | first ms | 30th ms | first/30th (wall) | first/30th (CPU) | after 5 ms idle, ms | first/after idle (wall) | init ms wall (max) | init ms CPU |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
