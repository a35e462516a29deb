import { LowrankError } from "@lowrank/linalg";
import { expect } from "vitest";

/** Asserts that `fn` throws a LowrankError with the given code. */
export function expectLowrankError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(LowrankError);
  expect((caught as LowrankError).code).toBe(code);
}
