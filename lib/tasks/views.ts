// The two augmented views of a batch that SimCLR and BYOL train on, made in the step (views) or
// ahead of it on worker threads (viewsAsync, for Task.prefetch). Both reserve the step
// generator's counters in the same order (view 1, then view 2), so the pixels are identical and
// a run gives the same losses with or without prefetch.
import type { Augment } from '../augment/pipeline.js';
import type { Generator } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { invalidParameter } from '../validate.js';
import type { Batch } from './task.js';

export type Views = [Tensor, Tensor];

export function views(batch: Batch, generator: Generator, first: Augment, second: Augment): Views {
  return [first.apply(batch, generator), second.apply(batch, generator)];
}

export function viewsAsync(batch: Batch, generator: Generator, first: Augment, second: Augment): Promise<Views> {
  const a = first.applyAsync(batch, generator), b = second.applyAsync(batch, generator);
  return Promise.all([a, b]);
}

// `prepared` as loss() receives it: views of this batch, or undefined to make them now.
export function preparedViews(prepared: unknown, batch: Batch, generator: Generator, first: Augment, second: Augment): Views {
  if (prepared === undefined) return views(batch, generator, first, second);
  const N = batch.shape[0];
  if (!Array.isArray(prepared) || prepared.length !== 2 || !prepared.every((v) => v instanceof Tensor && v.ndim === 4 && v.shape[0] === N))
    throw invalidParameter('prepared', `the two views of this batch of ${N} (what prefetch() resolved to)`, prepared);
  return prepared as Views;
}
