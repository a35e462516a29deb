// Measures the WASM SIMD128 f64 ceiling of this machine by compiling
// peak.as.ts (simd and, where the engine runs it, relaxed-simd) and timing its
// two forms of twelve multiply-add chains (registers only; one operand loaded
// from L1), the better of the two per variant. Used by blas.bench.ts to print
// the distance between our GEMM and what the hardware allows through WASM.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The compiled probe module's exports per variant (variants the engine cannot run are left out). */
function probeModules() {
  const asc = join(dirname(require.resolve("assemblyscript/package.json")), "bin", "asc.js");
  const dir = mkdtempSync(join(tmpdir(), "lowrank-peak-"));
  const out = {};
  for (const [variant, features] of [["simd", "simd"], ["relaxed-simd", "simd,relaxed-simd"]]) {
    const file = join(dir, `${variant}.wasm`);
    execFileSync(process.execPath, [asc, join(import.meta.dirname, "peak.as.ts"), "-o", file, "-O3", "--runtime", "stub", "--enable", features, "--use", "abort="]);
    try {
      out[variant] = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {}).exports;
    } catch {
      continue;
    }
  }
  return out;
}

/** The probe instances per variant (variants the engine cannot run are left out): { variant: [peak, peakLoads] }. */
export function peakProbes() {
  return Object.fromEntries(Object.entries(probeModules()).map(([v, x]) => [v, [x.peak, x.peakLoads]]));
}

/**
 * Both the peak forms and the GEMM tile's instruction mix (tileMix: 36 flops
 * per step, L1 and registers only), per variant: { variant: { peak: [peak, peakLoads], tileMix } }.
 */
export function allProbes() {
  return Object.fromEntries(Object.entries(probeModules()).map(([v, x]) => [v, { peak: [x.peak, x.peakLoads], tileMix: x.tileMix }]));
}

export async function measurePeak() {
  const out = {};
  for (const [variant, forms] of Object.entries(peakProbes())) {
    for (const peak of forms) for (let r = 0; r < 20; r++) peak(1000, r);
    await new Promise((r) => setTimeout(r, 20));
    const iters = 2e7;
    const times = forms.map(() => []);
    // The forms alternate, so a burst of load elsewhere hits both alike.
    for (let r = 0; r < 5; r++) {
      forms.forEach((peak, f) => {
        const t = performance.now();
        peak(iters, r);
        times[f].push(performance.now() - t);
      });
    }
    const best = Math.min(...times.map((t) => t.sort((a, b) => a - b)[2]));
    out[variant] = (iters * 48) / (best * 1e6);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await measurePeak());
