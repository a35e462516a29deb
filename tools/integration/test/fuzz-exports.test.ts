// A seeded fuzz over every public export of every package, as a user's
// harness would run it: the exports are enumerated at run time from the
// package entry points (and public subpaths; "/kernels" and "/internal" are
// unstable and left out), and every function, static method, constructor and instance method is
// called with valid arguments (from recipes, in every accepted input form,
// both backends), with one argument made invalid, with one made odd (legal or
// arguable), and with generated hostile argument lists. Each call must return
// (finite output from finite input) or throw a LowrankError with a stable
// code; invalid arguments must be refused; no call may run past its budget.
// FUZZ_CASES=50000 runs a long fuzz by hand (FUZZ_SEED, FUZZ_ONLY=<text> to
// narrow); the default keeps the test to a few seconds.
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import * as linalg from "@lowrank/linalg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATASETS_RECIPES, LINALG_RECIPES, type Backend, type Recipe } from "./fuzz-exports-recipes.js";
import { makeFixtures, packageRecipes, type Fixtures } from "./fuzz-exports-recipes2.js";
import { classify, DEFECTS, makeCall, type Mode, type Verdict } from "./fuzz-exports-run.js";
import { BAD_INTS, BAD_MATRICES, BAD_OPTION_OBJECTS, BAD_TENSORS, BAD_VECTORS, fresh, Gen, show, UNKNOWN_KEYS } from "./fuzz-exports-values.js";

/** FUZZ_BUILDING_BLOCKS=1 adds linalg's unstable "/internal" subpath (see BUILDING_BLOCKS). */
const WITH_BUILDING_BLOCKS = process.env.FUZZ_BUILDING_BLOCKS === "1";
const MODULES = [
  "@lowrank/linalg", "@lowrank/matrix-completion", "@lowrank/matrix-completion/spark", "@lowrank/svd-update",
  "@lowrank/tensor-network", "@lowrank/sensitivity-sampling", "@lowrank/datasets", "@lowrank/datasets/node",
  ...(WITH_BUILDING_BLOCKS ? ["@lowrank/linalg/internal"] : []),
];
const CASES = Number(process.env.FUZZ_CASES ?? 2500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const ONLY = process.env.FUZZ_ONLY ?? "";
/** FUZZ_LOG=<file>: each call is written there before it runs (to find a call that never returns). */
const LOG = process.env.FUZZ_LOG ?? "";

/** Exports that change process-wide state (init once in beforeAll; stopping the pool mid-fuzz is not a user call). */
const SKIP = new Set(["init", "initRuntime", "stopThreads"]);
/**
 * linalg's building blocks for kernel authors: they take a kernel set, raw
 * Float64Array buffers with leading dimensions, or a WebAssembly memory, and
 * trust them as the kernels do (a wrong n walks past the buffers). They are on
 * the unstable "@lowrank/linalg/internal" subpath, fuzzed only with FUZZ_BUILDING_BLOCKS=1.
 */
const BUILDING_BLOCKS = new Set([
  "Arena", "WasmLoader", "WasmModule", "WasmInstance", "WasmWorkspace", "JsWorkspace", "defineKernelModule", "jacobiSvd", "luInverse",
  "luSolve", "orthonormalize", "spdSolve", "triangleWithIdentity", "pointerOf", "withParallelGemm", "withLinalg", "threadedInstance",
  // The Lanczos driver's pieces (settings, workspace sizes, steps on views), exported for svd-update and matrix-completion.
  "defaultBasisSize", "lanczosBytes", "lanczosSettings", "lanczosSteps", "gramBytes", "gramFloor", "gramSteps", "lanczosSvdIn",
  "lanczosSync", "lanczosSyncBytes", "lanczosTruncatedSvd", "qrBlockedWorkSize", "orthonormalizeWorkSize", "arenaBytes", "align16",
]);
/**
 * Members private or protected in TypeScript that JavaScript still reaches; each must refuse hostile calls with a
 * LowrankError. Keep this short: make a new private member JS-private (#) or a module-level function instead.
 */
const REACHABLE_PRIVATE = [
  "@lowrank/sensitivity-sampling new OnlineLeverageSampler", "@lowrank/sensitivity-sampling new OnlineLewisSampler", "@lowrank/svd-update new EvolvingSvd",
];
/** Exports that read data files (seconds each, tens under load): called rarely, and only in long runs (FUZZ_CASES >= 20000). */
const SLOW = new Set(["loadSotu", "loadSpamAssassin", "loadImage", "loadBostonHousing", "loadCpsWages", "loadSparkAls", "saveSparkAls"]);

/**
 * Members declared private or protected (TypeScript keeps them callable from
 * JavaScript, but they are not public): read from each package's sources (a
 * build in progress may lack its declaration files), as "Class.name" (static)
 * or "Class#name".
 */
function privateMembers(): Set<string> {
  const out = new Set<string>();
  const require = createRequire(import.meta.url);
  for (const p of ["linalg", "matrix-completion", "svd-update", "tensor-network", "sensitivity-sampling", "datasets"]) {
    const src = require.resolve(`@lowrank/${p}/package.json`).replace(/package\.json$/, "src");
    if (!existsSync(src)) continue;
    for (const f of readdirSync(src, { recursive: true }).map(String).filter((n) => n.endsWith(".ts"))) {
      const text = readFileSync(join(src, f), "utf8");
      // Each class's text runs to the next class declaration; its members are indented two spaces.
      const parts = text.split(/^(?=(?:export )?(?:abstract )?class \w+)/m);
      for (const part of parts) {
        const cls = /^(?:export )?(?:abstract )?class (\w+)/.exec(part)?.[1];
        if (!cls) continue;
        for (const m of part.matchAll(/^ {2}(?:private|protected) (static )?(?:readonly )?(?:async )?(?:get |set )?(\w+)/gm)) {
          out.add(`${cls}${m[1] ? "." : "#"}${m[2]}`);
        }
      }
    }
  }
  return out;
}

interface Target {
  name: string;
  module: string;
  call: (args: unknown[]) => unknown;
  arity: number;
  recipe?: Recipe;
  weight: number;
  /** Private or protected in TypeScript, yet reachable from JavaScript (fuzzed with hostile arguments only). */
  hidden?: boolean;
}

const isClass = (f: unknown): f is new (...a: unknown[]) => unknown =>
  typeof f === "function" && /^class\b/.test(Function.prototype.toString.call(f));

let fixtures: Fixtures;
const recipes: Recipe[] = [...LINALG_RECIPES, ...DATASETS_RECIPES, ...packageRecipes(() => fixtures)];
const byTarget = new Map(recipes.map((r) => [r.target, r]));

/** Instances for instance methods without a recipe, by class name. */
function instanceOf(cls: string, g: Gen, backend: Backend): unknown {
  const withSelf = recipes.find((r) => r.self && r.target.includes(` ${cls}#`));
  return withSelf?.self?.(g, backend);
}

async function enumerate(): Promise<{ targets: Target[]; listed: string[] }> {
  const targets: Target[] = [], listed: string[] = [];
  const hidden = privateMembers();
  for (const module of MODULES) {
    const mod = (await import(module)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value !== "function" || SKIP.has(name)) continue;
      if (BUILDING_BLOCKS.has(name) && !WITH_BUILDING_BLOCKS) continue;
      const weight = SLOW.has(name) ? (CASES >= 20_000 ? 0.02 : 0) : 1;
      const add = (t: string, call: (args: unknown[]) => unknown, arity: number, isHidden = false) => {
        if (!isHidden) listed.push(`${module} ${t}`);
        targets.push({ name: t, module, call, arity, recipe: isHidden ? undefined : byTarget.get(`${module} ${t}`), weight, hidden: isHidden });
      };
      if (!isClass(value)) {
        add(name, (a) => (value as (...x: unknown[]) => unknown)(...a), value.length);
        continue;
      }
      // A subclass without its own constructor inherits a private or protected one.
      let ctorHidden = false;
      for (let c: unknown = value; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
        if (hidden.has(`${(c as { name: string }).name}#constructor`)) ctorHidden = true;
      }
      // A JavaScript caller ignores TypeScript's privacy: what it can reach is fuzzed (hostile arguments), marked hidden.
      add(`new ${name}`, (a) => new value(...a), value.length, ctorHidden);
      for (const s of Object.getOwnPropertyNames(value)) {
        const f = (value as unknown as Record<string, unknown>)[s];
        if (typeof f === "function" && !["length", "name", "prototype"].includes(s)) add(`${name}.${s}`, (a) => (f as (...x: unknown[]) => unknown).apply(value, a), f.length, hidden.has(`${name}.${s}`));
      }
      // Instance methods, inherited ones included (up to Object.prototype).
      const methods = new Map<string, string>();
      for (let proto = value.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        for (const m of Object.getOwnPropertyNames(proto)) {
          if (m !== "constructor" && !methods.has(m) && typeof Object.getOwnPropertyDescriptor(proto, m)?.value === "function") methods.set(m, proto.constructor.name);
        }
      }
      for (const [m, owner] of methods) {
        const f = value.prototype[m] as (...x: unknown[]) => unknown;
        add(`${name}#${m}`, (a) => f.apply(a[0], a.slice(1)), f.length, hidden.has(`${name}#${m}`) || hidden.has(`${owner}#${m}`));
        (targets[targets.length - 1] as Target & { cls?: string }).cls = name;
      }
    }
  }
  return { targets, listed };
}

/** Hostile values for generated argument lists. */
const HOSTILE: readonly unknown[] = [
  ...BAD_MATRICES, ...BAD_TENSORS, ...BAD_VECTORS, ...BAD_INTS, ...BAD_OPTION_OBJECTS, 1e9, 2 ** 32 + 1, 1e308, 5e-324, -0, 0, 1, 2,
  { rows: 2, cols: 2, data: Float64Array.of(1, 2, 3, 4) }, [[1, 2], [3, 4]], { shape: [2, 2, 2], data: new Float64Array(8).fill(1) },
  Float32Array.of(1, 2), Int32Array.of(0, 1), Uint8Array.of(1, 2, 3), Object.fromEntries(UNKNOWN_KEYS.map((k) => [k, 1])), "",
];

type Row = Record<Verdict, number> & { cases: number };
const tally = new Map<string, Row>();
const defects: string[] = [];
const seenDefect = new Set<string>();
let slowest = { ms: 0, what: "" };
/** Valid-mode outcomes per target (FUZZ_VERBOSE=1 prints them: a recipe whose valid calls are mostly refused tests little). */
const validOutcomes = new Map<string, { ok: number; refused: Record<string, number> }>();

function record(pkg: string, verdict: Verdict, what: string, detail: string, ms: number): void {
  const row = tally.get(pkg) ?? ({
    cases: 0, ok: 0, refused: 0, callback: 0, "non-lowrank": 0, internal: 0, "non-finite": 0, "accepted-invalid": 0, hang: 0, "broken-after-throw": 0,
  } as Row);
  row.cases++;
  row[verdict]++;
  tally.set(pkg, row);
  if (ms > slowest.ms) slowest = { ms, what };
  if (DEFECTS.includes(verdict)) {
    const key = `${what.split(" :: ")[0]} ${verdict} ${detail.replace(/[0-9.e+-]+/g, "#").slice(0, 60)}`;
    if (!seenDefect.has(key)) {
      seenDefect.add(key);
      defects.push(`${verdict}: ${what}: ${detail}`);
    }
  }
}

/** What a call gave, as text: its numbers (at most 400) or its error code. */
async function fingerprint(t: Target, backend: Backend): Promise<string> {
  const recipe = t.recipe!;
  const g = new Gen(4242);
  const self = t.name.includes("#") ? await recipe.self!(g, backend) : undefined;
  const args = recipe.slots(g, backend).map((s) => s.value);
  try {
    const v = await t.call(t.name.includes("#") ? [self, ...args] : args);
    const nums: number[] = [];
    collect(v, nums, 0);
    return nums.join(",");
  } catch (e) {
    return `threw ${(e as { code?: string }).code ?? (e as Error).name}`;
  }
}

function collect(x: unknown, out: number[], depth: number): void {
  if (out.length >= 400 || depth > 5 || x === null) return;
  if (typeof x === "number") out.push(x);
  else if (ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array)) {
    for (const v of Array.from(x as unknown as ArrayLike<number>).slice(0, 400 - out.length)) out.push(v);
  } else if (typeof x === "object" && !(x instanceof Map)) {
    for (const [k, v] of Object.entries(x as object)) if (!TIMINGS.has(k)) collect(v, out, depth + 1);
  }
}

/** Fields that hold timings (they differ from run to run). */
const TIMINGS = new Set(["ms", "seconds", "elapsed", "time", "timeMs"]);

/** The first fingerprint of each target's fixed call, per backend. */
const reference = new Map<string, string>();

/**
 * After a call that threw (an invalid argument, an abort, a throwing callback),
 * the target's fixed valid call must give what it gave the first time.
 */
async function checkRecovery(t: Target, backend: Backend, after: string): Promise<void> {
  const key = `${t.module} ${t.name} ${backend}`;
  const fp = await fingerprint(t, backend);
  const first = reference.get(key);
  if (first === undefined) reference.set(key, fp);
  else if (fp !== first) record(t.module.replace("@lowrank/", "").split("/")[0], "broken-after-throw", `${key} after ${after}`, `${fp.slice(0, 80)} != ${first.slice(0, 80)}`, 0);
}

async function runOne(t: Target, g: Gen, i: number): Promise<void> {
  const backend: Backend = i % 2 === 0 ? "js" : "wasm";
  const withSelf = t.name.includes("#");
  const cls = (t as Target & { cls?: string }).cls ?? "";
  let mode: Mode = "generic";
  let args: unknown[];
  let change = "";
  let call = { mode, finite: false, throwingCallback: false };
  let self: unknown = undefined;
  if (withSelf) {
    self = await (t.recipe?.self ?? ((gg: Gen, b: Backend) => instanceOf(cls, gg, b)))(g, backend);
    if (self === undefined) return;
  }
  if (t.recipe && g.chance(0.8)) {
    const u = g.uniform();
    mode = u < 0.35 ? "valid" : u < 0.8 ? "invalid" : "odd";
    const c = makeCall(g, t.recipe.slots(g, backend), mode);
    ({ args, change } = c);
    call = c;
    mode = c.mode;
  } else {
    const n = g.int(0, Math.max(1, t.arity) + 1);
    args = Array.from({ length: n }, () => fresh(g.pick(HOSTILE)));
    change = "hostile arguments";
  }
  const full = withSelf ? [self, ...args] : args;
  const what = `${t.module} ${t.name} :: ${mode} (${backend}) ${change} :: args ${show(args)}`;
  if (LOG) appendFileSync(LOG, `${i} ${what.slice(0, 400)}\n`);
  const o = await classify(() => t.call(full), call, t.recipe?.nonFinite ?? (() => false), t.weight < 1 ? 60_000 : undefined);
  record(t.module.replace("@lowrank/", "").split("/")[0], o.verdict, what, o.detail, o.ms);
  if (t.recipe && (o.verdict === "refused" || o.verdict === "callback") && (mode !== "invalid" || g.chance(0.1))) await checkRecovery(t, backend, what);
  if (mode === "valid") {
    const v = validOutcomes.get(t.name) ?? { ok: 0, refused: {} };
    if (o.verdict === "ok") v.ok++;
    else v.refused[o.detail.slice(0, 20)] = (v.refused[o.detail.slice(0, 20)] ?? 0) + 1;
    validOutcomes.set(t.name, v);
  }
}

describe("every public export, fuzzed", () => {
  let targets: Target[] = [];
  let listed: string[] = [];
  beforeAll(async () => {
    await linalg.init();
    fixtures = await makeFixtures();
    ({ targets, listed } = await enumerate());
  });
  afterAll(() => {
    const rows = [...tally].map(([p, r]) => `${p.padEnd(22)} ${String(r.cases).padStart(6)} ok ${r.ok} refused ${r.refused} callback ${r.callback} | ${DEFECTS.map((d) => `${d} ${r[d]}`).join(", ")}`);
    if (process.env.FUZZ_VERBOSE) for (const [t, v] of validOutcomes) console.log(`valid ${t}: ok ${v.ok} refused ${JSON.stringify(v.refused)}`);
    console.log(`fuzz-exports: ${CASES} cases, seed ${SEED}, slowest ${slowest.ms.toFixed(0)} ms (${slowest.what.slice(0, 100)})\n${rows.join("\n")}`);
  });

  it("every recipe names an export that exists, and the enumeration finds every package", () => {
    for (const r of recipes) expect(listed, r.target).toContain(r.target);
    for (const m of MODULES) expect(listed.some((t) => t.startsWith(`${m} `)), m).toBe(true);
    // The private-member reader finds what it must skip (else those members would be fuzzed as public).
    const hidden = privateMembers();
    for (const m of ["EvolvingSvd#constructor", "OnlineLeverageSampler#constructor", "EvolvingSvd#busy"]) expect(hidden, m).toContain(m);
  });

  it("members private in TypeScript are private in JavaScript too (#), or refuse every call with a LowrankError", async () => {
    // What a caller that ignores TypeScript (own and prototype property names, statics) still reaches: the
    // constructors behind create(), which refuse any caller without the factories' pass.
    const hiddenTargets = targets.filter((t) => t.hidden && !t.module.endsWith("/internal")); // building blocks: see BUILDING_BLOCKS
    expect(hiddenTargets.map((t) => `${t.module} ${t.name}`).sort()).toEqual(REACHABLE_PRIVATE);
    const g = new Gen(SEED + 1);
    for (const t of hiddenTargets) {
      const cls = t.name.includes("#") ? t.name.split("#")[0] : "";
      for (let i = 0; i < 40; i++) {
        const args = i < HOSTILE.length ? [fresh(HOSTILE[i])] : Array.from({ length: g.int(0, Math.max(1, t.arity) + 1) }, () => fresh(g.pick(HOSTILE)));
        const self = cls ? await instanceOf(cls, g, i % 2 === 0 ? "js" : "wasm") : undefined;
        const o = await classify(() => t.call(cls ? [self, ...args] : args), { mode: "generic", finite: false, throwingCallback: false }, () => true);
        expect(o.verdict, `${t.module} ${t.name}(${show(args)}): ${o.detail}`).toBe(t.name.startsWith("new ") ? "refused" : o.verdict === "ok" ? "ok" : "refused");
      }
    }
    // Instances carry no callable own properties (those would be members outside the documented API too).
    for (const r of recipes.filter((x) => x.self)) {
      const self = await r.self!(new Gen(1), "js");
      const callable = Object.getOwnPropertyNames(self).filter((n) => typeof (self as Record<string, unknown>)[n] === "function");
      expect(callable, r.target).toEqual([]);
    }
  });

  it("no exception but LowrankError, no non-finite output from finite input, no accepted invalid input, no hang", async () => {
    const g = new Gen(SEED);
    const pool = targets.filter((t) => !ONLY || `${t.module} ${t.name}`.includes(ONLY));
    const weights = pool.map((t) => (t.recipe ? 3 / (t.recipe.rare ?? 1) : 1) * t.weight);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < CASES; i++) {
      let u = g.uniform() * total, k = 0;
      while (k < pool.length - 1 && u >= weights[k]) u -= weights[k++];
      await runOne(pool[k], g, i);
    }
    expect(defects.slice(0, 60), `${defects.length} distinct defects`).toEqual([]);
  }, 600_000);
});
