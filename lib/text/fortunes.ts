// The embedded text corpus (data/text-sample/fortunes): six category files of the BSD fortune
// database, entries separated by `%` lines, 189 KB, shipped with the package so the text
// commands and tests work from a clone. See data/text-sample/README.md for how it was cut.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../native/loader.js';
import { checkOptions } from '../validate.js';
import { documentsOf, textFiles, type TextCorpus, type TextDocuments, type TextFilesOptions, type TextSourceOptions } from './corpus.js';

export const EMBEDDED_FORTUNES = path.join(packageRoot, 'data', 'text-sample', 'fortunes');

function embeddedDir(): string {
  if (!fs.existsSync(EMBEDDED_FORTUNES)) throw new Error(`${EMBEDDED_FORTUNES}: the embedded fortunes sample is missing (a broken install?)`);
  return EMBEDDED_FORTUNES;
}

// textFiles over the sample; its separator is always `%`.
export function fortunesSample(opts?: Omit<TextFilesOptions, 'separator'>): TextCorpus {
  checkOptions('options', opts, ['holdout', 'seed', 'context', 'stride']);
  return textFiles(embeddedDir(), { ...opts, separator: '%' });
}

export function fortunesSampleDocuments(opts?: Omit<TextSourceOptions, 'separator'>): TextDocuments {
  checkOptions('options', opts, ['holdout', 'seed']);
  return documentsOf(embeddedDir(), { ...opts, separator: '%' });
}
