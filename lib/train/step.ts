// One optimization step. Its randomness comes from a generator that depends on (seed, step) only,
// so step k computes the same numbers whether the run got there in one go or was resumed.
import type { Optimizer } from '../optim/optimizer.js';
import { Generator } from '../random.js';
import type { Batch, StepContext, Task } from '../tasks/task.js';
import { Tensor } from '../tensor/tensor.js';

// Each step owns 2^32 Philox counters of Generator(seed), starting at (step + 1) · 2^32: the +1
// leaves offsets below 2^32 to model initialisation under manualSeed(seed), so step 0's draws
// never repeat the initial weights' draws. Offsets are JS numbers, exact up to 2^53, which caps a
// run at MAX_STEPS steps.
export const COUNTERS_PER_STEP = 2 ** 32;
export const MAX_STEPS = 2 ** 21 - 2;

export function stepGenerator(seed: number, step: number): Generator {
  const g = new Generator(seed);
  g.offset = (step + 1) * COUNTERS_PER_STEP;
  return g;
}

export function stepContext(seed: number, step: number, epoch: number, totalSteps: number): StepContext {
  return { step, epoch, totalSteps, generator: stepGenerator(seed, step) };
}

// Sets the lr, computes the loss, back-propagates and updates; returns the loss value. A NaN or
// infinite loss is returned before backward, so the parameters stay those of the previous step
// and the caller can stop with the last good checkpoint intact.
export function runStep(task: Task, optimizer: Optimizer, batch: Batch, ctx: StepContext, lr: number, prepared?: unknown): number {
  optimizer.lr = lr;
  optimizer.zeroGrad();
  const loss = task.loss(batch, ctx, prepared);
  if (!(loss instanceof Tensor) || loss.size !== 1)
    throw new TypeError(`train.fit: task "${task.name}".loss() must return a scalar Tensor but returned ` +
      (loss instanceof Tensor ? `a Tensor of shape [${loss.shape.join(', ')}]` : String(loss)));
  const value = loss.item();
  if (!Number.isFinite(value)) return value;
  loss.backward();
  optimizer.step();
  task.afterStep?.(ctx);
  return value;
}
