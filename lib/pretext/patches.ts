// Typed wrappers over the native pretext sampling kernels (native/kernels/cpu/patch_sample.cc):
// relative-position patch pairs, jigsaw tiles and the four-rotation batch. Everything is checked
// here first, so a bad grid gets an error naming the option instead of a kernel status.
import { native } from '../native/loader.js';
import { Generator } from '../random.js';
import type { Batch } from '../tasks/task.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkOneOf, checkOptions, invalidParameter, outOfRange } from '../validate.js';

export const ABERRATION_MODES = ['none', 'drop', 'gray'] as const;
export type AberrationMode = (typeof ABERRATION_MODES)[number];

export interface GridOptions {
  patch: number;               // side of each square patch / tile
  gap?: number;                // pixels between neighbouring grid cells (default 0)
  jitter?: number;             // each patch moves by up to this many pixels in x and y (default 0)
  aberration?: AberrationMode; // colour input only: 'drop' keeps one channel, 'gray' projects to luminance
}

export interface GridGeometry { patch: number; gap: number; jitter: number; aberration: AberrationMode }

export function checkGrid(opts: GridOptions, H: number, W: number, what = 'image'): GridGeometry {
  const o = checkOptions<GridOptions>('options', opts, ['patch', 'gap', 'jitter', 'aberration']);
  const patch = checkInt('patch', o.patch, 1);
  const gap = checkInt('gap', o.gap ?? 0);
  const jitter = checkInt('jitter', o.jitter ?? 0);
  const aberration = checkOneOf('aberration', o.aberration ?? 'none', ABERRATION_MODES);
  const need = gridExtent({ patch, gap, jitter });
  if (need > H || need > W)
    throw outOfRange('patch', `a 3x3 grid (3 * patch + 2 * gap + 2 * jitter = ${need} pixels) that fits the ${H}x${W} ${what}`,
      `patch ${patch}, gap ${gap}, jitter ${jitter}`);
  return { patch, gap, jitter, aberration };
}

// Pixels a grid needs along each side.
export const gridExtent = (g: { patch: number; gap: number; jitter: number }) => 3 * g.patch + 2 * g.gap + 2 * g.jitter;

function checkBatch(batch: Batch): [number, number, number, number] {
  if (batch === null || typeof batch !== 'object' || !(batch.images instanceof Uint8Array) || !Array.isArray(batch.shape))
    throw invalidParameter('batch', '{ images: Uint8Array, shape: [N, C, H, W] }', batch);
  const [N, C, H, W] = batch.shape;
  if (C > 4) throw outOfRange('batch.shape[1]', 'at most 4 channels', C);
  if (batch.images.length !== N * C * H * W) throw outOfRange('batch.images', `${N * C * H * W} bytes for shape [${batch.shape.join(', ')}]`, batch.images.length);
  return [N, C, H, W];
}

const ABERRATION_CODE: Record<AberrationMode, number> = { none: 0, drop: 1, gray: 2 };

export interface PatchSample {
  patches: Tensor;     // (N * k, C, P, P): the k patches of sample n are rows n*k .. n*k + k - 1
  labels: Int32Array;  // (N)
}

// Doersch et al. 2015: centre patch and one of its 8 neighbours per image; label = neighbour index
// (grid cells in row order, centre skipped). Patches (2N, C, P, P) = [centre_0, neighbour_0, ...].
export function relativePositionPatches(batch: Batch, generator: Generator, opts: GridOptions, record?: Float32Array): PatchSample {
  const [N, C, H, W] = checkBatch(batch);
  if (!(generator instanceof Generator)) throw invalidParameter('generator', 'Generator', generator);
  const g = checkGrid(opts, H, W);
  const nb = native();
  checkRecord(record, N);
  const out = new Float32Array(N * 2 * C * g.patch * g.patch), labels = new Int32Array(N);
  nb.relativePositionPatches(out, labels, record ?? null, batch.images, N, C, H, W, g.patch, g.gap, g.jitter, ABERRATION_CODE[g.aberration],
    generator.seed, generator.reserve(N * patchCounters(C, g.patch)));
  return { patches: new Tensor(out, [2 * N, C, g.patch, g.patch]), labels };
}

// Noroozi & Favaro 2016: the 9 tiles of the grid shuffled by permutation `label` of `perms`
// ((P, 9) from jigsawPermutations): tile t shows grid cell perms[label * 9 + t].
export function jigsawTiles(batch: Batch, generator: Generator, perms: Int32Array, opts: GridOptions, record?: Float32Array): PatchSample {
  const [N, C, H, W] = checkBatch(batch);
  if (!(generator instanceof Generator)) throw invalidParameter('generator', 'Generator', generator);
  if (!(perms instanceof Int32Array) || perms.length === 0 || perms.length % 9 !== 0)
    throw invalidParameter('perms', 'Int32Array of (P, 9) tile permutations (jigsawPermutations)', perms);
  for (let i = 0; i < perms.length; i++) if (perms[i] < 0 || perms[i] > 8) throw outOfRange(`perms[${i}]`, 'a grid cell in [0, 8]', perms[i]);
  const g = checkGrid(opts, H, W);
  const nb = native();
  checkRecord(record, N);
  const out = new Float32Array(N * 9 * C * g.patch * g.patch), labels = new Int32Array(N);
  nb.jigsawTiles(out, labels, record ?? null, batch.images, N, C, H, W, g.patch, g.gap, g.jitter, ABERRATION_CODE[g.aberration],
    perms, perms.length / 9, generator.seed, generator.reserve(N * patchCounters(C, g.patch)));
  return { patches: new Tensor(out, [9 * N, C, g.patch, g.patch]), labels };
}

// Gidaris et al. 2018: every image at 0, 90, 180 and 270 degrees (torch.rot90 direction), in one
// batch (4N, C, S, S) with sample 4n + r turned r times; labels 0..3 repeating.
export function rotations(x: Tensor): PatchSample {
  if (!(x instanceof Tensor) || x.ndim !== 4) throw invalidParameter('x', 'Tensor (N, C, S, S)', x);
  const [N, C, H, W] = x.shape;
  if (H !== W) throw outOfRange('x', 'square images (rotations by 90 degrees keep the shape)', `${H}x${W}`);
  const out = new Float32Array(4 * x.size);
  native().rotate90Batch(out, x.data, N, C, H);
  return { patches: new Tensor(out, [4 * N, C, H, W]), labels: Int32Array.from({ length: 4 * N }, (_, i) => i % 4) };
}

// Philox counters one sample uses (64 for the geometry, then one per possible noise value).
function patchCounters(C: number, P: number): number {
  return 64 + 9 * C * P * P;
}

// A zeroed `record` for N samples (the relativePositionPatches / jigsawTiles argument).
export function patchRecord(N: number): Float32Array {
  return new Float32Array(checkInt('N', N) * native().patchRecordSize);
}

function checkRecord(record: Float32Array | undefined, N: number): void {
  const need = N * native().patchRecordSize;
  if (record !== undefined && (!(record instanceof Float32Array) || record.length < need))
    throw invalidParameter('record', `Float32Array of at least ${need} elements`, record);
}
