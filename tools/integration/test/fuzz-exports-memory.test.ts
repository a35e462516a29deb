// WebAssembly memory and the JS heap stay flat over many calls of each main
// entry point, every tenth call refused (bad input) or aborted: nothing leaks
// on the success path or on the error path. Every WebAssembly memory the
// packages create is recorded (by wrapping WebAssembly's instantiation before
// the packages load), so all modules are covered through their public API.
// FUZZ_MEMORY_CALLS=10000 runs the long form by hand; the default keeps the
// test to a few seconds.
import { describe, expect, it } from "vitest";

const CALLS = Number(process.env.FUZZ_MEMORY_CALLS ?? 600);
const memories = new Set<WebAssembly.Memory>();

function note(imports: unknown, exports: unknown): void {
  for (const ns of Object.values((imports ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const v of Object.values(ns ?? {})) if (v instanceof WebAssembly.Memory) memories.add(v);
  }
  for (const v of Object.values((exports ?? {}) as Record<string, unknown>)) if (v instanceof WebAssembly.Memory) memories.add(v);
}

const W = WebAssembly as unknown as Record<string, unknown>;
const Instance = WebAssembly.Instance, instantiate = WebAssembly.instantiate;
W.Instance = new Proxy(Instance, {
  construct(target, args: [WebAssembly.Module, WebAssembly.Imports?]) {
    const inst = new target(...args);
    note(args[1], inst.exports);
    return inst;
  },
});
W.instantiate = async (source: unknown, imports?: WebAssembly.Imports) => {
  const r = await (instantiate as (s: unknown, i?: unknown) => Promise<WebAssembly.Instance | WebAssembly.WebAssemblyInstantiatedSource>)(source, imports);
  note(imports, ("instance" in r ? r.instance : r).exports);
  return r;
};

const bytes = () => [...memories].reduce((s, m) => s + m.buffer.byteLength, 0);

describe("memory over many calls of each main entry point", async () => {
  const L = await import("@lowrank/linalg");
  const TN = await import("@lowrank/tensor-network");
  const SS = await import("@lowrank/sensitivity-sampling");
  const SU = await import("@lowrank/svd-update");
  const MC = await import("@lowrank/matrix-completion");
  await L.init();
  const A = { rows: 6, cols: 4, data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i + 1)) };
  const X = { shape: [3, 4, 2], data: A.data };
  const NaNA = { ...A, data: Float64Array.from(A.data, (v, i) => (i === 5 ? NaN : v)) };
  const aborted = AbortSignal.abort();
  const obs = { rows: 4, cols: 3, rowIndex: [0, 1, 2, 3, 0, 1], colIndex: [0, 1, 2, 0, 2, 2], values: [1, 2, 3, 4, 5, 1] };
  const model = await MC.complete(obs, { rank: 1, maxIter: 3 });
  const tt = await TN.tensorTrain(X, { maxRank: 2 });
  const f = L.svd(A);
  // name, a good call, a refused one (each on both backends where there is one)
  const entries: [string, (b: "js" | "wasm") => unknown, (b: "js" | "wasm") => unknown][] = [
    ["gemm", (b) => L.gemm(A, A, { transB: true, backend: b }), (b) => L.gemm(A, A, { backend: b })],
    ["svd", (b) => L.svd(A, { backend: b }), (b) => L.svd(NaNA, { backend: b })],
    ["eigh", (b) => L.eigh(L.gemm(A, A, { transA: true }), { backend: b }), (b) => L.eigh(A, { backend: b })],
    ["tucker", (b) => TN.tucker(X, { rank: [2, 2, 2], backend: b }), (b) => TN.tucker(X, { rank: [2, 2, 2], backend: b, signal: aborted })],
    ["reconstruct", (b) => TN.reconstruct(tt, { backend: b }), (b) => TN.reconstruct({ cores: [] }, { backend: b })],
    ["leverageScores", (b) => SS.leverageScores(A, { backend: b }), (b) => SS.leverageScores(NaNA, { backend: b })],
    ["truncatedSvd", (b) => SU.truncatedSvd(A, { rank: 2, backend: b }), (b) => SU.truncatedSvd(A, { rank: 2, backend: b, signal: aborted })],
    ["svdResiduals", (b) => SU.svdResiduals(A, f, { backend: b }), (b) => SU.svdResiduals(NaNA, f, { backend: b })],
    ["complete", (b) => MC.complete(obs, { rank: 1, maxIter: 2, backend: b }), (b) => MC.complete(obs, { rank: 1, backend: b, signal: aborted })],
    ["foldIn", () => MC.foldIn(model, { colIndex: [0, 2], values: [1, 2] }), () => MC.foldIn(model, { colIndex: [9], values: [1] })],
  ];

  it.each(entries)(`${CALLS} calls of %s (every tenth refused) keep every WebAssembly memory and the heap flat`, async (_name, good, bad) => {
    const run = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const b = i % 2 === 0 ? "wasm" : "js";
        if (i % 10 === 9) {
          let threw = false;
          try {
            await bad(b);
          } catch (e) {
            threw = (e as { name?: string }).name === "LowrankError";
          }
          expect(threw).toBe(true);
        } else await good(b);
      }
    };
    await run(Math.max(50, CALLS / 10));
    const mem0 = bytes(), heap0 = process.memoryUsage().heapUsed;
    await run(CALLS);
    expect(memories.size).toBeGreaterThan(0);
    expect(bytes()).toBe(mem0);
    // Results may still be garbage on the heap; it must not grow with the number of calls.
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(48 * 2 ** 20);
  }, 600_000);
});
