// Module state dicts to and from safetensors, with PyTorch's names, shapes and dtypes
// (num_batches_tracked as I64), so files round-trip with torch.load_state_dict / safetensors.
import { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { loadSafetensors, saveSafetensors, StoredTensor, TensorData } from './safetensors.js';

export function stateToTensors(m: Module): Map<string, { shape: readonly number[]; data: TensorData }> {
  const out = new Map<string, { shape: readonly number[]; data: TensorData }>();
  for (const [k, v] of m.stateDict()) {
    if (v instanceof Tensor) out.set(k, { shape: v.shape, data: v.data });
    else out.set(k, { shape: [], data: BigInt64Array.of(BigInt(v.value)) });
  }
  return out;
}

export function saveModule(m: Module, file: string, metadata: Record<string, string> = {}): void {
  saveSafetensors(file, stateToTensors(m), metadata);
}

function asLoadable(t: StoredTensor): { shape: number[]; data: ArrayLike<number> } {
  if (t.data instanceof BigInt64Array) return { shape: t.shape, data: Array.from(t.data, (v) => Number(v)) };
  return { shape: t.shape, data: t.data };
}

export function loadModule(m: Module, file: string, opts: { strict?: boolean } = {}): Record<string, string> {
  const { tensors, metadata } = loadSafetensors(file);
  const state = new Map([...tensors].map(([k, t]) => [k, asLoadable(t)] as const));
  m.loadStateDict(state as Map<string, { shape: number[]; data: ArrayLike<number> }>, opts);
  return metadata;
}
