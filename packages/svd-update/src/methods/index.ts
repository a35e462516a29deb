// The update methods by name (docs/ARCHITECTURE.md).
import { deng } from "./deng.js";
import { dengGkl, dengRpi, vecharynski, yamazaki } from "./approximate.js";
import type { UpdateMethod, UpdateStrategy } from "./method.js";
import { zhaSimon } from "./zha-simon.js";

export type { Orth, OrthOf, UpdateMethod, UpdateStrategy } from "./method.js";

/** Every update method's strategy. */
export const METHODS: Readonly<Record<UpdateMethod, UpdateStrategy>> = {
  deng,
  "deng-gkl": dengGkl,
  "deng-rpi": dengRpi,
  "zha-simon": zhaSimon,
  vecharynski,
  yamazaki,
};

/** The method names, in the order of the README. */
export const METHOD_NAMES = Object.keys(METHODS) as UpdateMethod[];
