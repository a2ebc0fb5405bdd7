// What the dataset commands (manpages-data, catalogs-data, debtags-data) share: the output folder's flags, its checks
// before anything is read, and writing the folder and the result line.
import path from 'node:path';
import { type CliIo, type CommandContext, type FlagHelp, requiredFlag, UsageError } from '@contrastive/core/cli';
import { folderState, writeDatasetFolder } from '../data/manpages-dataset.js';

/** `--overwrite` and `--json` of a dataset command (with its own `--out`). */
export const DATASET_OUTPUT_FLAGS = { overwrite: { type: 'boolean' }, json: { type: 'boolean' } } as const;

/** Help lines of {@link DATASET_OUTPUT_FLAGS}. */
export const DATASET_OUTPUT_HELP: readonly FlagHelp[] = [
  { name: 'overwrite', help: 'replace the dataset files in a non-empty DIR (other files there are kept)' },
  { name: 'json', help: 'print the manifest as one JSON line instead of a sentence' },
];

/**
 * `--out` and `--overwrite`, checked before anything is read: a file, or a non-empty folder without `--overwrite`,
 * is a usage error.
 */
export function datasetOut(values: CommandContext['values']): { out: string; overwrite: boolean } {
  const out = requiredFlag(values, 'out');
  const overwrite = values.overwrite === true;
  const state = folderState(out);
  if (state === 'file') throw new UsageError(`--out ${out} is a file, not a folder; choose another --out`);
  if (state === 'non-empty' && !overwrite) {
    throw new UsageError(
      `--out ${out} is a non-empty folder; choose another --out or pass --overwrite (which replaces only the dataset files)`,
    );
  }
  return { out, overwrite };
}

/**
 * Writes the dataset folder (atomically, see `writeDatasetFolder`) and prints the manifest as one JSON line with
 * `--json`, else `sentence(seconds)`.
 */
export function finishDataset(
  ctx: CommandContext,
  io: CliIo,
  target: { out: string; overwrite: boolean },
  dataset: { files: Readonly<Record<string, string>>; manifest: object },
  sentence: (seconds: number) => string,
): number {
  writeDatasetFolder(target.out, dataset.files, target.overwrite);
  const seconds = (performance.now() - ctx.started) / 1000;
  if (ctx.json) io.out(JSON.stringify({ out: path.resolve(target.out), seconds: Math.round(seconds * 10) / 10, ...dataset.manifest }));
  else io.out(sentence(seconds));
  return 0;
}
