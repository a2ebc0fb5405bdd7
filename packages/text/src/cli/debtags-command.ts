import { type CliIo, type FlagSpec, formatHelp, intFlag, startCommand, stringFlag, UsageError } from '@contrastive/core/cli';
import { buildDebtagsDataset } from '../data/debtags-dataset.js';
import { DATASET_OUTPUT_FLAGS, DATASET_OUTPUT_HELP, datasetOut, finishDataset } from './dataset-output.js';
import { TOOL, VERSION } from './tool.js';

const SPEC = {
  out: { type: 'string' },
  facet: { type: 'string' },
  'min-per-aspect': { type: 'string' },
  'eval-size': { type: 'string' },
  seed: { type: 'string' },
  'lists-dir': { type: 'string' },
  'packages-file': { type: 'string' },
  'translations-file': { type: 'string' },
  vocabulary: { type: 'string' },
  ...DATASET_OUTPUT_FLAGS,
} as const satisfies FlagSpec;

export const DEBTAGS_HELP = formatHelp({
  tool: TOOL,
  command: 'debtags-data',
  summary: 'write an aspect-detection dataset: Debian package descriptions labelled with their debtags facet tag',
  usage:
    'debtags-data --out DIR [--facet use] [--min-per-aspect N] [--eval-size N] [--seed N] [--lists-dir DIR | --packages-file F,… --translations-file F,…] [--overwrite]',
  flags: [
    {
      name: 'out',
      arg: 'DIR',
      help:
        'writes DIR/train.jsonl and DIR/test.jsonl ({"text","aspect","package"}), DIR/multi-label.jsonl, ' +
        'DIR/aspects.tsv, DIR/README.md (licence notice) and DIR/manifest.json',
    },
    {
      name: 'facet',
      arg: 'NAME[,NAME]',
      help: 'the debtags facet(s) whose tags are the aspects (use = purpose, works-with, field, …); a package needs exactly one tag of them',
      default: 'use',
    },
    { name: 'min-per-aspect', arg: 'N', help: 'drop aspects with fewer single-label packages', default: '50' },
    { name: 'eval-size', arg: 'N', help: 'held-out examples, stratified by aspect', default: '20 % of the examples' },
    { name: 'seed', arg: 'N', help: 'seed of the split', default: '0' },
    {
      name: 'lists-dir',
      arg: 'DIR',
      help: "APT's lists folder: every *_Packages and *_Translation-en index in it is read (.lz4 through the lz4 command, .gz, or plain)",
      default: '/var/lib/apt/lists',
    },
    { name: 'packages-file', arg: 'F[,F]', help: 'Packages indexes to read instead (plain, .lz4 or .gz)' },
    { name: 'translations-file', arg: 'F[,F]', help: 'Translation-en indexes to read instead (they hold the long descriptions)' },
    {
      name: 'vocabulary',
      arg: 'FILE|none',
      help: 'the debtags vocabulary, for the tag descriptions in aspects.tsv (from the debtags package)',
      default: '/usr/share/debtags/vocabulary if present',
    },
    ...DATASET_OUTPUT_HELP,
  ],
  details:
    "Bookworm's Packages indexes carry only each package's synopsis; the long descriptions are in the Translation-en " +
    'indexes, which Debian docker images do not fetch. Get them with ' +
    'apt-get update -o Acquire::Languages=en (or into a scratch folder with -o Dir::State::Lists=DIR) and pass --lists-dir DIR. ' +
    'Packages without a long description, with a ::TODO tag only, with two or more tags of the facet (written to ' +
    "multi-label.jsonl), repeating an earlier package's text, or of a rare aspect are skipped (counts in manifest.json). " +
    'The domain is software packages, not reviews. The folder is built at run time and must not be committed.',
  examples: [
    `${TOOL} debtags-data --out data/debtags-use`,
    `${TOOL} debtags-data --facet works-with --min-per-aspect 40 --out data/debtags-works-with --lists-dir /tmp/apt-lists`,
  ],
});

const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

/** `contrastive-text debtags-data`: see {@link DEBTAGS_HELP}. */
export async function debtagsCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, DEBTAGS_HELP, io);
  if (!ctx) return 0;
  const { values } = ctx;
  const target = datasetOut(values);
  const { out } = target;
  const facets = list(stringFlag(values, 'facet')) ?? ['use'];
  for (const f of facets) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(f)) throw new UsageError(`--facet: '${f}' is not a debtags facet name (use, works-with, field, …)`);
  }
  if (facets.length === 0) throw new UsageError('--facet is empty');
  const minPerAspect = intFlag(values, 'min-per-aspect', 2) ?? 50;
  const evalSize = intFlag(values, 'eval-size', 1);
  const vocabulary = stringFlag(values, 'vocabulary');
  const packagesFiles = list(stringFlag(values, 'packages-file'));
  const translationFiles = list(stringFlag(values, 'translations-file'));
  const listsDir = stringFlag(values, 'lists-dir');
  let dataset: ReturnType<typeof buildDebtagsDataset>;
  try {
    dataset = buildDebtagsDataset({
      facets,
      minPerAspect,
      seed: intFlag(values, 'seed', 0) ?? 0,
      ...(evalSize !== undefined ? { evalSize } : {}),
      ...(listsDir !== undefined ? { listsDir } : {}),
      ...(packagesFiles !== undefined ? { packagesFiles } : {}),
      ...(translationFiles !== undefined ? { translationFiles } : {}),
      ...(vocabulary !== undefined ? { vocabularyFile: vocabulary === 'none' ? null : vocabulary } : {}),
      tool: `${TOOL} ${VERSION}`,
      log: ctx.log,
    });
  } catch (e) {
    // The builder's range checks name its options; say which flags they are.
    if (e instanceof RangeError) {
      throw new UsageError(
        e.message.replace('debtagsAspects: ', '').replace('minPerAspect', '--min-per-aspect').replace('evalSize', '--eval-size'),
      );
    }
    throw e;
  }
  const c = dataset.manifest.counts;
  const m = dataset.manifest;
  return finishDataset(ctx, io, target, dataset, (seconds) => {
    return (
      `wrote ${c.train} training and ${c.test} held-out descriptions over ${c.aspects} aspects of ${m.facets.join(', ')} ` +
      `(${c.multiLabel} multi-label apart) from ${c.packages} packages to ${out} in ${seconds.toFixed(1)} s`
    );
  });
}
