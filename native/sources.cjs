// Lists the native source files for binding.gyp, so node-gyp and CMakeLists.txt (which globs the
// same folders) always build the same sources. Usage: node native/sources.cjs base|avx2|avx512
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const groups = {
  base: ['native/core', 'native/kernels/ref', 'native/kernels/cpu', 'native/addon'],
  avx2: ['native/kernels/x86'],
  avx512: ['native/kernels/x86'],
};
const which = process.argv[2];
if (!groups[which]) throw new Error(`sources.cjs: expected base, avx2 or avx512 but received ${which}`);
const root = path.join(__dirname, '..');
const files = [];
for (const dir of groups[which]) {
  for (const f of fs.readdirSync(path.join(root, dir)).sort()) {
    if (!f.endsWith('.cc')) continue;
    if (which !== 'base' && !f.includes(`_${which}.`)) continue;
    files.push(`${dir}/${f}`);
  }
}
process.stdout.write(files.join(' '));
