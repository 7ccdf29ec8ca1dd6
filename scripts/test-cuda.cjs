#!/usr/bin/env node
// `npm run test:cuda`: the CUDA conformance check (build-cuda/selfsup_cuda_check, every CUDA kernel
// against its CPU twin), then the CUDA-state tests of the vitest suite. Where there is no GPU the
// check prints "skipped: <why>" and passes; where the CUDA build is missing it says how to make it.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const check = path.join(root, 'build-cuda', process.platform === 'win32' ? 'Release/selfsup_cuda_check.exe' : 'selfsup_cuda_check');
if (!fs.existsSync(check)) {
  console.error(`test:cuda: ${check} is missing: run \`npm run build:cuda\` first (needs nvcc and CMake)`);
  process.exit(1);
}
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', cwd: root }).status ?? 1;
const status = run(check, []);
if (status !== 0) process.exit(status);
process.exit(run(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/native/cuda.test.ts']));
