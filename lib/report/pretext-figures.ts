// The pretext-task figure of a run, by task: what the network is asked on held-out images and what
// it answers (relative position, jigsaw, rotation) or makes (colorization; temporal reconstruction,
// on held-out clips). Tasks without one (SimCLR, BYOL) get no entry in the report.
import type { Dataset } from '../data/dataset.js';
import type { ImageSet } from '../data/fashion-mnist.js';
import { Colorization } from '../tasks/colorization.js';
import { Jigsaw } from '../tasks/jigsaw.js';
import { RelativePosition } from '../tasks/relative-position.js';
import { Rotation } from '../tasks/rotation.js';
import { TemporalReconstruction } from '../tasks/temporal.js';
import type { Task } from '../tasks/task.js';
import { renderColorization } from './colorization-figure.js';
import type { Figure, PretextFigureOptions } from './figure.js';
import { renderJigsaw } from './jigsaw-figure.js';
import { renderPatchPairs } from './patch-pairs.js';
import { renderRotations } from './rotation-figure.js';
import { renderTemporal } from './temporal-figure.js';

export const PRETEXT_FIGURES: Readonly<Record<string, { file: string; title: string }>> = {
  'relative-position': { file: 'patch-pairs.png', title: 'Relative position on held-out images' },
  jigsaw: { file: 'jigsaw.png', title: 'Jigsaw puzzles on held-out images' },
  rotation: { file: 'rotations.png', title: 'Rotation prediction on held-out images' },
  colorization: { file: 'colorization.png', title: 'Colorization of held-out photo crops' },
  temporal: { file: 'temporal.png', title: 'Temporal reconstruction of held-out clips' },
};

export function pretextFigureFor(taskName: unknown): { file: string; title: string } | null {
  return typeof taskName === 'string' && Object.hasOwn(PRETEXT_FIGURES, taskName) ? PRETEXT_FIGURES[taskName] : null;
}

// test: images (C, H, W) for the image tasks, clips (C, T, H, W) for temporal reconstruction.
export function renderPretextFigure(task: Task, test: ImageSet | Dataset, opts: PretextFigureOptions = {}): Figure {
  if (task instanceof TemporalReconstruction) return renderTemporal(task, test, opts);
  if (test.shape.length !== 3) throw new Error(`the ${task.name} figure needs images [C, H, W], not items of shape [${test.shape.join(', ')}]`);
  const images = test as ImageSet;
  if (task instanceof RelativePosition) return renderPatchPairs(task, images, opts);
  if (task instanceof Jigsaw) return renderJigsaw(task, images, opts);
  if (task instanceof Rotation) return renderRotations(task, images, opts);
  if (task instanceof Colorization) return renderColorization(task, images, opts);
  throw new Error(`no pretext figure for task ${task.name}`);
}
