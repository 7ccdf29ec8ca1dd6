// Activations and dropout on the native pointwise kernels. Dropout draws its mask from the seeded
// generator (lib/random.ts), so a seed fixes the mask whatever the thread count.
import { native } from '../native/loader.js';
import { defaultGenerator, Generator } from '../random.js';
import { attach, accumulateGrad, Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/pool.js';
import { checkBool, checkNumber, invalidParameter } from '../validate.js';
import { checkTensor } from './shape.js';
import { emptyFloat32 } from '../tensor/storage.js';

const KIND = { relu: 0, leakyRelu: 1, gelu: 2, sigmoid: 3, tanh: 4 } as const;
type Kind = keyof typeof KIND;

function activation(kind: Kind, x: Tensor, alpha = 0): Tensor {
  checkTensor('x', x);
  const nb = native();
  const y = emptyFloat32(x.size);
  nb.activationForward(KIND[kind], y, x.data, alpha);
  const usesOutput = kind === 'sigmoid' || kind === 'tanh';
  return attach(new Tensor(y, x.shape), kind, [x], (g) => {
    const gx = gradBuffer(x.size);
    nb.activationBackward(KIND[kind], gx, g, usesOutput ? null : x.data, usesOutput ? y : null, alpha);
    accumulateGrad(x, gx);
  });
}

export const relu = (x: Tensor) => activation('relu', x);
export const gelu = (x: Tensor) => activation('gelu', x);
export const sigmoid = (x: Tensor) => activation('sigmoid', x);
export const tanh = (x: Tensor) => activation('tanh', x);
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return activation('leakyRelu', x, checkNumber('negativeSlope', negativeSlope));
}

// Inverted dropout: kept elements are scaled by 1/(1-p) at training time; identity otherwise.
export function dropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator()): Tensor {
  checkTensor('x', x);
  checkNumber('p', p, 0, 1);
  checkBool('training', training);
  if (!(generator instanceof Generator)) throw invalidParameter('generator', 'Generator', generator);
  if (!training || p === 0) return x;
  if (p === 1) return attach(new Tensor(new Float32Array(x.size), x.shape), 'dropout', [x], (g) => accumulateGrad(x, new Float32Array(g.length)));
  const y = new Float32Array(x.size), mask = new Float32Array(x.size);
  native().dropoutForward(y, mask, x.data, p, generator.seed, generator.reserve(x.size));
  return attach(new Tensor(y, x.shape), 'dropout', [x], (g) => {
    const gx = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) gx[i] = g[i] * mask[i];
    accumulateGrad(x, gx);
  });
}
