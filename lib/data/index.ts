export * from './idx.js';
export * from './fashion-mnist.js';
export * from './loader.js';
export * from './image-folder.js';
