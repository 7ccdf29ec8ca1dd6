export type { Batch, StepContext, Task } from './task.js';
export * from './simclr.js';
export * from './byol.js';
export * from './registry.js';
