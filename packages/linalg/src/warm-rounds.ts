// The warm rounds of `init()` (runtime.ts): each package's registered calls on
// small inputs, repeated so that V8 runs their paths in its optimizing tiers
// from a user's first call (docs/ARCHITECTURE.md, "The runtime": warm-up).
import type { Arena } from "./arena.js";
import { setWarmYields } from "./long-run.js";

/**
 * Rounds of warm calls: WARM_ROUNDS, or fewer once WARM_BUDGET_MS is spent
 * after WARM_FLOOR (a slow engine or a busy machine). Counted, not timed:
 * what makes V8 optimise a path is how often it has run (JavaScript after a
 * number of calls and loop iterations, WebAssembly after a number of bytes
 * executed), so a fixed count brings each registered path to the state of
 * its (WARM_ROUNDS + 1)-th call whatever the load, and each call's inputs are
 * chosen small enough that the rounds cost a few milliseconds once
 * optimised.
 */
export const WARM_ROUNDS = 12, WARM_FLOOR = 4;
const WARM_BUDGET_MS = 60;
/**
 * Milliseconds after the start of `init()` past which every module's rounds
 * stop at WARM_FLOOR (a slow engine or a busy machine: the per-call budget
 * alone let four budgets, two modules on one thread then on the pool, add up
 * past 300 ms).
 */
export const INIT_WARM_MS = 220;
let deadline = Infinity;
/** Sets the time (performance.now()) past which `warmRounds` stops at its floor; Infinity for none. */
export function setWarmDeadline(t: number): void {
  deadline = t;
}
/** Rounds between yields to the event loop where a yield costs a timer tick (a browser); Node yields after every round. */
const WARM_YIELD_EVERY = 4;
const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
/**
 * One turn of the event loop: a check-phase callback in Node (microseconds; the pool's start-up and the loading
 * of the threaded variants need such turns to move on while the rounds run), else a timer.
 */
const yieldTask = (): Promise<void> => new Promise((r) => (immediate ? immediate(() => r()) : setTimeout(r, 0)));

/**
 * Calls `fns` round after round, yielding to the event loop so that V8's
 * background compilation of what the last rounds made hot is installed
 * (JavaScript's optimised code is installed on this thread between tasks),
 * until `most` rounds, the budget or init's deadline (past WARM_FLOOR), or
 * `stop()` after a round. A call that
 * throws counts as run (warming is best effort). Returns the rounds run.
 */
export async function warmRounds(fns: (() => unknown)[], most = WARM_ROUNDS, stop?: () => boolean): Promise<number> {
  // The calls' runs yield at every WARM_YIELDS-th boundary, so that their optimised loops have seen a yield (long-run.ts).
  // (Counted: a registration's background rounds may overlap init's.)
  if (warming++ === 0) setWarmYields(WARM_YIELDS);
  try {
    return await runRounds(fns, most, stop);
  } finally {
    if (--warming === 0) setWarmYields(0);
  }
}

/** warmRounds calls under way. */
let warming = 0;

/** Every how many iteration boundaries a warm call's run yields (see setWarmYields). */
const WARM_YIELDS = 8;

async function runRounds(fns: (() => unknown)[], most: number, stop?: () => boolean): Promise<number> {
  const start = performance.now();
  let rounds = 0;
  while (rounds < most) {
    for (const f of fns) {
      try {
        await f();
      } catch {
        // best effort: a platform that refuses a call still works for the others
      }
    }
    rounds++;
    const now = performance.now();
    if (rounds >= WARM_FLOOR && (now - start > WARM_BUDGET_MS || now > deadline)) break;
    if (rounds % WARM_YIELD_EVERY === 0 || immediate) await yieldTask();
    if (stop?.()) break;
  }
  return rounds;
}

/** Bytes above an empty arena's top whose pages `prefault` touches (within the memory's current size). */
export const PREFAULT_BYTES = 2 << 20;

/**
 * Touches once every page of the PREFAULT_BYTES above the top of `arena` (when
 * it holds no block), so that a first call on inputs larger than the warm
 * calls' does not fault fresh pages in (about 0.7 ms a MiB measured here).
 * Writes zeros: above the top lie only freed blocks, whose contents nothing
 * reads, and never-used memory, which is zero already. Memory does not grow.
 * Returns the pages touched.
 */
export function prefault(arena: Arena): number {
  if (arena.used > 0) return 0;
  const u8 = new Uint8Array(arena.memory.buffer);
  const end = Math.min(u8.length, arena.mark() + PREFAULT_BYTES);
  let pages = 0;
  for (let i = (arena.mark() + 4095) & ~4095; i < end; i += 4096, pages++) u8[i] = 0;
  return pages;
}
