export * from './patches.js';
export * from './permutations.js';
