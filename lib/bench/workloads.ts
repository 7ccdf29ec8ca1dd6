// The benchmark workloads, timed with selfsup. bench/torch_twin.py defines the same workloads
// for PyTorch; change both together. Each workload builds its inputs first and returns the
// function to time.
import { native } from '../native/loader.js';
import { convParams } from '../native/params.js';
import * as nn from '../nn/index.js';
import { crossEntropy } from '../ops/loss.js';
import { SGD } from '../optim/sgd.js';
import { Generator } from '../random.js';
import { Tensor } from '../tensor/tensor.js';
import { Augment } from '../augment/pipeline.js';
import { ConvEncoder, ENCODER_PRESETS } from '../nn/encoders.js';
import { SimCLR } from '../tasks/simclr.js';
import { ntXent } from '../ops/contrastive.js';
import { jigsawPermutations, jigsawTiles, relativePositionPatches, rotations } from '../pretext/index.js';
import { rgbToLab } from '../color/convert.js';
import { channelsToRows } from '../ops/shape.js';

// Workload groups, in the order `--only` accepts them (bench/torch_twin.py's GROUPS: keep equal).
export const GROUPS = ['conv', 'norm', 'step', 'loss', 'gemm', 'pretext'] as const;
export type Group = (typeof GROUPS)[number];

export interface Workload {
  name: string;
  group: Group;
  flops?: number;
  // The timed call; a promise is awaited and counted (prefetch rows).
  setup(): () => void | Promise<void>;
}

export const CONV_SHAPES: [number, number, number, number][] = [
  [256, 1, 28, 32], [256, 32, 28, 64], [256, 64, 14, 128], [256, 128, 7, 128], [128, 3, 32, 64], [64, 64, 32, 64],
];

function convWorkloads(): Workload[] {
  const out: Workload[] = [];
  for (const [N, C, H, K] of CONV_SHAPES) {
    const tag = `N${N}_C${C}_${H}x${H}_C${K}`;
    const flops = 2 * N * K * H * H * C * 9;
    const make = (withBackward: boolean) => () => {
      const g = new Generator(1);
      const nb = native();
      const p = convParams({ N, C, K, groups: 1, inSize: [H, H], outSize: [H, H], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] });
      const x = g.normal(N * C * H * H), w = g.normal(K * C * 9, 0, 0.1), b = g.normal(K, 0, 0.1);
      const y = new Float32Array(N * K * H * H), dy = g.normal(y.length);
      const dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(K);
      // Forward+backward as autograd runs it: y, then dx, then dw and db (accumulated, zeroed first).
      return withBackward
        ? () => {
            nb.convForward(y, x, w, b, p);
            nb.convBackwardData(dx, dy, w, p);
            dw.fill(0); db.fill(0);
            nb.convBackwardWeight(dw, db, x, dy, p);
          }
        : () => nb.convForward(y, x, w, b, p);
    };
    out.push({ name: `conv2d_fwd/${tag}`, group: 'conv', flops, setup: make(false) });
    out.push({ name: `conv2d_fwdbwd/${tag}`, group: 'conv', flops: 3 * flops, setup: make(true) });
  }
  return out;
}

// Batch norm + ReLU (fused here, two ops in PyTorch) on the SimCLR step's activations (2 x 256
// views): training forward, then the backward with the mask taken from the output.
export const NORM_SHAPES: [number, number, number][] = [[512, 32, 28], [512, 64, 14], [512, 128, 7]];

function normWorkloads(): Workload[] {
  return NORM_SHAPES.map(([N, C, H]) => ({
    name: `batchnorm_relu_fwdbwd/N${N}_C${C}_${H}x${H}`, group: 'norm' as const,
    setup() {
      const g = new Generator(5);
      const nb = native();
      const S = H * H, n = N * C * S;
      const x = g.normal(n), dy = g.normal(n), y = new Float32Array(n), dx = new Float32Array(n);
      const gamma = new Float32Array(C).fill(1), beta = g.normal(C, 0, 0.1);
      const mean = new Float32Array(C), invstd = new Float32Array(C), rm = new Float32Array(C), rv = new Float32Array(C).fill(1);
      const dg = new Float32Array(C), db = new Float32Array(C);
      return () => {
        nb.batchNormForwardTrain(y, mean, invstd, rm, rv, x, gamma, beta, N, C, S, 0.1, 1e-5, 1);
        dg.fill(0); db.fill(0);
        nb.batchNormBackward(dx, dg, db, dy, x, gamma, mean, invstd, N, C, S, y);
      };
    },
  }));
}

// conv(1→32)+BN+ReLU, conv(32→64, s2)+BN+ReLU, conv(64→128, s2)+BN+ReLU, global average pool.
export function smallEncoder(generator?: Generator): nn.Sequential {
  const conv = (i: number, o: number, s: number) => new nn.Conv2d(i, o, 3, { stride: s, padding: 1, bias: false, generator });
  return new nn.Sequential(
    conv(1, 32, 1), new nn.BatchNorm2d(32), new nn.ReLU(),
    conv(32, 64, 2), new nn.BatchNorm2d(64), new nn.ReLU(),
    conv(64, 128, 2), new nn.BatchNorm2d(128), new nn.ReLU(),
    new nn.GlobalAvgPool(),
  );
}

// Supervised step: encoder + linear 128 -> 10, cross-entropy on a fixed batch of 256, SGD.
function supervisedStep(name: string, encoder: (g: Generator) => nn.Module): Workload {
  return {
    name, group: 'step',
    setup() {
      const g = new Generator(2);
      const net = new nn.Sequential(encoder(g), new nn.Linear(128, 10, { generator: g }));
      const B = 256;
      const x = new Tensor(g.normal(B * 784), [B, 1, 28, 28]);
      const t = Int32Array.from(g.uniform(B), (u) => Math.min(9, Math.floor(u * 10)));
      const opt = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
      return () => {
        opt.zeroGrad();
        crossEntropy(net.forward(x), t).backward();
        opt.step();
      };
    },
  };
}

const stepWorkload = () => supervisedStep('step/supervised', smallEncoder);
// The same step with the deeper encoder (ENCODER_PRESETS.deep: six convs, ~4x the FLOPs).
const deepStepWorkload = () => supervisedStep('step/supervised_deep',
  (g) => new ConvEncoder({ inChannels: 1, ...ENCODER_PRESETS.deep }, { generator: g }));

// tasks.SimCLR on the same encoder: raw uint8 batch -> two augmented views (crop 0.3-1, flip,
// 2-pixel shift, brightness/contrast 0.4: the twin's recipe) -> 512-image forward -> projector
// 128-128-64 with BN -> NT-Xent (T = 0.5) -> backward -> SGD.
// What both SimCLR rows share: the task on the small encoder with the twin's recipe, a fixed raw
// batch of 256 and the optimizer.
function simclrBenchSetup(preset: 'small' | 'deep' = 'small') {
  const g = new Generator(5);
  const encoder = new ConvEncoder({ inChannels: 1, ...ENCODER_PRESETS[preset] }, { generator: g });
  const augment = new Augment({ crop: { scale: [0.3, 1] }, hflip: 0.5, translate: 2 / 28, colorJitter: { brightness: 0.4, contrast: 0.4 } });
  const task = new SimCLR({ encoder, hiddenDim: 128, projectionDim: 64, temperature: 0.5, augment });
  const B = 256;
  const images = Uint8Array.from(g.uniform(B * 784), (u) => Math.floor(u * 256));
  const batch = { images, shape: [B, 1, 28, 28] as [number, number, number, number], indices: new Int32Array(B), labels: null };
  return { task, batch, opt: new SGD(task.model.parameters(), { lr: 0.05, momentum: 0.9 }) };
}

// step/simclr_deep: the same on the deep encoder (the one the 20-minute quality runs train).
function simclrWorkload(preset: 'small' | 'deep' = 'small'): Workload {
  return {
    name: preset === 'small' ? 'step/simclr' : 'step/simclr_deep', group: 'step',
    setup() {
      const { task, batch, opt } = simclrBenchSetup(preset);
      let step = 0;
      return () => {
        opt.zeroGrad();
        task.loss(batch, { step, epoch: 0, totalSteps: 1000, generator: new Generator(step++) }).backward();
        opt.step();
      };
    },
  };
}

// The same step as the trainer runs it with prefetch: the views of step k + 1 are made on worker
// threads (SimCLR.prefetch) while step k trains, so a call costs the step plus whatever of the
// augmentation the step did not hide. The twin's row makes its views before the clock starts
// (the "PyTorch with the views made beforehand").
function simclrPrefetchWorkload(): Workload {
  return {
    name: 'step/simclr_prefetch', group: 'step',
    setup() {
      const { task, batch, opt } = simclrBenchSetup();
      let step = 0;
      const ctxOf = (k: number) => ({ step: k, epoch: 0, totalSteps: 1000, generator: new Generator(k) });
      let ctx = ctxOf(step), ahead = task.prefetch(batch, ctx);
      return async () => {
        const views = await ahead;
        const current = ctx;
        ctx = ctxOf(++step);
        ahead = task.prefetch(batch, ctx);
        opt.zeroGrad();
        task.loss(batch, current, views).backward();
        opt.step();
      };
    },
  };
}

function lossWorkload(): Workload {
  return {
    name: 'loss/softmax_xent_4096x1000', group: 'loss',
    setup() {
      const g = new Generator(3);
      const logits = new Tensor(g.normal(4096 * 1000), [4096, 1000], true);
      const t = Int32Array.from(g.uniform(4096), (u) => Math.min(999, Math.floor(u * 1000)));
      return () => {
        logits.grad = null;
        crossEntropy(logits, t).backward();
      };
    },
  };
}

// NT-Xent over two (N, 128) views, T = 0.5, forward + backward to both (the twin's nt_xent).
function ntXentWorkload(N: number): Workload {
  return {
    name: `loss/nt_xent_N${N}_d128`, group: 'loss',
    setup() {
      const g = new Generator(6);
      const z1 = new Tensor(g.normal(N * 128), [N, 128], true), z2 = new Tensor(g.normal(N * 128), [N, 128], true);
      return () => {
        z1.grad = null;
        z2.grad = null;
        ntXent(z1, z2, 0.5).backward();
      };
    },
  };
}

function gemmWorkload(): Workload {
  const n = 1024;
  return {
    name: 'gemm/1024x1024x1024', group: 'gemm', flops: 2 * n * n * n,
    setup() {
      const g = new Generator(4);
      const a = g.normal(n * n), b = g.normal(n * n), c = new Float32Array(n * n);
      const nb = native();
      return () => nb.gemm(0, 0, n, n, n, 1, a, n, b, n, 0, c, n);
    },
  };
}

// The pretext-task ops on a batch of 256 raw 28x28x1 images (a 3x3 grid of 7x7 patches, gap 2,
// jitter 1), rotation batching, sRGB -> Lab and colorization's class-rebalanced per-pixel loss.
// The last row is named loss/ but sits in this group so `--only pretext` covers every new op.
function pretextWorkloads(): Workload[] {
  const N = 256, S = 28;
  const grid = { patch: 7, gap: 2, jitter: 1 };
  const rawBatch = (g: Generator) => ({
    images: Uint8Array.from(g.uniform(N * S * S), (u) => Math.min(255, Math.floor(u * 256))),
    shape: [N, 1, S, S] as [number, number, number, number], indices: new Int32Array(N), labels: null,
  });
  return [
    {
      // (2N, 1, 7, 7): centre + one of 8 neighbours per image, each patch standardized.
      name: 'pretext/relative_position_256x28', group: 'pretext',
      setup() {
        const g = new Generator(6);
        const batch = rawBatch(g);
        return () => { relativePositionPatches(batch, g, grid); };
      },
    },
    {
      // (9N, 1, 7, 7): the 9 tiles in the order of one of 100 permutations, each standardized.
      name: 'pretext/jigsaw_256x28', group: 'pretext',
      setup() {
        const g = new Generator(7);
        const batch = rawBatch(g);
        const perms = jigsawPermutations(100);
        return () => { jigsawTiles(batch, g, perms, grid); };
      },
    },
    {
      // float (N, 1, 28, 28) -> (4N, 1, 28, 28), sample 4n + r turned r times (torch.rot90).
      name: 'pretext/rotations_256x1x28x28', group: 'pretext',
      setup() {
        const x = new Tensor(new Generator(8).uniform(N * S * S), [N, 1, S, S]);
        return () => { rotations(x); };
      },
    },
    {
      name: 'pretext/rgb_to_lab_64x3x64x64', group: 'pretext',
      setup() {
        const x = new Tensor(new Generator(9).uniform(64 * 3 * 64 * 64), [64, 3, 64, 64]);
        return () => { rgbToLab(x); };
      },
    },
    {
      // Colorization's loss: 262 ab bins per pixel of a 32x32 output, class weights, backward.
      name: 'loss/weighted_xent_pixels_32x262x32x32', group: 'pretext',
      setup() {
        const g = new Generator(10);
        const B = 32, Q = 262, HW = 32 * 32;
        const logits = new Tensor(g.normal(B * Q * HW), [B, Q, 32, 32], true);
        const t = Int32Array.from(g.uniform(B * HW), (u) => Math.min(Q - 1, Math.floor(u * Q)));
        const weight = g.uniform(Q, 0.5, 1.5);
        return () => {
          logits.grad = null;
          crossEntropy(channelsToRows(logits), t, { weight }).backward();
        };
      },
    },
    {
      // next-token's embedding: 64 windows of 64 byte ids into a (256, 96) table, forward + backward.
      name: 'pretext/embedding_fwdbwd_64x64_256x96', group: 'pretext',
      setup() {
        const g = new Generator(11);
        const nb = native();
        const table = g.normal(256 * 96), dy = g.normal(64 * 64 * 96);
        const ids = Int32Array.from(g.uniform(64 * 64), (u) => Math.min(255, Math.floor(u * 256)));
        const out = new Float32Array(64 * 64 * 96), dtable = new Float32Array(256 * 96);
        return () => {
          nb.embeddingForward(out, table, ids, 256, 96);
          dtable.fill(0);
          nb.embeddingBackward(dtable, dy, ids, 256, 96);
        };
      },
    },
  ];
}

export function allWorkloads(): Workload[] {
  return [...convWorkloads(), ...normWorkloads(), stepWorkload(), deepStepWorkload(), simclrWorkload(), simclrWorkload('deep'), simclrPrefetchWorkload(), lossWorkload(), ntXentWorkload(256), ntXentWorkload(512), gemmWorkload(), ...pretextWorkloads()];
}
