// Builds the Int32Array parameter blocks the addon expects (layouts in native/addon/bind_conv.cc).
// Spatial tuples of rank 1 or 2 are padded with leading 1s to the kernels' three spatial dims.

function pad3(v: readonly number[], fill: number): number[] {
  return [...new Array<number>(3 - v.length).fill(fill), ...v];
}

export interface ConvGeometry {
  N: number; C: number; K: number; groups: number;
  inSize: readonly number[]; outSize: readonly number[]; kernel: readonly number[];
  stride: readonly number[]; padding: readonly number[]; dilation: readonly number[];
}

export function convParams(g: ConvGeometry): Int32Array {
  return Int32Array.from([
    g.N, g.C, g.K, g.groups,
    ...pad3(g.inSize, 1), ...pad3(g.outSize, 1), ...pad3(g.kernel, 1),
    ...pad3(g.stride, 1), ...pad3(g.padding, 0), ...pad3(g.dilation, 1),
  ]);
}

export interface PoolGeometry {
  N: number; C: number;
  inSize: readonly number[]; outSize: readonly number[]; kernel: readonly number[];
  stride: readonly number[]; padding: readonly number[]; countIncludePad: boolean;
}

export function poolParams(g: PoolGeometry): Int32Array {
  return Int32Array.from([
    g.N, g.C, ...pad3(g.inSize, 1), ...pad3(g.outSize, 1), ...pad3(g.kernel, 1),
    ...pad3(g.stride, 1), ...pad3(g.padding, 0), g.countIncludePad ? 1 : 0,
  ]);
}
