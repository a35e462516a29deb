// Measures the WASM SIMD128 f64 ceiling of this machine by compiling
// peak.as.ts (simd and, where the engine runs it, relaxed-simd) and timing its
// register-only multiply-add chains. Used by blas.bench.ts to print the
// distance between our GEMM and what the hardware allows through WASM.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export async function measurePeak() {
  const asc = join(dirname(require.resolve("assemblyscript/package.json")), "bin", "asc.js");
  const dir = mkdtempSync(join(tmpdir(), "lowrank-peak-"));
  const out = {};
  for (const [variant, features] of [["simd", "simd"], ["relaxed-simd", "simd,relaxed-simd"]]) {
    const file = join(dir, `${variant}.wasm`);
    execFileSync(process.execPath, [asc, join(import.meta.dirname, "peak.as.ts"), "-o", file, "-O3", "--runtime", "stub", "--enable", features, "--use", "abort="]);
    let instance;
    try {
      instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {});
    } catch {
      continue;
    }
    const peak = instance.exports.peak;
    for (let r = 0; r < 20; r++) peak(1000, r);
    await new Promise((r) => setTimeout(r, 20));
    const iters = 2e7;
    const times = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      peak(iters, r);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    out[variant] = (iters * 48) / (times[2] * 1e6);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await measurePeak());
