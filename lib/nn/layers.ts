// Layers over lib/ops, with PyTorch's constructor arguments, defaults, parameter names and shapes.
import { relu, leakyRelu, gelu, sigmoid, tanh, dropout } from '../ops/activation.js';
import { conv, convTranspose } from '../ops/conv.js';
import { linear } from '../ops/linalg.js';
import { batchNorm, layerNorm } from '../ops/norm.js';
import { avgPool, globalAvgPool, maxPool } from '../ops/pool.js';
import { flatten } from '../ops/shape.js';
import { upsample2d, UpsampleOptions } from '../ops/upsample.js';
import { embedding } from '../ops/embedding.js';
import { defaultGenerator, Generator } from '../random.js';
import { zeros, ones } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt, checkNumber, checkOptions, checkTuple, outOfRange } from '../validate.js';
import { defaultLayerInit } from './init.js';
import { IntBuffer, Module } from './module.js';

export interface ConvLayerOptions {
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
  generator?: Generator;
}

abstract class ConvNd extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly groups: number;

  constructor(readonly nsp: number, inChannels: number, outChannels: number, kernelSize: number | number[],
    opts: ConvLayerOptions | undefined, transposed: boolean, extraKeys: string[] = []) {
    super();
    const o = checkOptions<ConvLayerOptions>('options', opts, ['stride', 'padding', 'dilation', 'groups', 'bias', 'generator', ...extraKeys]);
    checkInt('inChannels', inChannels, 1);
    checkInt('outChannels', outChannels, 1);
    const k = checkTuple('kernelSize', kernelSize, nsp, 1);
    this.stride = checkTuple('stride', o.stride ?? 1, nsp, 1);
    this.padding = checkTuple('padding', o.padding ?? 0, nsp, 0);
    this.dilation = checkTuple('dilation', o.dilation ?? 1, nsp, 1);
    this.groups = checkInt('groups', o.groups ?? 1, 1);
    if (inChannels % this.groups) throw outOfRange('groups', `a divisor of inChannels (${inChannels})`, this.groups);
    if (outChannels % this.groups) throw outOfRange('groups', `a divisor of outChannels (${outChannels})`, this.groups);
    const wShape = transposed ? [inChannels, outChannels / this.groups, ...k] : [outChannels, inChannels / this.groups, ...k];
    this.weight = this.registerParameter('weight', zeros(wShape))!;
    const bias = o.bias === undefined ? true : checkBool('bias', o.bias);
    this.bias = this.registerParameter('bias', bias ? zeros([outChannels]) : null);
    defaultLayerInit(this.weight, this.bias, o.generator);
  }

  protected checkInput(x: Tensor): void {
    if (!(x instanceof Tensor) || x.ndim !== this.nsp + 2)
      throw outOfRange('x', `Tensor of rank ${this.nsp + 2} (N, C, ${['L', 'H, W', 'D, H, W'][this.nsp - 1]})`, x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : x);
  }
}

class Conv extends ConvNd {
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return conv(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

export class Conv1d extends Conv {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], opts?: ConvLayerOptions) {
    super(1, inChannels, outChannels, kernelSize, opts, false);
  }
}
export class Conv2d extends Conv {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], opts?: ConvLayerOptions) {
    super(2, inChannels, outChannels, kernelSize, opts, false);
  }
}
export class Conv3d extends Conv {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], opts?: ConvLayerOptions) {
    super(3, inChannels, outChannels, kernelSize, opts, false);
  }
}

export interface ConvTransposeLayerOptions extends ConvLayerOptions {
  outputPadding?: number | number[];
}

class ConvTranspose extends ConvNd {
  readonly outputPadding: number[];
  constructor(nsp: number, inChannels: number, outChannels: number, kernelSize: number | number[], opts?: ConvTransposeLayerOptions) {
    super(nsp, inChannels, outChannels, kernelSize, opts, true, ['outputPadding']);
    this.outputPadding = checkTuple('outputPadding', opts?.outputPadding ?? 0, nsp, 0);
    this.outputPadding.forEach((op, i) => {
      if (op >= this.stride[i]) throw outOfRange(`outputPadding[${i}]`, `integer smaller than stride (${this.stride[i]})`, op);
    });
  }
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return convTranspose(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation,
      groups: this.groups, outputPadding: this.outputPadding });
  }
}

export class ConvTranspose1d extends ConvTranspose {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], opts?: ConvTransposeLayerOptions) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
}
export class ConvTranspose2d extends ConvTranspose {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], opts?: ConvTransposeLayerOptions) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
}
export class ConvTranspose3d extends ConvTranspose {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], opts?: ConvTransposeLayerOptions) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(inFeatures: number, outFeatures: number, opts?: { bias?: boolean; generator?: Generator }) {
    super();
    const o = checkOptions<{ bias: boolean; generator: Generator }>('options', opts, ['bias', 'generator']);
    checkInt('inFeatures', inFeatures, 1);
    checkInt('outFeatures', outFeatures, 1);
    this.weight = this.registerParameter('weight', zeros([outFeatures, inFeatures]))!;
    const bias = o.bias === undefined ? true : checkBool('bias', o.bias);
    this.bias = this.registerParameter('bias', bias ? zeros([outFeatures]) : null);
    defaultLayerInit(this.weight, this.bias, o.generator);
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export interface BatchNormLayerOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

abstract class BatchNormNd extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: IntBuffer | null;
  readonly eps: number;
  readonly momentum: number;

  constructor(private readonly ranks: number[], numFeatures: number, opts?: BatchNormLayerOptions) {
    super();
    const o = checkOptions<BatchNormLayerOptions>('options', opts, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    checkInt('numFeatures', numFeatures, 1);
    this.eps = checkNumber('eps', o.eps ?? 1e-5, 0, Infinity, true);
    this.momentum = checkNumber('momentum', o.momentum ?? 0.1, 0, 1);
    const affine = o.affine === undefined ? true : checkBool('affine', o.affine);
    const track = o.trackRunningStats === undefined ? true : checkBool('trackRunningStats', o.trackRunningStats);
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures]) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures]) : null);
    this.runningMean = this.registerBuffer('running_mean', track ? zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer('running_var', track ? ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', track ? { kind: 'int', value: 0 } as IntBuffer : null);
  }

  forward(x: Tensor): Tensor {
    return this.normalize(x, false);
  }

  // ReLU(BN(x)) in one kernel pass each way (Sequential uses it for a BatchNorm followed by a ReLU).
  forwardRelu(x: Tensor): Tensor {
    return this.normalize(x, true);
  }

  private normalize(x: Tensor, relu: boolean): Tensor {
    if (!(x instanceof Tensor) || !this.ranks.includes(x.ndim))
      throw outOfRange('x', `Tensor of rank ${this.ranks.join(' or ')}`, x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : x);
    const useBatchStats = this.training || !this.runningMean;
    if (this.training && this.numBatchesTracked) this.numBatchesTracked.value++;
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias,
      { training: useBatchStats, momentum: this.momentum, eps: this.eps, relu });
  }
}

export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, opts?: BatchNormLayerOptions) {
    super([2, 3], numFeatures, opts);
  }
}
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, opts?: BatchNormLayerOptions) {
    super([4], numFeatures, opts);
  }
}
export class BatchNorm3d extends BatchNormNd {
  constructor(numFeatures: number, opts?: BatchNormLayerOptions) {
    super([5], numFeatures, opts);
  }
}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  constructor(normalizedShape: number | number[], opts?: { eps?: number; elementwiseAffine?: boolean }) {
    super();
    const o = checkOptions<{ eps: number; elementwiseAffine: boolean }>('options', opts, ['eps', 'elementwiseAffine']);
    this.normalizedShape = typeof normalizedShape === 'number' ? [checkInt('normalizedShape', normalizedShape, 1)]
      : checkTuple('normalizedShape', normalizedShape, (normalizedShape as unknown[])?.length ?? 0, 1);
    if (this.normalizedShape.length === 0) throw outOfRange('normalizedShape', 'at least one dim', normalizedShape);
    this.eps = checkNumber('eps', o.eps ?? 1e-5, 0, Infinity, true);
    const affine = o.elementwiseAffine === undefined ? true : checkBool('elementwiseAffine', o.elementwiseAffine);
    this.weight = this.registerParameter('weight', affine ? ones(this.normalizedShape) : null);
    this.bias = this.registerParameter('bias', affine ? zeros(this.normalizedShape) : null);
  }
  readonly eps: number;
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

export interface PoolLayerOptions {
  stride?: number | number[];
  padding?: number | number[];
}

class PoolNd extends Module {
  constructor(private readonly nsp: number, private readonly kind: 'max' | 'avg', private readonly kernelSize: number | number[],
    private readonly opts: PoolLayerOptions & { countIncludePad?: boolean } = {}) {
    super();
    checkOptions('options', opts, kind === 'max' ? ['stride', 'padding'] : ['stride', 'padding', 'countIncludePad']);
    const k = checkTuple('kernelSize', kernelSize, nsp, 1);
    if (opts.stride !== undefined) checkTuple('stride', opts.stride, nsp, 1);
    checkTuple('padding', opts.padding ?? 0, nsp, 0).forEach((p, i) => {
      if (2 * p > k[i]) throw outOfRange(`padding[${i}]`, `integer <= kernelSize/2 (${Math.floor(k[i] / 2)})`, p);
    });
    if (opts.countIncludePad !== undefined) checkBool('countIncludePad', opts.countIncludePad);
  }
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim !== this.nsp + 2)
      throw outOfRange('x', `Tensor of rank ${this.nsp + 2}`, x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : x);
    return this.kind === 'max' ? maxPool(x, this.kernelSize, this.opts) : avgPool(x, this.kernelSize, this.opts);
  }
}

export class MaxPool1d extends PoolNd { constructor(k: number | number[], o?: PoolLayerOptions) { super(1, 'max', k, o); } }
export class MaxPool2d extends PoolNd { constructor(k: number | number[], o?: PoolLayerOptions) { super(2, 'max', k, o); } }
export class MaxPool3d extends PoolNd { constructor(k: number | number[], o?: PoolLayerOptions) { super(3, 'max', k, o); } }
type AvgOpts = PoolLayerOptions & { countIncludePad?: boolean };
export class AvgPool1d extends PoolNd { constructor(k: number | number[], o?: AvgOpts) { super(1, 'avg', k, o); } }
export class AvgPool2d extends PoolNd { constructor(k: number | number[], o?: AvgOpts) { super(2, 'avg', k, o); } }
export class AvgPool3d extends PoolNd { constructor(k: number | number[], o?: AvgOpts) { super(3, 'avg', k, o); } }

// (N, C, ...) -> (N, C): the encoder's pooled feature vector.
export class GlobalAvgPool extends Module {
  forward(x: Tensor): Tensor {
    return globalAvgPool(x);
  }
}

export class ReLU extends Module { forward(x: Tensor): Tensor { return relu(x); } }
export class GELU extends Module { forward(x: Tensor): Tensor { return gelu(x); } }
export class Sigmoid extends Module { forward(x: Tensor): Tensor { return sigmoid(x); } }
export class Tanh extends Module { forward(x: Tensor): Tensor { return tanh(x); } }
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumber('negativeSlope', negativeSlope);
  }
  forward(x: Tensor): Tensor { return leakyRelu(x, this.negativeSlope); }
}

export class Dropout extends Module {
  constructor(readonly p = 0.5, private readonly generator?: Generator) {
    super();
    checkNumber('p', p, 0, 1);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1) {
    super();
    checkInt('startDim', startDim, 0);
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim);
  }
}

export class Upsample extends Module {
  constructor(private readonly opts: UpsampleOptions) {
    super();
    checkOptions('options', opts, ['size', 'scaleFactor', 'mode', 'alignCorners']);
    if ((opts.size === undefined) === (opts.scaleFactor === undefined))
      throw new TypeError('Upsample: expected exactly one of options.size and options.scaleFactor');
  }
  forward(x: Tensor): Tensor {
    return upsample2d(x, this.opts);
  }
}

// Token embedding: a (numEmbeddings, dim) table, N(0, 1) init as PyTorch's nn.Embedding.
export class Embedding extends Module {
  readonly weight: Tensor;
  constructor(readonly numEmbeddings: number, readonly dim: number, opts: { generator?: Generator } = {}) {
    super();
    checkInt('numEmbeddings', numEmbeddings, 1);
    checkInt('dim', dim, 1);
    const g = opts.generator ?? defaultGenerator();
    this.weight = this.registerParameter('weight', new Tensor(g.normal(numEmbeddings * dim), [numEmbeddings, dim]))!;
  }
  // ids (any shape idsShape) -> (...idsShape, dim)
  lookup(ids: Int32Array | Uint8Array | readonly number[], idsShape?: readonly number[]): Tensor {
    return embedding(ids, this.weight, idsShape);
  }
  forward(): Tensor {
    throw new TypeError('Embedding: call lookup(ids, idsShape); forward takes no tensor input');
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  // A batch norm followed by a ReLU runs fused (BatchNormNd.forwardRelu): same numbers, one pass
  // less each way and two activation-sized buffers fewer per stage.
  forward(x: Tensor): Tensor {
    return this.forwardLayers(x, this.layers.length);
  }

  // The first `end` layers (an encoder's feature map stops before its pooling).
  forwardLayers(x: Tensor, end: number): Tensor {
    let y = x;
    const L = this.layers;
    for (let i = 0; i < end; i++) {
      const m = L[i];
      if (m instanceof BatchNormNd && i + 1 < end && L[i + 1].constructor === ReLU) {
        y = m.forwardRelu(y);
        i++;
      } else {
        y = m.forward(y);
      }
    }
    return y;
  }
}
