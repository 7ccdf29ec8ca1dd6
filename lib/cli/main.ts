#!/usr/bin/env node
// The selfsup command line. `info` reports the build and machine; later subcommands (pretrain,
// eval, report) arrive with the trainer.
import { Command } from 'commander';
import { info, version } from '../runtime.js';

const program = new Command();
program.name('selfsup').description('Self-supervised learning for Node.js').version(version());

program
  .command('info')
  .description('print version, chosen ISA, threads and CUDA state')
  .option('--json', 'print as JSON')
  .action((opts: { json?: boolean }) => {
    const i = info();
    if (opts.json) {
      console.log(JSON.stringify(i, null, 2));
      return;
    }
    console.log(`selfsup ${i.version} (node ${i.node}, ${i.platform})`);
    console.log(`  ISA:      ${i.isa.active} (detected ${i.isa.detected}; SELFSUP_ISA=scalar|avx2|avx512 forces a path)`);
    console.log(`  threads:  ${i.threads} (SELFSUP_NUM_THREADS or setNumThreads())`);
    console.log(`  compiler: ${i.compiler}`);
    console.log(`  malloc:   ${i.mallocTuned ? 'tuned for large tensors (SELFSUP_MALLOC_TUNING=0 disables)' : 'system default'}`);
    console.log(`  CUDA:     ${i.cuda.available ? 'available' : `not available: ${i.cuda.reason}`}`);
  });

program.parseAsync(process.argv).catch((e: Error) => {
  console.error(`selfsup: ${e.message}`);
  process.exitCode = 1;
});
