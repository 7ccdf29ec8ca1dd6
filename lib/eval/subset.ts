// Few-label subsets and held-out splits, stratified by class and seeded. Each class's members (in
// index order) are shuffled by one permutation drawn from Generator(seed), classes in ascending
// order; a subset takes a prefix of each class's permutation. The permutations do not depend on the
// fraction, so for one seed the 1% subset lies inside the 10% one (nested label budgets, as in the
// semi-supervised tables of SimCLR/BYOL).
import { Generator } from '../random.js';
import { checkInt, checkNumber, outOfRange } from '../validate.js';
import { checkLabels, maxLabel } from './check.js';

// Per-class shuffled member lists.
function shuffledClasses(labels: Int32Array, seed: number): Int32Array[] {
  const C = maxLabel(labels) + 1;
  const counts = new Int32Array(C);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const members = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(C);
  for (let i = 0; i < labels.length; i++) members[labels[i]][fill[labels[i]]++] = i;
  const gen = new Generator(seed);
  return members.map((m) => {
    if (m.length === 0) return m;
    const p = gen.permutation(m.length);
    return Int32Array.from(p, (j) => m[j]);
  });
}

function sorted(parts: Int32Array[]): Int32Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Int32Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out.sort();
}

// Indices of a labelled subset: per class round(fraction × count), at least 1, sorted ascending.
export function stratifiedSubset(labels: Int32Array | readonly number[], fraction: number, seed = 0): Int32Array {
  const y = checkLabels('labels', labels);
  checkNumber('fraction', fraction, 0, 1, true);
  checkInt('seed', seed);
  return sorted(shuffledClasses(y, seed).map((m) => m.subarray(0, Math.min(m.length, Math.max(1, Math.round(fraction * m.length))))));
}

// A held-out split for model selection: per class round(valFraction × count) items, at least 1,
// but always leaving at least one in the training part (a class with a single item stays in train).
export function stratifiedSplit(labels: Int32Array | readonly number[], valFraction: number, seed = 0): { train: Int32Array; val: Int32Array } {
  const y = checkLabels('labels', labels);
  checkNumber('valFraction', valFraction, 0, 1, true);
  if (valFraction >= 1) throw outOfRange('valFraction', 'number in (0, 1)', valFraction);
  checkInt('seed', seed);
  const cls = shuffledClasses(y, seed);
  const nVal = cls.map((m) => (m.length < 2 ? 0 : Math.min(m.length - 1, Math.max(1, Math.round(valFraction * m.length)))));
  return { val: sorted(cls.map((m, c) => m.subarray(0, nVal[c]))), train: sorted(cls.map((m, c) => m.subarray(nVal[c]))) };
}
