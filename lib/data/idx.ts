// IDX files (MNIST / Fashion-MNIST): big-endian magic 0x00 0x00 <type> <ndim>, ndim u32 sizes, then
// the data. Gzip is detected by its magic bytes. Truncated or corrupt files fail with one error
// naming the file and what is wrong.
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(buf: Uint8Array, source: string): IdxArray {
  let b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    try {
      b = zlib.gunzipSync(b);
    } catch (e) {
      throw new Error(`${source}: corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0) throw new Error(`${source}: not an IDX file (bad magic number)`);
  if (b[2] !== 0x08) throw new Error(`${source}: IDX element type 0x${b[2].toString(16)} is not supported (expected 0x08, unsigned bytes)`);
  const ndim = b[3];
  if (ndim < 1 || ndim > 4 || b.length < 4 + 4 * ndim) throw new Error(`${source}: truncated IDX header`);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(b.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, c) => a * c, 1);
  const start = 4 + 4 * ndim;
  if (b.length - start < count)
    throw new Error(`${source}: truncated IDX data: header promises ${count} bytes for [${dims.join(', ')}] but ${b.length - start} are present`);
  return { dims, data: new Uint8Array(b.buffer, b.byteOffset + start, count) };
}

export function readIdx(file: string): IdxArray {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read IDX file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseIdx(buf, file);
}
