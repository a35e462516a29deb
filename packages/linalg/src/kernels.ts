// Moved to kernels/index.ts; this re-export keeps the old path importable
// until every importer inside the package points at the directory.
export * from "./kernels/index.js";
