// The update methods, one module each, by name (docs/ARCHITECTURE.md).
import { deng } from "./deng.js";
import { dengGkl } from "./deng-gkl.js";
import { dengRpi } from "./deng-rpi.js";
import type { UpdateMethod, UpdateStrategy } from "./method.js";
import { vecharynski } from "./vecharynski.js";
import { yamazaki } from "./yamazaki.js";
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
