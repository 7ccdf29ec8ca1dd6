#!/usr/bin/env node
// The `selfsup` command (package.json "bin"): a committed, executable entry that loads the
// compiled CLI. The compiler's output is not executable, and npx runs the bin directly.
import '../dist/cli/main.js';
