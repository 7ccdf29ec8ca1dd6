// Float32 storage for op outputs. `new Float32Array(n)` zero-fills; an op whose kernel writes
// every element does not need that pass, so large outputs are allocated uninitialized
// (Buffer.allocUnsafeSlow: Node's allocator without the zero fill, a buffer of its own, never a
// slice of Node's shared pool). The memory itself is reused from the heap step after step thanks
// to the addon's malloc tuning (native/addon/malloc_tuning.cc).

import { constants } from 'node:buffer';

const UNINITIALIZED_MIN_LENGTH = 1 << 14;
const BUFFER_MAX_BYTES = constants.MAX_LENGTH;

// A buffer of length n whose contents are unspecified: only for kernels that write every element.
export function emptyFloat32(n: number): Float32Array {
  // Buffers are capped (4 GiB on Node 20); a typed array may be larger.
  if (n < UNINITIALIZED_MIN_LENGTH || n * 4 > BUFFER_MAX_BYTES) return new Float32Array(n);
  const bytes = Buffer.allocUnsafeSlow(n * 4);
  return new Float32Array(bytes.buffer, bytes.byteOffset, n);
}
