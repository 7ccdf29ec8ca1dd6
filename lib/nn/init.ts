// Seeded weight initialisation (PyTorch's formulas), drawing from the one counter-based generator.
import { defaultGenerator, Generator } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumber, checkOneOf } from '../validate.js';

// fan_in = size / shape[0], fan_out = size / shape[1] (conv: Cin/g*k, Cout/g*k... as torch computes).
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

function gain(nonlinearity: string, a: number): number {
  switch (nonlinearity) {
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': return Math.sqrt(2 / (1 + a * a));
    case 'tanh': return 5 / 3;
    default: return 1;
  }
}

export interface KaimingOptions {
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: 'relu' | 'leaky_relu' | 'linear' | 'tanh' | 'sigmoid';
  generator?: Generator;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const a = checkNumber('a', o.a ?? 0);
  const mode = checkOneOf('mode', o.mode ?? 'fanIn', ['fanIn', 'fanOut'] as const);
  const nl = checkOneOf('nonlinearity', o.nonlinearity ?? 'leaky_relu', ['relu', 'leaky_relu', 'linear', 'tanh', 'sigmoid'] as const);
  const f = fans(t.shape);
  return gain(nl, a) / Math.sqrt(mode === 'fanIn' ? f.fanIn : f.fanOut);
}

export function kaimingUniform(t: Tensor, o: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  (o.generator ?? defaultGenerator()).uniform(t.size, -bound, bound, t.data);
  return t;
}

export function kaimingNormal(t: Tensor, o: KaimingOptions = {}): Tensor {
  (o.generator ?? defaultGenerator()).normal(t.size, 0, kaimingStd(t, o), t.data);
  return t;
}

export function xavierUniform(t: Tensor, g = 1, generator: Generator = defaultGenerator()): Tensor {
  const f = fans(t.shape);
  const bound = g * Math.sqrt(6 / (f.fanIn + f.fanOut));
  generator.uniform(t.size, -bound, bound, t.data);
  return t;
}

export function xavierNormal(t: Tensor, g = 1, generator: Generator = defaultGenerator()): Tensor {
  const f = fans(t.shape);
  generator.normal(t.size, 0, g * Math.sqrt(2 / (f.fanIn + f.fanOut)), t.data);
  return t;
}

export function uniform(t: Tensor, lo: number, hi: number, generator: Generator = defaultGenerator()): Tensor {
  generator.uniform(t.size, lo, hi, t.data);
  return t;
}

// PyTorch's default for Linear/Conv: kaiming_uniform(a=√5) on the weight, U(±1/√fan_in) on the bias.
export function defaultLayerInit(weight: Tensor, bias: Tensor | null, generator?: Generator): void {
  kaimingUniform(weight, { a: Math.sqrt(5), generator });
  if (bias) {
    const bound = 1 / Math.sqrt(fans(weight.shape).fanIn);
    uniform(bias, -bound, bound, generator);
  }
}
