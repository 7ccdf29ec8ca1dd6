// Loads the CPU addon once, lazily. node-gyp-build finds prebuilds/<platform>-<arch>/ or
// build/Release; SELFSUP_NATIVE_PATH points at a specific .node file. On failure, one error lists
// every place tried and what to do, instead of a bare dlopen message (sharp's loader is the model).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { NativeBinding } from './binding.js';

const require = createRequire(import.meta.url);
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let cached: NativeBinding | null = null;

export function native(): NativeBinding {
  if (cached) return cached;
  const errors: string[] = [];
  const explicit = process.env.SELFSUP_NATIVE_PATH;
  if (explicit) {
    try {
      cached = require(path.resolve(explicit)) as NativeBinding;
      return cached;
    } catch (e) {
      errors.push(`SELFSUP_NATIVE_PATH=${explicit}: ${(e as Error).message}`);
    }
  }
  try {
    const load = require('node-gyp-build') as (dir: string) => unknown;
    cached = load(packageRoot) as NativeBinding;
    return cached;
  } catch (e) {
    errors.push(`node-gyp-build(${packageRoot}): ${(e as Error).message}`);
  }
  const err = new Error(
    'selfsup: could not load the native addon.\n' + errors.map((m) => `  - ${m}`).join('\n') +
      '\nPossible solutions:\n' +
      '  - build it from source: `npm rebuild selfsup` (needs a C++17 compiler, make and python3)\n' +
      '  - in a clone of the repository: `npm install` or `npm run build:native`\n' +
      '  - set SELFSUP_NATIVE_PATH to a built selfsup.node',
  );
  (err as Error & { code: string }).code = 'ERR_SELFSUP_NATIVE_LOAD';
  throw err;
}
