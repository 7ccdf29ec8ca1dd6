// Seeded batching over an image set: epoch e visits every item exactly once in the order of a
// permutation drawn from Generator(seed + e), so any epoch's order can be rebuilt from (seed, e)
// without replaying earlier ones (resume). Batches hold raw uint8 pixels; augmentation turns them
// into float views. A set whose items change per epoch (photo-crops.ts: fresh random crops) has a
// prepareEpoch(e), which epoch(e) calls first, so its items too depend only on (seed, e).
import { Generator } from '../random.js';
import type { Batch } from '../tasks/task.js';
import { checkBool, checkInt, checkOptions } from '../validate.js';
import { itemSize, type Dataset } from './dataset.js';

export interface LoaderOptions {
  batchSize: number;
  shuffle?: boolean;
  dropLast?: boolean;
  seed?: number;
}

export class Loader {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;

  constructor(readonly data: Dataset, opts: LoaderOptions) {
    const o = checkOptions<LoaderOptions>('options', opts, ['batchSize', 'shuffle', 'dropLast', 'seed']);
    this.batchSize = checkInt('batchSize', o.batchSize, 1);
    this.shuffle = o.shuffle === undefined ? true : checkBool('shuffle', o.shuffle);
    this.dropLast = o.dropLast === undefined ? false : checkBool('dropLast', o.dropLast);
    this.seed = checkInt('seed', o.seed ?? 0);
    if (this.dropLast && data.length < this.batchSize)
      throw new RangeError(`Expected at least batchSize (${this.batchSize}) items with dropLast but the data set has ${data.length}`);
  }

  batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.data.length / this.batchSize) : Math.ceil(this.data.length / this.batchSize);
  }

  order(epoch: number): Int32Array {
    checkInt('epoch', epoch);
    if (!this.shuffle) return Int32Array.from({ length: this.data.length }, (_, i) => i);
    return new Generator(this.seed + 1_000_003 * (epoch + 1)).permutation(this.data.length);
  }

  batch(order: Int32Array, index: number): Batch {
    const n = this.data.length;
    const start = index * this.batchSize;
    const idx = order.subarray(start, Math.min(n, start + this.batchSize));
    const per = itemSize(this.data.shape);
    const images = new Uint8Array(idx.length * per);
    for (let i = 0; i < idx.length; i++) images.set(this.data.images.subarray(idx[i] * per, (idx[i] + 1) * per), i * per);
    const labels = this.data.labels ? Int32Array.from(idx, (i) => this.data.labels![i]) : null;
    return { images, shape: [idx.length, ...this.data.shape], indices: Int32Array.from(idx), labels };
  }

  // Batches of one epoch, from batch `from` on (resume mid-epoch). batch() alone reads the items
  // as they stand (the epoch last prepared).
  *epoch(epoch: number, from = 0): Generator_<Batch> {
    const order = this.order(epoch);
    (this.data as { prepareEpoch?: (epoch: number) => void }).prepareEpoch?.(epoch);
    for (let b = from; b < this.batchesPerEpoch(); b++) yield this.batch(order, b);
  }
}

type Generator_<T> = globalThis.Generator<T, void, unknown>;
