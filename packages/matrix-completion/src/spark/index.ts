// @lowrank/matrix-completion/spark: Spark MLlib ALS models in and out
// (docs/ARCHITECTURE.md, "@lowrank/matrix-completion: Spark ALS models").
// A separate entry point, so the Parquet code stays out of the main one.
export { readSparkAls, readSparkAlsMetadata, type ReadSparkAlsOptions, type SparkDecompressor } from "./read.js";
export { writeSparkAls, type WriteSparkAlsOptions } from "./write.js";
export { loadSparkAls, saveSparkAls, type SaveSparkAlsOptions } from "./node.js";
export { ALS_MODEL_CLASS, type SparkAlsMetadata, type SparkAlsParams, type SparkFiles } from "./layout.js";
