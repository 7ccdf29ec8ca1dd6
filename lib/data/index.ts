export * from './idx.js';
export * from './fashion-mnist.js';
export * from './loader.js';
// Named, so the folder helpers image-folder.ts shares with photo-crops.ts stay internal.
export { IMAGE_EXTENSIONS, imageFolder, selectItems, fromUint8, type ImageFolderOptions, type FolderImageSet } from './image-folder.js';
export * from './photo-crops.js';
export * from './dataset.js';
export * from './moving-mnist.js';
export { frameFolders, frameNumber, type FrameFolderOptions, type FrameFolderSet } from './frame-folders.js';
