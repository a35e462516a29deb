export interface TensorRequest {
  base: string;
  /** Compression ratio asked for: parameter budget = entries / ratio. */
  ratio: number;
}

export interface Reconstruction {
  method: string;
  /** Ranks as text (e.g. "(12, 14, 3)"). */
  structure: string;
  parameters: number;
  ratio: number;
  error: number;
  psnr: number;
  ms: number;
  rgba: Uint8ClampedArray;
}

export interface ShapeRow {
  solver: string;
  rank: number[];
  parameters: number;
  /** HOSVD error of the shape (the solver's objective, as a relative error bound). */
  errorBound: number;
  ms: number;
}

export type TensorMessage =
  | { type: "image"; h: number; w: number; rgba: Uint8ClampedArray; budget: number }
  | { type: "result"; result: Reconstruction }
  | { type: "shapes"; rows: ShapeRow[] }
