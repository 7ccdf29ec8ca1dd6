// The typed mirror of the addon's exports (native/addon/bind_*.cc). Shapes and parameter layouts
// are documented there; the TypeScript layer (lib/ops) validates every call before it lands here.

type F32 = Float32Array;
type OptF32 = Float32Array | null;

export interface KernelSet {
  gemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number, A: F32, lda: number,
    B: F32, ldb: number, beta: number, C: F32, ldc: number): void;
  convForward(y: F32, x: F32, w: F32, b: OptF32, params: Int32Array): void;
  convBackwardData(dx: F32, dy: F32, w: F32, params: Int32Array): void;
  convBackwardWeight(dw: F32, db: OptF32, x: F32, dy: F32, params: Int32Array): void;
  maxPoolForward(y: F32, argmax: Int32Array, x: F32, params: Int32Array): void;
  avgPoolForward(y: F32, x: F32, params: Int32Array): void;
  avgPoolBackward(dx: F32, dy: F32, params: Int32Array): void;
  batchNormForwardTrain(y: F32, saveMean: F32, saveInvstd: F32, runningMean: OptF32, runningVar: OptF32, x: F32,
    gamma: OptF32, beta: OptF32, N: number, C: number, S: number, momentum: number, eps: number, relu?: 0 | 1): void;
  batchNormBackward(dx: OptF32, dgamma: OptF32, dbeta: OptF32, dy: F32, x: F32, gamma: OptF32, saveMean: F32,
    saveInvstd: F32, N: number, C: number, S: number, reluOut?: OptF32): void;
  softmaxCrossEntropy(dlogits: OptF32, logits: F32, targets: Int32Array, R: number, Cn: number,
    labelSmoothing: number, ignoreIndex: number, classWeights?: OptF32): number;
  infoNce(dz: OptF32, z: F32, pos: Int32Array, R: number, D: number, temperature: number): number;
  embeddingForward(out: F32, table: F32, ids: Int32Array, V: number, D: number): void;
  embeddingBackward(dtable: F32, dout: F32, ids: Int32Array, V: number, D: number): void;
}

export interface NativeBinding extends KernelSet {
  ref: KernelSet;
  maxPoolBackward(dx: F32, dy: F32, argmax: Int32Array, params: Int32Array): void;
  batchNormForwardEval(y: F32, x: F32, gamma: OptF32, beta: OptF32, runningMean: F32, runningVar: F32, N: number,
    C: number, S: number, eps: number, relu?: 0 | 1): void;
  layerNormForward(y: F32, mean: F32, rstd: F32, x: F32, gamma: OptF32, beta: OptF32, R: number, D: number,
    eps: number): void;
  layerNormBackward(dx: F32, dgamma: OptF32, dbeta: OptF32, dy: F32, x: F32, gamma: OptF32, mean: F32, rstd: F32,
    R: number, D: number): void;
  activationForward(kind: number, y: F32, x: F32, alpha: number): void;
  activationBackward(kind: number, dx: F32, dy: F32, x: OptF32, y: OptF32, alpha: number): void;
  dropoutForward(y: F32, mask: F32, x: F32, p: number, seed: number, offset: number): void;
  rngUniform(out: F32, lo: number, hi: number, seed: number, offset: number): void;
  rngNormal(out: F32, mean: number, std: number, seed: number, offset: number): void;
  upsample2dForward(y: F32, x: F32, N: number, C: number, H: number, W: number, Ho: number, Wo: number,
    mode: number, alignCorners: boolean): void;
  upsample2dBackward(dx: F32, dy: F32, N: number, C: number, H: number, W: number, Ho: number, Wo: number,
    mode: number, alignCorners: boolean): void;
  softmaxForward(y: F32, x: F32, R: number, Cn: number, log: boolean): void;
  biasAdd(y: F32, b: F32, N: number, C: number, S: number): void;
  reduceChannels(out: F32, x: F32, N: number, C: number, S: number, accumulate: boolean): void;
  sgdStep(param: F32, momentumBuf: OptF32, grad: F32, lr: number, momentum: number, dampening: number,
    weightDecay: number, nesterov: boolean, firstStep: boolean): void;
  adamwStep(param: F32, m: F32, v: F32, grad: F32, lr: number, beta1: number, beta2: number, eps: number,
    weightDecay: number, step: number): void;
  byolLoss(dp: OptF32, p: F32, t: F32, N: number, D: number): number;
  regressionLoss(kind: number, dpred: OptF32, pred: F32, target: F32, beta: number): number;
  larsStep(param: F32, velocity: F32, grad: F32, lr: number, momentum: number, weightDecay: number, eta: number,
    excluded: boolean): void;
  emaUpdate(target: F32, online: F32, tau: number): void;
  augment(out: F32, record: OptF32, input: Uint8Array, N: number, C: number, H: number, W: number, Ho: number, Wo: number,
    params: F32, seed: number, offset: number): void;
  // The same kernel on a libuv worker thread, serially; resolves when `out` (and `record`) are written.
  augmentAsync(out: F32, record: OptF32, input: Uint8Array, N: number, C: number, H: number, W: number, Ho: number, Wo: number,
    params: F32, seed: number, offset: number): Promise<void>;
  augmentRecordSize: number;
  relativePositionPatches(out: F32, labels: Int32Array, record: OptF32, images: Uint8Array, N: number, C: number, H: number,
    W: number, patch: number, gap: number, jitter: number, aberration: number, seed: number, offset: number): void;
  jigsawTiles(out: F32, labels: Int32Array, record: OptF32, images: Uint8Array, N: number, C: number, H: number, W: number,
    patch: number, gap: number, jitter: number, aberration: number, perms: Int32Array, numPerms: number, seed: number,
    offset: number): void;
  patchRecordSize: number;
  rotate90Batch(out: F32, x: F32, N: number, C: number, S: number): void;
  rgbToLab(out: F32, x: F32, N: number, S: number): void;
  labToRgb(out: F32, x: F32, N: number, S: number): void;
  transposeBatched(out: F32, x: F32, B: number, R: number, C: number): void;
  isaInfo(): { detected: Isa; active: Isa };
  setIsa(isa: Isa): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  backend: 'cpu' | 'cuda';
  mallocTuned: boolean;
  compiler: string;
}

export type Isa = 'scalar' | 'avx2' | 'avx512';
