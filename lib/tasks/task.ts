// The pretext-task interface the trainer drives. A task owns its heads (projection MLPs,
// predictors, decoders) and shares the encoder; it turns a batch of images into a scalar loss.
// Everything random inside a step comes from `ctx.generator` (or a Generator seeded from it), so a
// step is reproducible from (seed, step) alone: that is what makes resume = uninterrupted.
import type { Module } from '../nn/module.js';
import type { Generator } from '../random.js';
import type { Tensor } from '../tensor/tensor.js';

export interface Batch {
  // Raw uint8 items of the batch in row-major order, (N, ...item shape): pixels (N, C, H, W),
  // clips (N, C, T, H, W) or byte windows (N, L); and their dataset indices.
  images: Uint8Array;
  shape: number[];
  indices: Int32Array;
  labels: Int32Array | null;
}

export interface StepContext {
  step: number;        // global step, 0-based, counted across epochs
  epoch: number;       // 0-based
  totalSteps: number;  // planned steps of the whole run (schedules)
  generator: Generator; // seeded for this step: Generator(seed, counter offset derived from step)
}

export interface Task {
  readonly name: string;
  // The feature extractor that transfers: images (N, C, H, W) -> features (N, F).
  readonly encoder: Module;
  // Every trained module (encoder + heads) under one root: parameters, state dict, train/eval.
  readonly model: Module;
  // Builds the graph for one step and returns the scalar loss (the trainer calls backward).
  // `prepared` is what prefetch() resolved to for this batch and ctx, or undefined.
  loss(batch: Batch, ctx: StepContext, prepared?: unknown): Tensor;
  // Work of a step that needs no parameters (augmented views), started before the previous step
  // trains so it runs beside it (the loader's prefetch). It must draw from ctx.generator exactly
  // what loss() would draw first, so a run's numbers are the same with or without it.
  prefetch?(batch: Batch, ctx: StepContext): Promise<unknown>;
  // After the optimizer step (BYOL's target EMA, for example).
  afterStep?(ctx: StepContext): void;
  // Extra tensors a checkpoint must keep (BYOL's target network), by name.
  extraState?(): Map<string, Float32Array>;
  // Throws a clear error when images of this shape (C, H, W) cannot feed the task (a patch grid
  // larger than the image, grayscale input to colorization); fit calls it before any work.
  checkInput?(shape: readonly number[]): void;
  // Pretext metrics on held-out images (pretext accuracy, colorization error), fixed seed.
  evaluate?(set: import('../data/dataset.js').Dataset, opts?: { seed?: number; batchSize?: number; limit?: number }): Record<string, number>;
  // A JSON-serializable description of the task's configuration (saved in checkpoints).
  config(): Record<string, unknown>;
}
