// Kernel conformance: every kernel a package's WASM binary exports (the
// SIGNATURES table of its src/generated/exports.ts) is called on small seeded
// inputs through the TypeScript twin, the simd binary and the relaxed-simd
// binary, and the three compared: simd bit for bit with the twin unless the
// kernel is listed in SIMD_TOLERANCE below (with why), relaxed-simd to a
// tolerance (it may fuse multiply-adds). Every buffer is exactly as long as
// the table says the kernel touches, between guard bytes checked after each
// call, so a kernel writing past its stated length fails here. A kernel in
// SIGNATURES without a table entry fails the suite: add one with the kernel.
// See docs/ARCHITECTURE.md, "Twins" and "Guard mode".
import { describe, expect, it } from "vitest";
import { jsKernels } from "../../../packages/linalg/src/kernels/index.js";
import { callJs, callWasm, compareRuns, instantiate, Rng, type Instance } from "./kernel-harness.js";
import { LINALG, type Entry } from "./kernel-table-linalg.js";
import { PACKAGE_TABLES } from "./kernel-table-packages.js";

/** Exports that are not kernels. */
const NOT_KERNELS: Record<string, string> = { heapBase: "the end of static data (the harness lays buffers out above it)" };

/**
 * Kernels whose simd build is not bit for bit the twin, and the relative
 * tolerance they are held to instead. Everything else must agree exactly.
 */
const SIMD_TOLERANCE: Record<string, { tol: number; why: string }> = {
  gemm: { tol: 1e-13, why: "packed register tiles sum k in another order than the twin's textbook loop" },
  gemmTask: { tol: 1e-13, why: "one block of gemm" },
  gemmComputeTask: { tol: 1e-13, why: "the micro-kernel on packed operands: fused multiply-adds in relaxed-simd, separate in the twin" },
  gemmBatchTask: { tol: 1e-13, why: "one tile of gemm (tensor-network's batch jobs)" },
  gemv: { tol: 1e-13, why: "the untransposed product sums each row in SIMD lanes, the twin in one running sum" },
  householderQrBlocked: { tol: 1e-13, why: "block reflectors applied by gemm" },
  householderQBlocked: { tol: 1e-13, why: "block reflectors applied by gemm" },
  tridiagonalizeBlocked: { tol: 1e-13, why: "panels whose trailing updates run through gemm, and a one-pass symmetric product (WASM), against plain loops" },
  tridiagonalApplyQt: { tol: 1e-13, why: "panels of reflectors applied by gemm (WASM) against one reflector at a time (twin)" },
  unfoldingGram: { tol: 1e-13, why: "gemm inside the kernel" },
  gramTask: { tol: 1e-13, why: "one tile of unfoldingGram (gemm inside)" },
  eigBatchTask: { tol: 1e-13, why: "tasks 1 and on are gemmBatchTask's (gemm); task 0, tridiagonalEig, is bit for bit" },
  lqR: { tol: 1e-13, why: "blocked LQ in place (WASM) against householderQrBlocked of the transpose (twin): the same reflectors, other sums" },
  lqRows: { tol: 1e-13, why: "Math.hypot: the host's in the twin, AssemblyScript's in WASM (an ulp apart)" },
  lewisUpdate: { tol: 1e-13, why: "Math.exp / Math.log / Math.pow: the host's in the twin, AssemblyScript's in WASM" },
  lewisUpdateGram: { tol: 1e-13, why: "as lewisUpdate" },
  lewisTask: { tol: 1e-13, why: "lewisUpdate on one piece of rows" },
  irlsRows: { tol: 1e-13, why: "Math.pow: the host's in the twin, AssemblyScript's in WASM" },
  onlineLewis: { tol: 1e-13, why: "Math.pow: the host's in the twin, AssemblyScript's in WASM" },
};

/** relaxed-simd against the twin (fused multiply-adds change roundings; iterative kernels amplify them a little). */
const RELAXED_TOLERANCE = 1e-9;
const SEEDS = [1, 2, 3, 4];

const PACKAGES = ["linalg", "matrix-completion", "svd-update", "tensor-network", "sensitivity-sampling"] as const;

async function load(p: string, variant: string): Promise<Instance | null> {
  const b64 = ((await import(`../../../packages/${p}/src/generated/wasm-${variant}.ts`)) as { default: string }).default;
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  if (variant === "relaxed-simd" && !WebAssembly.validate(bytes as BufferSource)) return null;
  return instantiate(bytes);
}

describe.each(PACKAGES)("%s: every exported kernel against its twin", (p) => {
  const own = PACKAGE_TABLES[p] ?? { table: {}, js: {} };
  const table: Record<string, Entry> = { ...LINALG, ...own.table };
  const kernels: Record<string, unknown> = { ...jsKernels, ...own.js };
  let signatures: Record<string, string> = {};
  const instances: Record<string, Instance | null> = {};

  it("has a table entry for every export", async () => {
    signatures = ((await import(`../../../packages/${p}/src/generated/exports.ts`)) as { SIGNATURES: Record<string, string> }).SIGNATURES;
    instances.simd = await load(p, "simd");
    instances["relaxed-simd"] = await load(p, "relaxed-simd");
    const missing = Object.keys(signatures).filter((k) => !(k in table) && !(k in NOT_KERNELS));
    expect(missing, `kernels of ${p} with no conformance entry (add them to the kernel tables)`).toEqual([]);
  });

  it("js, simd and relaxed-simd agree, within the stated buffer lengths", () => {
    expect(Object.keys(signatures).length).toBeGreaterThan(0);
    const failures: string[] = [];
    let calls = 0;
    for (const [name, sig] of Object.entries(signatures)) {
      if (name in NOT_KERNELS) continue;
      const entry = table[name];
      if (!entry) continue; // reported by the test above
      const params = sig.split(">")[0];
      for (const n of entry.sizes ?? [1, 2, 5, 17]) {
        for (const seed of SEEDS) {
          const c = entry.make(n, new Rng(1000 * seed + n), seed);
          if (c.args.length !== params.length) {
            failures.push(`${name}: the table gives ${c.args.length} arguments, the export takes ${params.length}`);
            break;
          }
          const want = callJs(kernels, name, c);
          for (const variant of ["simd", "relaxed-simd"] as const) {
            const inst = instances[variant];
            if (!inst) continue;
            const tol = variant === "simd" ? (SIMD_TOLERANCE[name]?.tol ?? 0) : RELAXED_TOLERANCE;
            let why: string | null;
            try {
              const got = callWasm(inst, name, params, c);
              if (entry.iterations && variant === "relaxed-simd" && Math.sign(got.result as number) === Math.sign(want.result as number)) {
                got.result = want.result;
              }
              why = compareRuns(got, want, tol);
            } catch (e) {
              why = (e as Error).message;
            }
            calls++;
            if (why) failures.push(`${name} [${variant}, n = ${n}, seed ${seed}]: ${why}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(0);
  });
});

describe("the conformance harness", () => {
  it("fails a kernel that writes past a buffer shorter than it is told", async () => {
    const inst = await load("linalg", "simd");
    const x = new Float64Array([1, 2, 3]);
    // scal of 4 entries on a 3-entry view writes the guard after it.
    expect(() => callWasm(inst!, "scal", "ifp", { args: [4, 2, x] })).toThrow(/scal: wrote past buffer 0/);
    expect(callWasm(inst!, "scal", "ifp", { args: [3, 2, x] }).buffers[0]).toEqual(new Float64Array([2, 4, 6]));
  });

  it("reports a disagreement", () => {
    const a = { result: 1, buffers: [new Float64Array([1, 2])] };
    expect(compareRuns(a, { result: 1, buffers: [new Float64Array([1, 2 + 2 ** -51])] }, 0)).toMatch(/entry 1/);
    expect(compareRuns(a, { result: 1, buffers: [new Float64Array([1, 2 + 2 ** -51])] }, 1e-12)).toBeNull();
    expect(compareRuns(a, { result: 2, buffers: [new Float64Array([1, 2])] }, 1e-3)).toMatch(/returned 1/);
  });
});
