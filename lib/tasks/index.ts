export type { Batch, StepContext, Task } from './task.js';
export * from './simclr.js';
export * from './byol.js';
export * from './registry.js';
export * from './rotation.js';
export * from './relative-position.js';
export * from './jigsaw.js';
export { EncoderWithHead, type PretextEvalOptions } from './classifier-head.js';
export * from './colorization.js';
