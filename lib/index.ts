// selfsup public surface. Importing it loads nothing native until a kernel is first used.
export { Tensor, noGrad, isGradEnabled, sizeOf } from './tensor/tensor.js';
export { zeros, ones, full, tensor, randn, rand } from './tensor/create.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export * as ops from './ops/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export { saveModule, loadModule } from './io/state.js';
export { saveSafetensors, loadSafetensors, encodeSafetensors, decodeSafetensors } from './io/safetensors.js';
export { info, version, setNumThreads, getNumThreads, setIsa, isaInfo } from './runtime.js';
export { native } from './native/loader.js';
export type { NativeBinding, Isa } from './native/binding.js';
export * as data from './data/index.js';
export * as augment from './augment/index.js';
export * as color from './color/index.js';
export * as pretext from './pretext/index.js';
export * as tasks from './tasks/index.js';
export * as train from './train/index.js';
export * as evaluate from './eval/index.js';
