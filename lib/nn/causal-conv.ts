// A causal dilated 1-D convolution network over byte tokens (WaveNet / ByteNet style, without
// gating): embedding -> blocks of [causal conv (k, dilation d) -> LayerNorm over channels -> GELU
// -> dropout, added to the block's input] with dilations 1, 2, 4, ... -> LayerNorm -> per-position linear map
// to the vocabulary (a 1x1 convolution). Output position t sees input positions <= t only, so one
// forward pass scores every next token of a window. Built from a JSON spec (checkpoints rebuild it).
import { dropout, gelu } from '../ops/activation.js';
import { add, mean } from '../ops/elementwise.js';
import { channelsToRows, narrow, reshape, rowsToChannels } from '../ops/shape.js';
import type { Generator } from '../random.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { Conv1d, Embedding, LayerNorm, Linear, Sequential } from './layers.js';
import { Module } from './module.js';

export interface CausalConvSpec {
  vocab?: number;        // token ids in [0, vocab); 256 for bytes
  channels?: number;     // width of the residual stream
  kernelSize?: number;
  dilations?: number[];  // one block per dilation
  dropout?: number;      // probability of zeroing a residual-branch activation while training (default 0)
}

// 64 channels and dilations up to 32 give a 127-byte receptive field (a few sentences) at 108k
// parameters; a step on 32 windows of 64 bytes takes about 90 ms on 2 cores.
export const CAUSAL_CONV_DEFAULTS = { vocab: 256, channels: 64, kernelSize: 3, dilations: [1, 2, 4, 8, 16, 32], dropout: 0 } as const;

// Conv1d padded by (k - 1) * d on both sides, then only the first L outputs kept: output t covers
// inputs t - (k - 1) * d ... t, so nothing to its right leaks in.
export class CausalConv1d extends Module {
  readonly conv: Conv1d;
  readonly trim: number;
  constructor(inChannels: number, outChannels: number, kernelSize: number, dilation: number, opts: { generator?: Generator } = {}) {
    super();
    checkInt('kernelSize', kernelSize, 1);
    checkInt('dilation', dilation, 1);
    this.trim = (kernelSize - 1) * dilation;
    this.conv = this.registerModule('conv', new Conv1d(inChannels, outChannels, kernelSize,
      { padding: this.trim, dilation, generator: opts.generator }));
  }
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim !== 3) throw outOfRange('x', 'Tensor of rank 3 (N, C, L)', x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : x);
    return narrow(this.conv.forward(x), 2, 0, x.shape[2]);
  }
}

// (N, C, L) -> (N * L, C) -> LayerNorm over C -> (N, C, L): each position normalized on its own
// (BatchNorm would mix statistics across positions, future ones included, while training).
export function channelLayerNorm(norm: LayerNorm, x: Tensor): Tensor {
  return rowsToChannels(norm.forward(channelsToRows(x)), x.shape[0]);
}

// x + dropout(GELU(LayerNorm_C(causal conv(x)))). Dropout on the residual branch only (as in
// transformer blocks): the stream itself always passes, so a deep stack still trains.
export class CausalConvBlock extends Module {
  readonly conv: CausalConv1d;
  readonly norm: LayerNorm;
  readonly dropout: number;
  constructor(channels: number, kernelSize: number, dilation: number, opts: { generator?: Generator; dropout?: number } = {}) {
    super();
    this.conv = this.registerModule('conv', new CausalConv1d(channels, channels, kernelSize, dilation, opts));
    this.norm = this.registerModule('norm', new LayerNorm(channels));
    this.dropout = checkNumber('dropout', opts.dropout ?? 0, 0, 1);
    if (this.dropout >= 1) throw outOfRange('dropout', 'probability in [0, 1)', this.dropout);
  }
  // `generator` draws the dropout mask (the trainer passes the step's, so a resumed run drops the
  // same activations); without one, the default generator.
  forward(x: Tensor, generator?: Generator): Tensor {
    let h = gelu(this.norm.forward(channelsToRows(this.conv.forward(x))));
    if (this.training && this.dropout > 0) h = dropout(h, this.dropout, true, generator);
    return add(x, rowsToChannels(h, x.shape[0]));
  }
}

export type TokenIds = Uint8Array | Int32Array;

export class CausalConvNet extends Module {
  readonly spec: Required<CausalConvSpec>;
  readonly embed: Embedding;
  readonly blocks: Sequential;
  readonly norm: LayerNorm;
  readonly head: Linear;
  // Inputs each output position depends on (itself included): 1 + (k - 1) * sum(dilations).
  readonly receptiveField: number;

  constructor(spec: CausalConvSpec = {}, opts: { generator?: Generator } = {}) {
    super();
    const s = checkOptions<CausalConvSpec>('spec', spec, ['vocab', 'channels', 'kernelSize', 'dilations', 'dropout']);
    const d = CAUSAL_CONV_DEFAULTS;
    const vocab = checkInt('spec.vocab', s.vocab ?? d.vocab, 2);
    const channels = checkInt('spec.channels', s.channels ?? d.channels, 1);
    const kernelSize = checkInt('spec.kernelSize', s.kernelSize ?? d.kernelSize, 1, 64);
    const dil = s.dilations ?? [...d.dilations];
    if (!Array.isArray(dil) || dil.length === 0) throw invalidParameter('spec.dilations', 'non-empty array of dilations (one block each)', dil);
    const dilations = dil.map((v, i) => checkInt(`spec.dilations[${i}]`, v, 1, 1 << 16));
    const p = checkNumber('spec.dropout', s.dropout ?? d.dropout, 0, 1);
    if (p >= 1) throw outOfRange('spec.dropout', 'probability in [0, 1)', p);
    this.spec = { vocab, channels, kernelSize, dilations, dropout: p };
    this.embed = this.registerModule('embed', new Embedding(vocab, channels, opts));
    this.blocks = this.registerModule('blocks', new Sequential(...dilations.map((v) => new CausalConvBlock(channels, kernelSize, v, { ...opts, dropout: p }))));
    this.norm = this.registerModule('norm', new LayerNorm(channels));
    this.head = this.registerModule('head', new Linear(channels, vocab, opts));
    this.receptiveField = 1 + (kernelSize - 1) * dilations.reduce((a, b) => a + b, 0);
  }

  get featureDim(): number {
    return this.spec.channels;
  }

  // Token ids (N * L, row-major (N, L)) -> the normalized last hidden layer as rows (N * L, C),
  // row n * L + t for position t of sequence n. `generator` draws the dropout masks when training.
  hiddenRows(ids: TokenIds, N: number, L: number, generator?: Generator): Tensor {
    checkInt('N', N, 1);
    checkInt('L', L, 1);
    if (!(ids instanceof Uint8Array) && !(ids instanceof Int32Array)) throw invalidParameter('ids', 'Uint8Array or Int32Array of token ids', ids);
    if (ids.length !== N * L) throw outOfRange('ids', `${N} × ${L} = ${N * L} token ids`, ids);
    let x = rowsToChannels(this.embed.lookup(ids, [N * L]), N); // (N, C, L)
    for (const block of this.blocks.layers as CausalConvBlock[]) x = block.forward(x, generator);
    return this.norm.forward(channelsToRows(x));
  }

  // Next-token logits (N * L, vocab): row n * L + t scores the token after position t.
  logits(ids: TokenIds, N: number, L: number, generator?: Generator): Tensor {
    return this.head.forward(this.hiddenRows(ids, N, L, generator));
  }

  // Mean of the hidden features over the first lengths[n] positions of each sequence (all L by
  // default) -> (N, C). Causality makes right padding harmless: real positions never see it.
  pooled(ids: TokenIds, N: number, L: number, lengths?: ArrayLike<number>): Tensor {
    const rows = this.hiddenRows(ids, N, L);
    if (lengths === undefined) return mean(reshape(rows, [N, L, this.spec.channels]), 1);
    if (lengths === null || typeof lengths !== 'object' || lengths.length !== N) throw invalidParameter('lengths', `${N} sequence lengths`, lengths);
    for (let n = 0; n < N; n++) checkInt(`lengths[${n}]`, lengths[n], 1, L);
    // Features are frozen here (transfer probes): a plain masked mean without a graph.
    const C = this.spec.channels, out = new Float32Array(N * C);
    for (let n = 0; n < N; n++) {
      const len = lengths[n];
      for (let t = 0; t < len; t++) for (let c = 0; c < C; c++) out[n * C + c] += rows.data[(n * L + t) * C + c];
      for (let c = 0; c < C; c++) out[n * C + c] /= len;
    }
    return new Tensor(out, [N, C]);
  }

  // The Module interface (what transfers): x (N, L) holding token ids as numbers -> mean-pooled
  // hidden features (N, C).
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim !== 2) throw outOfRange('x', 'Tensor (N, L) of token ids', x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : x);
    const V = this.spec.vocab;
    const ids = new Int32Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i];
      if (!(Number.isInteger(v) && v >= 0 && v < V)) throw outOfRange(`x[${i}]`, `a token id in [0, ${V})`, v);
      ids[i] = v;
    }
    return this.pooled(ids, x.shape[0], x.shape[1]);
  }

  // A new network with the same spec and a copy of this one's parameters (random-init twins
  // are made with new CausalConvNet(spec) instead).
  clone(): CausalConvNet {
    const copy = new CausalConvNet(this.spec);
    noGrad(() => copy.loadStateDict(new Map([...this.stateDict()].map(([k, v]) => [k, v instanceof Tensor ? { shape: v.shape, data: v.data } : { shape: [], data: [v.value] }]))));
    return copy.train(this.training);
  }
}

export const causalConvNet = (spec?: CausalConvSpec, opts?: { generator?: Generator }) => new CausalConvNet(spec, opts);
