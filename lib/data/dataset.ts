// What the loader and the trainer take: N uint8 items of one shape, row-major, with optional
// labels. Images are (C, H, W) (ImageSet), video clips (C, T, H, W), byte-level text windows (L).
export interface Dataset {
  images: Uint8Array; // (N, ...shape) row-major
  labels: Int32Array | null;
  shape: number[];    // per-item shape
  length: number;
  source: string;
  // Called by the loader before each epoch's batches (random photo crops redrawn per epoch).
  prepareEpoch?(epoch: number): void;
}

export const itemSize = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
