// Which images a command uses: the embedded Fashion-MNIST sample by default, Debian's
// dataset-fashion-mnist install with --data full, or --data DIR:
// - DIR holding the Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], …): those;
// - otherwise DIR is an image folder (PNG/JPEG/WebP, data.imageFolder, resized and centre-cropped
//   to size × size, default 32; class = subfolder when every top-level entry is a folder):
//   with train/ and test/ subfolders those are the two splits (test takes train's channel count and
//   class indices); else all of DIR is the training split and a seeded (seed 0) stratified 10% of
//   each class, at least one image of every class with two or more, is held out as the test split.
import fs from 'node:fs';
import { itemSize, type Dataset } from '../data/dataset.js';
import path from 'node:path';
import { DEBIAN_FASHION_MNIST, EMBEDDED_FASHION_MNIST, fashionMnist, type ImageSet } from '../data/fashion-mnist.js';
import { imageFolder, selectItems, type FolderImageSet } from '../data/image-folder.js';
import { stratifiedSplit } from '../eval/subset.js';

export interface DataSource {
  train: ImageSet;
  test: ImageSet;
  description: string;
}

export interface ResolveDataOptions {
  size?: number | [number, number]; // image folders only (default 32)
}

export const HOLDOUT_FRACTION = 0.1;
const IDX_FILE = /^(train|t10k)-(images-idx3|labels-idx1)-ubyte(\.gz)?$/;

export function firstItems<T extends Dataset>(set: T, n: number): T {
  if (n >= set.length) return set;
  const per = itemSize(set.shape);
  return { ...set, images: set.images.subarray(0, n * per), labels: set.labels ? set.labels.subarray(0, n) : null, length: n };
}

const isDir = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();

function describeFolder(set: FolderImageSet): string {
  const [C, H, W] = set.shape;
  const cls = set.classes ? `${set.classes.length} classes (${set.classes.slice(0, 5).join(', ')}${set.classes.length > 5 ? ', …' : ''})` : 'unlabelled';
  return `${C}×${H}×${W}, ${cls}`;
}

async function imageFolderData(dir: string, limit: number | undefined, size: number | [number, number]): Promise<DataSource> {
  const trainDir = path.join(dir, 'train'), testDir = path.join(dir, 'test');
  if (isDir(trainDir) && isDir(testDir)) {
    const train = await imageFolder(trainDir, { size, limit });
    const test = await imageFolder(testDir, { size, limit, channels: train.shape[0] as 1 | 3, labels: train.classes !== null });
    if (train.classes && test.classes && test.labels) {
      // The test split may lack a class but not add one; its labels use train's indices.
      const missing = test.classes.filter((c) => !train.classes!.includes(c));
      if (missing.length > 0)
        throw new Error(`${testDir}: class folder${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in ${trainDir} (the test classes must be among the training classes)`);
      const map = test.classes.map((c) => train.classes!.indexOf(c));
      for (let i = 0; i < test.length; i++) test.labels[i] = map[test.labels[i]];
      test.classes = train.classes;
    }
    return { train, test, description: `image folder ${dir} (train/, test/): ${describeFolder(train)}: ${train.length} train / ${test.length} test images` };
  }
  const all = await imageFolder(dir, { size, limit });
  if (all.length < 2)
    throw new Error(`${dir}: 1 image is too few to hold out a test split (add images, or train/ and test/ subfolders)`);
  const { train: tr, val: te } = stratifiedSplit(all.labels ?? new Int32Array(all.length), HOLDOUT_FRACTION, 0);
  const train = selectItems(all, tr), test = selectItems(all, te);
  return {
    train, test,
    description: `image folder ${dir}: ${describeFolder(all)}: ${train.length} train / ${test.length} test images (test: seeded ${HOLDOUT_FRACTION * 100}% held out${all.classes ? ' per class' : ''})`,
  };
}

// `limit` keeps the first `limit` training and test images (quick tries, tests); for an image
// folder it bounds the images decoded (spread over the classes), before a test split is held out.
export async function resolveData(data?: string, limit?: number, opts: ResolveDataOptions = {}): Promise<DataSource> {
  let dir = EMBEDDED_FASHION_MNIST, description = 'the embedded Fashion-MNIST sample';
  if (data === 'full') {
    if (!fs.existsSync(DEBIAN_FASHION_MNIST))
      throw new Error(`--data full: ${DEBIAN_FASHION_MNIST} not found (apt-get install dataset-fashion-mnist, or pass --data DIR with the four IDX files)`);
    dir = DEBIAN_FASHION_MNIST;
    description = `Fashion-MNIST from ${dir}`;
  } else if (data !== undefined) {
    dir = data;
    if (!fs.existsSync(dir)) throw new Error(`${dir}: data folder does not exist (expected the Fashion-MNIST IDX files or an image folder)`);
    if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir}: --data is not a folder (expected the Fashion-MNIST IDX files or an image folder)`);
    if (!fs.readdirSync(dir).some((n) => IDX_FILE.test(n))) return imageFolderData(dir, limit, opts.size ?? 32);
    description = `Fashion-MNIST IDX files in ${dir}`;
  }
  let train = fashionMnist({ split: 'train', dir }), test = fashionMnist({ split: 'test', dir });
  if (limit !== undefined) {
    train = firstItems(train, limit);
    test = firstItems(test, limit);
  }
  return { train, test, description: `${description}: ${train.length} train / ${test.length} test images` };
}
