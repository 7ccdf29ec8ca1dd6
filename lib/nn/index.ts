export * from './module.js';
export * from './layers.js';
export * as init from './init.js';
export * from './encoders.js';
export * from './causal-conv.js';
export * from './video-encoder.js';
