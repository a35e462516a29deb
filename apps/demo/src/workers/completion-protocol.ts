export type CompletionMethod = "bpmf" | "als" | "altmin" | "robust-altmin";

export interface CompletionRequest {
  base: string;
  rank: number;
  /** Fraction of pixels removed. */
  missing: number;
}

export interface CompletionResult {
  method: CompletionMethod;
  psnr: number;
  /** RMSE on the removed pixels after each iteration. */
  curve: number[];
  ms: number;
  rgba: Uint8ClampedArray;
}

export type CompletionMessage =
  | { type: "images"; h: number; w: number; original: Uint8ClampedArray; masked: Uint8ClampedArray; maskedPsnr: number }
  | { type: "result"; result: CompletionResult }
