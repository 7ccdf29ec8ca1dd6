// Tensor constructors. Random ones draw from the seeded generator (lib/random.ts).
import { defaultGenerator, Generator } from '../random.js';
import { checkNumber, checkOptions, invalidParameter } from '../validate.js';
import { checkShape, sizeOf, Tensor } from './tensor.js';

export function zeros(shape: readonly number[], requiresGrad = false): Tensor {
  const s = checkShape('shape', shape);
  return new Tensor(new Float32Array(sizeOf(s)), s, requiresGrad);
}

export function ones(shape: readonly number[], requiresGrad = false): Tensor {
  return full(shape, 1, requiresGrad);
}

export function full(shape: readonly number[], value: number, requiresGrad = false): Tensor {
  const s = checkShape('shape', shape);
  checkNumber('value', value);
  return new Tensor(new Float32Array(sizeOf(s)).fill(value), s, requiresGrad);
}

export function tensor(values: ArrayLike<number> | Float32Array, shape?: readonly number[], requiresGrad = false): Tensor {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number')
    throw invalidParameter('values', 'array or Float32Array of numbers', values);
  if (!(values instanceof Float32Array))
    for (let i = 0; i < values.length; i++)
      if (typeof values[i] !== 'number') throw invalidParameter(`values[${i}]`, 'number', values[i]);
  const data = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  return new Tensor(data, shape ?? [data.length], requiresGrad);
}

export function randn(shape: readonly number[], opts: { generator?: Generator; requiresGrad?: boolean } = {}): Tensor {
  checkOptions('options', opts, ['generator', 'requiresGrad']);
  const s = checkShape('shape', shape);
  const g = opts.generator ?? defaultGenerator();
  return new Tensor(g.normal(sizeOf(s)), s, opts.requiresGrad ?? false);
}

export function rand(shape: readonly number[], opts: { generator?: Generator; requiresGrad?: boolean } = {}): Tensor {
  checkOptions('options', opts, ['generator', 'requiresGrad']);
  const s = checkShape('shape', shape);
  const g = opts.generator ?? defaultGenerator();
  return new Tensor(g.uniform(sizeOf(s)), s, opts.requiresGrad ?? false);
}
