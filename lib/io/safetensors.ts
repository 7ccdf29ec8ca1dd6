// safetensors read/write: 8-byte little-endian header length, a JSON header {name: {dtype, shape,
// data_offsets}, __metadata__: {string: string}}, then raw little-endian data. F32, F64, I32 and
// I64 are supported (PyTorch stores num_batches_tracked as I64). Files are written atomically:
// temp file + fsync + rename, so a crash never leaves a half-written file under the final name.
import fs from 'node:fs';
import path from 'node:path';
import { invalidParameter, outOfRange } from '../validate.js';

export type Dtype = 'F32' | 'F64' | 'I32' | 'I64';
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array;

export interface StoredTensor {
  dtype: Dtype;
  shape: number[];
  data: TensorData;
}

const BYTES: Record<Dtype, number> = { F32: 4, F64: 8, I32: 4, I64: 8 };

function dtypeOf(d: TensorData): Dtype {
  if (d instanceof Float32Array) return 'F32';
  if (d instanceof Float64Array) return 'F64';
  if (d instanceof Int32Array) return 'I32';
  if (d instanceof BigInt64Array) return 'I64';
  throw invalidParameter('data', 'Float32Array, Float64Array, Int32Array or BigInt64Array', d);
}

export function encodeSafetensors(tensors: Map<string, { shape: readonly number[]; data: TensorData }>,
  metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  const parts: Buffer[] = [];
  for (const [name, t] of tensors) {
    const dtype = dtypeOf(t.data);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw outOfRange(`tensors["${name}"]`, `${count} elements for shape [${t.shape.join(', ')}]`, t.data);
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== 'string') throw invalidParameter(`metadata.${k}`, 'string', v);
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json), ...parts]);
}

export function decodeSafetensors(buf: Uint8Array, source = 'buffer'): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  if (!(buf instanceof Uint8Array)) throw invalidParameter('buf', 'Uint8Array or Buffer', buf);
  const fail = (why: string) => new Error(`${source}: not a valid safetensors file (${why})`);
  if (buf.length < 8) throw fail('shorter than the 8-byte header length');
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(b.readBigUInt64LE(0));
  if (n > b.length - 8) throw fail(`header length ${n} exceeds the file`);
  let header: Record<string, { dtype: Dtype; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  } catch (e) {
    throw fail(`header is not JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw fail('header is not a JSON object');
  const dataStart = 8 + n;
  const metadata = (header.__metadata__ ?? {}) as unknown as Record<string, string>;
  const tensors = new Map<string, StoredTensor>();
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (h === null || typeof h !== 'object') throw fail(`tensor "${name}" has no description`);
    if (!(h.dtype in BYTES)) throw fail(`tensor "${name}" has unsupported dtype ${h.dtype}`);
    const isIndex = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!Array.isArray(h.shape) || !h.shape.every(isIndex)) throw fail(`tensor "${name}" has an invalid shape`);
    if (!Array.isArray(h.data_offsets) || h.data_offsets.length !== 2 || !h.data_offsets.every(isIndex))
      throw fail(`tensor "${name}" has invalid data_offsets`);
    const [s, e] = h.data_offsets;
    const count = h.shape.reduce((a, c) => a * c, 1);
    if (e - s !== count * BYTES[h.dtype] || dataStart + e > b.length) throw fail(`tensor "${name}" has inconsistent offsets`);
    // Copy into an aligned buffer: offsets in the file need not be aligned to the element size.
    const bytes = new Uint8Array(e - s);
    bytes.set(b.subarray(dataStart + s, dataStart + e));
    const ab = bytes.buffer;
    const data = h.dtype === 'F32' ? new Float32Array(ab) : h.dtype === 'F64' ? new Float64Array(ab)
      : h.dtype === 'I32' ? new Int32Array(ab) : new BigInt64Array(ab);
    tensors.set(name, { dtype: h.dtype, shape: h.shape, data });
  }
  return { tensors, metadata };
}

export function writeFileAtomic(file: string, data: Uint8Array): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function saveSafetensors(file: string, tensors: Map<string, { shape: readonly number[]; data: TensorData }>,
  metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

export function loadSafetensors(file: string): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  return decodeSafetensors(fs.readFileSync(file), file);
}
