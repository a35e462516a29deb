import type { Options } from "tsup";
export function lowrankTsup(entry?: string[]): Options;
