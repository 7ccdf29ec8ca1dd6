// Which images a command uses: the embedded Fashion-MNIST sample by default, a folder of the IDX
// files with --data DIR, or Debian's dataset-fashion-mnist install with --data full.
import fs from 'node:fs';
import { DEBIAN_FASHION_MNIST, EMBEDDED_FASHION_MNIST, fashionMnist, type ImageSet } from '../data/fashion-mnist.js';

export interface DataSource {
  train: ImageSet;
  test: ImageSet;
  description: string;
}

function firstItems(set: ImageSet, n: number): ImageSet {
  if (n >= set.length) return set;
  const per = set.shape[0] * set.shape[1] * set.shape[2];
  return { ...set, images: set.images.subarray(0, n * per), labels: set.labels ? set.labels.subarray(0, n) : null, length: n };
}

// `limit` keeps the first `limit` training and test images (quick tries, tests).
export function resolveData(data?: string, limit?: number): DataSource {
  let dir = EMBEDDED_FASHION_MNIST, description = 'the embedded Fashion-MNIST sample';
  if (data === 'full') {
    if (!fs.existsSync(DEBIAN_FASHION_MNIST))
      throw new Error(`--data full: ${DEBIAN_FASHION_MNIST} not found (apt-get install dataset-fashion-mnist, or pass --data DIR with the four IDX files)`);
    dir = DEBIAN_FASHION_MNIST;
    description = `Fashion-MNIST from ${dir}`;
  } else if (data !== undefined) {
    dir = data;
    description = `Fashion-MNIST IDX files in ${dir}`;
  }
  let train = fashionMnist({ split: 'train', dir }), test = fashionMnist({ split: 'test', dir });
  if (limit !== undefined) {
    train = firstItems(train, limit);
    test = firstItems(test, limit);
  }
  return { train, test, description: `${description}: ${train.length} train / ${test.length} test images` };
}
