#!/usr/bin/env node
// The selfsup command line: `pretrain` (the main job), `eval`, `report`, `info`. Errors print one line
// (the message names what was wrong) and exit with status 1.
import { Command } from 'commander';
import { info, version } from '../runtime.js';
import { trainingDevice } from '../native/cuda.js';
import { evalCommand } from './eval-command.js';
import { sampleCommand } from './sample.js';
import { pretrain } from './pretrain.js';

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
    console.log(`  CUDA:     ${i.cuda.available ? i.cuda.message : `not available (${i.cuda.reason}): ${i.cuda.message}`}`);
    console.log(`  device:   ${trainingDevice('auto').why}`);
  });

program
  .command('pretrain')
  .description('self-supervised pretraining (default: SimCLR on the embedded Fashion-MNIST sample), then a linear probe and kNN next to random init')
  .option('--task <name>', 'simclr | byol | rotation | relative-position | jigsaw | colorization | temporal | next-token', 'simclr')
  .option('--data <dir>', 'folder with the Fashion-MNIST IDX files; or an image folder (PNG/JPEG/WebP, resized to 32x32, class = subfolder; train/ and test/ subfolders as the splits, else a seeded 10% held out); or "full" for Debian\'s /usr/share/datasets/fashion-mnist (default: the embedded sample)')
  .option('--epochs <n>', 'epochs', '15')
  .option('--batch-size <n>', 'batch size (default: 128; 32 for colorization and temporal, 64 for next-token)')
  .option('--out <dir>', 'run folder for checkpoints, metrics and results (default: runs/<task>-<time>)')
  .option('--resume', 'continue the run in --out from its checkpoint')
  .option('--seed <n>', 'seed of initialization, batch order and augmentation', '0')
  .option('--encoder <preset>', 'small | deep | wide', 'small')
  .option('--temperature <t>', 'NT-Xent temperature (simclr)', '0.2')
  .option('--optimizer <name>', 'lars | sgd | adamw (default: sgd for simclr and byol, adamw for the others)')
  .option('--lr <lr>', 'base learning rate (default: lars 0.3 x batch/256, sgd 0.1 x batch/256, adamw 1e-3)')
  .option('--weight-decay <wd>', 'weight decay (default: 5e-4 for simclr and byol with sgd; else lars 1e-6, sgd 0, adamw 1e-2)')
  .option('--patch <n>', 'relative-position / jigsaw: patch side (default: fills a 3x3 grid of the image)')
  .option('--gap <n>', 'relative-position / jigsaw: pixels between grid cells (default: side/14)')
  .option('--jitter <n>', 'relative-position / jigsaw: random shift of each patch, up to n pixels (default: side/28)')
  .option('--aberration <mode>', 'relative-position / jigsaw on colour images: drop | gray | none (default: drop)')
  .option('--permutations <n>', 'jigsaw: number of tile permutations (classes)', '100')
  .option('--loss <kind>', 'colorization: l2 | l1 | classification (default l2); temporal: l2 | l1 (default l2)')
  .option('--crop <n>', 'colorization: side of the random photo crops', '64')
  .option('--crops-per-epoch <n>', 'colorization: random crops per epoch', '2048')
  .option('--holdout <n>', 'colorization: photos held out for evaluation (default: 10%, at least 1)')
  .option('--frames <dir>', 'temporal: one folder of numbered frames (PNG/JPEG) per clip, instead of generated Moving-MNIST clips')
  .option('--clips <n>', 'temporal: Moving-MNIST training clips (test clips: a quarter as many, from the test images)', '2000')
  .option('--clip-frames <n>', 'temporal: frames per generated clip', '10')
  .option('--clip-size <n>', 'temporal: frame side of generated clips (and of frame folders, resized)', '64')
  .option('--hidden <k>', 'temporal: frames hidden per clip', '2')
  .option('--mode <mode>', 'temporal: random (hide any K frames) | last (predict the last K)', 'random')
  .option('--text <files>', 'next-token: text files or a folder of them, comma-separated (default: the embedded fortunes sample)')
  .option('--context <n>', 'next-token: bytes of context per window', '64')
  .option('--stride <n>', 'next-token: bytes between window starts (default: the context; smaller overlaps the windows)')
  .option('--width <n>', 'next-token: channels of the causal conv net (default 64)')
  .option('--dropout <p>', 'next-token: dropout on each block\'s residual branch while training (default 0)')
  .option('--threads <n>', 'threads for the kernels (default: all cores)')
  .option('--device <device>', 'cpu | cuda | auto (cuda: an error saying why it cannot run here; auto: the CPU, and why)', 'cpu')
  .option('--limit <n>', 'use only the first n training and test images (quick tries); colorization: the first n photos, and n images for the transfer evaluation')
  .option('--eval <protocols>', 'protocols to run after training', 'linear,knn')
  .option('--no-eval', 'skip the evaluation')
  .action(async (opts) => pretrain(opts));

program
  .command('eval <runs...>')
  .description('evaluate runs\' encoders in one table: linear probe, kNN, fine-tuning, at several label fractions, next to random init and raw pixels')
  .option('--protocol <list>', 'linear,knn,finetune', 'linear,knn')
  .option('--labels <list>', 'label fractions, e.g. 1%,10%,100%', '100%')
  .option('--data <dir>', 'as for pretrain (default: the embedded sample)')
  .option('--text <files>', 'next-token runs: text files or a folder for the source probe (default: the embedded fortunes)')
  .option('--seed <n>', 'seed of the label subsets and fine-tuning', '0')
  .option('--finetune-epochs <n>', 'epochs of fine-tuning', '2')
  .option('--threads <n>', 'threads for the kernels')
  .option('--limit <n>', 'use only the first n training and test images')
  .action(async (runs: string[], opts) => evalCommand(runs, opts));

program
  .command('sample <run>')
  .description('generate text from a next-token run')
  .option('--prompt <text>', 'text to continue (default: a line break)')
  .option('--length <n>', 'bytes to generate', '200')
  .option('--temperature <t>', 'sampling temperature (0: greedy)', '0.8')
  .option('--seed <n>', 'seed of the sampling', '0')
  .option('--threads <n>', 'threads for the kernels')
  .action(async (run: string, opts) => { await sampleCommand(run, opts); });

program
  .command('report <run>')
  .description('write PNG plots (loss curve, accuracy against number of labels, 2-D UMAP map of the test embeddings by class, and for ' +
    'rotation, relative-position, jigsaw and colorization runs the task on held-out images) and summary.md into <run>/report/')
  .option('--data <dir>', 'test images for the map and the pretext figure, as for pretrain (default: the embedded sample; colorization uses the run\'s photos.json)')
  .option('--limit <n>', 'use only the first n test images')
  .option('--points <n>', 'test images in the map (a seeded sample when there are more)', '2000')
  .option('--seed <n>', 'seed of that sample and of UMAP', '0')
  // Imported on use: the canvas binary, Chart.js and UMAP load only for this command.
  .action(async (run: string, opts) => (await import('../report/command.js')).reportCommand(run, opts));

program.parseAsync(process.argv).catch((e: Error) => {
  console.error(`selfsup: ${e.message}`);
  process.exitCode = 1;
});
