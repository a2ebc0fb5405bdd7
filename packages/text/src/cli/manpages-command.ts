import {
  type CliIo,
  type FlagSpec,
  type FlagValues,
  formatHelp,
  intFlag,
  oneOfFlag,
  startCommand,
  stringFlag,
  UsageError,
} from '@contrastive/core/cli';
import { buildManpagesDataset } from '../data/manpages-dataset.js';
import { DATASET_OUTPUT_FLAGS, DATASET_OUTPUT_HELP, datasetOut, finishDataset } from './dataset-output.js';
import { TOOL, VERSION } from './tool.js';

const SPEC = {
  out: { type: 'string' },
  sections: { type: 'string' },
  'eval-size': { type: 'string' },
  seed: { type: 'string' },
  'man-dir': { type: 'string' },
  'dpkg-dir': { type: 'string' },
  'max-words': { type: 'string' },
  'min-words': { type: 'string' },
  negatives: { type: 'string' },
  'exclude-packages': { type: 'string' },
  ...DATASET_OUTPUT_FLAGS,
} as const satisfies FlagSpec;

export const MANPAGES_HELP = formatHelp({
  tool: TOOL,
  command: 'manpages-data',
  summary: 'write a retrieval dataset (summary → description) from the installed manual pages',
  usage: 'manpages-data --out DIR [--sections 1,8] [--eval-size N] [--seed N] [--man-dir DIR] [--overwrite]',
  flags: [
    {
      name: 'out',
      arg: 'DIR',
      help:
        'writes DIR/pairs.jsonl (held-out {"query": NAME summary, "document": DESCRIPTION}), DIR/train-pairs.jsonl, ' +
        'DIR/corpus.txt, DIR/triplets.jsonl, DIR/packages.txt, DIR/provenance.tsv, DIR/README.md (licence notice) and DIR/manifest.json',
    },
    {
      name: 'sections',
      arg: 'LIST',
      help: 'comma-separated section folders to read (1,8 reads man1/ and man8/)',
      default: 'all man* folders',
    },
    { name: 'eval-size', arg: 'N', help: 'held-out page groups (one pair each)', default: '1000' },
    { name: 'seed', arg: 'N', help: 'seed of the split and of random negatives', default: '0' },
    {
      name: 'man-dir',
      arg: 'DIR',
      help: 'manual root holding man1/, man2/, … (translations beside them are not read)',
      default: '/usr/share/man',
    },
    {
      name: 'dpkg-dir',
      arg: 'DIR',
      help: "dpkg's database: info/*.list maps files to packages, status gives versions",
      default: '/var/lib/dpkg',
    },
    { name: 'max-words', arg: 'N', help: "a document is the DESCRIPTION's first N words", default: '200' },
    { name: 'min-words', arg: 'N', help: 'pages whose DESCRIPTION has fewer words are skipped', default: '10' },
    {
      name: 'negatives',
      arg: 'bm25|random',
      help: 'triplet negative: the training page with the most BM25-similar summary, or a random one',
      default: 'bm25',
    },
    { name: 'exclude-packages', arg: 'LIST', help: 'comma-separated Debian packages whose pages are left out (e.g. google-cloud-cli)' },
    ...DATASET_OUTPUT_HELP,
  ],
  details:
    'Reads the roff sources directly (gzip via node:zlib; man(7) and mdoc(7)); symlinks and .so redirections are ' +
    'aliases and skipped. Pages sharing a name, summary or description are one group, entirely held out or entirely ' +
    'training. Each page stays under its package licence (/usr/share/doc/<package>/copyright): the folder is built ' +
    'at run time and must not be committed.',
  examples: [
    `${TOOL} manpages-data --out data/manpages`,
    `${TOOL} manpages-data --out data/manpages-1-8 --sections 1,8 --exclude-packages google-cloud-cli`,
  ],
});

/** A comma-separated list flag: trimmed, non-empty items; an empty item is a usage error naming the flag. */
function listFlag(values: FlagValues, name: string): string[] | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${name} must be a comma-separated list without empty items, got '${raw}'`);
  return items;
}

/** `contrastive-text manpages-data`: see {@link MANPAGES_HELP}. */
export async function manpagesCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, MANPAGES_HELP, io);
  if (!ctx) return 0;
  const { values } = ctx;
  const target = datasetOut(values);
  const { out } = target;
  const sections = listFlag(values, 'sections');
  const excludePackages = listFlag(values, 'exclude-packages');
  const dataset = buildManpagesDataset({
    manDir: stringFlag(values, 'man-dir') ?? '/usr/share/man',
    dpkgDir: stringFlag(values, 'dpkg-dir') ?? '/var/lib/dpkg',
    ...(sections ? { sections } : {}),
    ...(excludePackages ? { excludePackages } : {}),
    evalSize: intFlag(values, 'eval-size', 1) ?? 1000,
    seed: intFlag(values, 'seed', 0) ?? 0,
    maxWords: intFlag(values, 'max-words', 1) ?? 200,
    minWords: intFlag(values, 'min-words', 0) ?? 10,
    negatives: oneOfFlag(values, 'negatives', ['bm25', 'random'] as const, 'bm25'),
    tool: `${TOOL} ${VERSION}`,
    log: ctx.log,
  });
  const m = dataset.manifest;
  return finishDataset(ctx, io, target, dataset, (seconds) => {
    return (
      `wrote ${m.counts.heldOutPairs} held-out pairs, ${m.counts.trainPairs} training pairs, ${m.counts.corpusLines} corpus lines and ` +
      `${m.counts.triplets} triplets from ${m.counts.pagesParsed} parsed pages of ${m.counts.packages} packages to ${out} in ${seconds.toFixed(1)} s`
    );
  });
}
