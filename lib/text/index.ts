export * from './tokenizer.js';
export * from './corpus.js';
export * from './fortunes.js';
export * from './sample.js';
export * from './source-probe.js';
