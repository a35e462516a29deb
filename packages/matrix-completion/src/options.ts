// Options are read by linalg's readOptions (docs/ARCHITECTURE.md, "Options").
// This wrapper refuses, first, unknown keys that name a property of
// Object.prototype ("toString", "constructor", ...): linalg's did-you-mean
// lookup reads them from a plain object and throws a TypeError instead of
// the INVALID_ARGUMENT every other unknown key gets.
import { LowrankError, readOptions, type OptionSchema, type OptionsOf } from "@lowrank/linalg";

/** readOptions(fn, options, schema), with unknown keys such as "toString" refused as INVALID_ARGUMENT too. */
export function readOpts<S extends OptionSchema>(fn: string, options: unknown, schema: S): OptionsOf<S> {
  if (options !== null && typeof options === "object") {
    for (const key of Object.keys(options)) {
      if (!Object.prototype.hasOwnProperty.call(schema, key) && key in Object.prototype) {
        throw new LowrankError("INVALID_ARGUMENT", `${fn}: unknown option "${key}"; valid options: ${Object.keys(schema).join(", ")}`);
      }
    }
  }
  return readOptions(fn, options, schema);
}
