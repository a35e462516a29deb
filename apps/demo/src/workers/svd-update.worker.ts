// Streams the State of the Union addresses into an EvolvingSvd year by year,
// sending the 2-D document map as it moves, then times every update method
// against a fresh truncated SVD of the final matrix (the default, Lanczos).
import { EvolvingSvd, residualMetric, singularValueError, svdResiduals, truncatedSvd } from "@lowrank/svd-update";
import type { CsrMatrix } from "@lowrank/linalg";
import { csrRows, fetchCsr } from "../data/csr";
import { serve, yieldToPage, type Post } from "./serve";
import type { MethodRow, SvdUpdateMessage, SvdUpdateRequest } from "./svd-update-protocol";

interface SotuMeta {
  years: number[];
}

/** Year groups after the first half: [start, end) row ranges, one per year. */
function yearBatches(years: number[], start: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let r = start;
  while (r < years.length) {
    let e = r + 1;
    while (e < years.length && years[e] === years[r]) e++;
    out.push([r, e]);
    r = e;
  }
  return out;
}

function snapshot(post: Post<SvdUpdateMessage>, es: EvolvingSvd, years: number[], year: number): void {
  const s = es.singularValues();
  const n = es.rows;
  const x = new Float64Array(n), y = new Float64Array(n);
  // Components 2 and 3: the first singular direction of L2-normalised tf-idf rows is close to the mean document.
  for (let i = 0; i < n; i++) {
    const u = es.row(i);
    x[i] = s[1] * u[1];
    y[i] = s[2] * u[2];
  }
  const ys = Int32Array.from(years.slice(0, n));
  post({ type: "snapshot", year, rows: n, x, y, years: ys }, [x.buffer, y.buffer, ys.buffer]);
}

/** Starts from the first `start` rows, then applies every batch; returns the state and the update time. */
async function timedStream(A: CsrMatrix, start: number, batches: Array<[number, number]>, rank: number, method: SvdUpdateRequest["compare"][number]) {
  const es = await EvolvingSvd.create(csrRows(A, 0, start), { rank, method, seed: 1 });
  const t = performance.now();
  for (const [r0, r1] of batches) es.addRows(csrRows(A, r0, r1));
  return { es, ms: performance.now() - t };
}

/** "auto": how many batches went to each choice. */
function choices(es: EvolvingSvd): string {
  const n = new Map<string, number>();
  for (const d of es.history) n.set(d.choice, (n.get(d.choice) ?? 0) + 1);
  return [...n].map(([c, k]) => `${c} ×${k}`).join(", ");
}

serve<SvdUpdateRequest, SvdUpdateMessage>(async (req, post) => {
  post({ type: "progress", done: 0, total: 1, label: "loading the corpus" });
  const { matrix: A, meta } = await fetchCsr<SotuMeta>(req.base, "sotu");
  const start = Math.floor(A.rows / 2);
  const batches = yearBatches(meta.years, start);
  const total = batches.length + req.compare.length + 1;

  // The animated stream: one snapshot every few years so the map moves without flooding the page.
  const animated = await EvolvingSvd.create(csrRows(A, 0, start), { rank: req.rank, method: req.method, seed: 1 });
  snapshot(post, animated, meta.years, meta.years[start - 1]);
  for (const [b, [r0, r1]] of batches.entries()) {
    animated.addRows(csrRows(A, r0, r1));
    if (b % 4 === 3 || b === batches.length - 1) {
      snapshot(post, animated, meta.years, meta.years[r1 - 1]);
      await yieldToPage();
    }
    post({ type: "progress", done: b, total, label: `address of ${meta.years[r0]}` });
  }

  post({ type: "progress", done: batches.length, total, label: "fresh truncated SVD of the final matrix" });
  // The reference: truncatedSvd's default method (Lanczos, run until every residual is below 1e-10 s_1).
  const t = performance.now();
  const fresh = await truncatedSvd(A, { rank: req.rank });
  const freshMs = performance.now() - t;
  const freshResidual = Math.max(...residualMetric(A, fresh.U, fresh.s, fresh.V));
  const freshCheck = { method: fresh.method, iterations: fresh.iterations, residual: Math.max(...svdResiduals(A, fresh)) };

  const rows: MethodRow[] = [];
  for (const [i, method] of req.compare.entries()) {
    post({ type: "progress", done: batches.length + 1 + i, total, label: `timing ${method}` });
    const { es, ms } = await timedStream(A, start, batches, req.rank, method);
    const f = es.factors();
    rows.push({
      method,
      ms,
      updates: es.stats.updates,
      svError: Math.max(...singularValueError(f.s, fresh.s)),
      residual: Math.max(...residualMetric(A, f.U, f.s, f.V)),
      ...(method === "auto" ? { note: choices(es) } : {}),
    });
    await yieldToPage();
  }
  post({ type: "methods", rows, freshMs, freshResidual, freshCheck, startRows: start, totalRows: A.rows, cols: A.cols });
});
