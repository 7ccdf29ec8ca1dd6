// Recycles gradient buffers. A fresh Float32Array is zero-filled by V8 and, when large, faults
// in new pages on first touch; a training step allocates hundreds of MB of gradients, so reusing
// them is measurable (PyTorch gets the same from its caching allocator). Only gradients are
// pooled: Tensor.backward releases the gradient of an intermediate tensor once its node has run,
// unless a parent took that very buffer as its own gradient. Activations are not released here,
// since user code may still hold them: their memory comes from storage.ts's allocator, which
// reuses it once the garbage collector has freed them.

import { emptyFloat32 } from './storage.js';

const MIN_LENGTH = 1 << 14; // below 64 KB a fresh array is cheap
const MAX_POOLED_BYTES = 512 * 1024 * 1024;
const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;

// A buffer of length n whose contents are unspecified: for kernels that write every element.
export function gradBuffer(n: number): Float32Array {
  if (n >= MIN_LENGTH) {
    const list = free.get(n);
    const b = list?.pop();
    if (b) {
      pooledBytes -= b.byteLength;
      return b;
    }
  }
  return emptyFloat32(n);
}

export function releaseGradBuffer(b: Float32Array): void {
  if (b.length < MIN_LENGTH || b.byteOffset !== 0 || b.buffer.byteLength !== b.byteLength) return;
  if (pooledBytes + b.byteLength > MAX_POOLED_BYTES) return;
  let list = free.get(b.length);
  if (!list) free.set(b.length, (list = []));
  list.push(b);
  pooledBytes += b.byteLength;
}

export function clearGradPool(): void {
  free.clear();
  pooledBytes = 0;
}
