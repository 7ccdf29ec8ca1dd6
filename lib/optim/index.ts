export * from './optimizer.js';
export * from './sgd.js';
export * from './adamw.js';
