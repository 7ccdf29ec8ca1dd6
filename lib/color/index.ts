// Colour science for colorization pretraining: sRGB <-> CIE Lab (skimage conventions) and the
// quantized ab classes of Zhang, Isola & Efros (2016).
export { srgbToLab, labToSrgb, LAB_CONSTANTS } from './lab.js';
export { AbBins } from './ab-bins.js';
export type { RebalanceOptions } from './ab-bins.js';
export { rgbToLab, labToRgb } from './convert.js';
