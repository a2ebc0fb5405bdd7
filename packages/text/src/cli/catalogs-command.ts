import path from 'node:path';
import {
  type CliIo,
  type FlagSpec,
  formatHelp,
  intFlag,
  oneOfFlag,
  requiredFlag,
  startCommand,
  stringFlag,
  UsageError,
} from '@contrastive/core/cli';
import { listCatalogLanguages } from '../data/catalogs-files.js';
import { buildCatalogsDataset } from '../data/catalogs-dataset.js';
import { TextDataError } from '../errors.js';
import { DATASET_OUTPUT_FLAGS, DATASET_OUTPUT_HELP, datasetOut, finishDataset } from './dataset-output.js';
import { TOOL, VERSION } from './tool.js';

const SPEC = {
  lang: { type: 'string' },
  out: { type: 'string' },
  'locale-dir': { type: 'string' },
  'dpkg-dir': { type: 'string' },
  'packages-file': { type: 'string' },
  'eval-packages': { type: 'string' },
  'eval-size': { type: 'string' },
  seed: { type: 'string' },
  'max-words': { type: 'string' },
  plurals: { type: 'string' },
  ...DATASET_OUTPUT_FLAGS,
} as const satisfies FlagSpec;

export const CATALOGS_HELP = formatHelp({
  tool: TOOL,
  command: 'catalogs-data',
  summary: 'write English → LANG translation pairs from the installed gettext catalogs, split by package',
  usage:
    'catalogs-data --lang LANG --out DIR [--locale-dir DIR] [--packages-file FILE] [--eval-packages N | --eval-size N] [--seed N] [--overwrite]',
  flags: [
    {
      name: 'lang',
      arg: 'LANG',
      help:
        'the language folder to read, as named under --locale-dir (de, pt_BR, sr@latin); only that folder: regional ' +
        'variants (de_CH) are other languages, read with their own --lang',
    },
    {
      name: 'out',
      arg: 'DIR',
      help:
        'writes DIR/train.jsonl and DIR/test.jsonl ({"source","target","package","domain"}), DIR/packages.txt, ' +
        'DIR/provenance.tsv, DIR/README.md (licence notice) and DIR/manifest.json',
    },
    { name: 'locale-dir', arg: 'DIR', help: 'locale root holding LANG/LC_MESSAGES/*.mo', default: '/usr/share/locale' },
    {
      name: 'dpkg-dir',
      arg: 'DIR',
      help: "dpkg's database: info/*.list maps catalogs to packages, status gives versions",
      default: '/var/lib/dpkg',
    },
    {
      name: 'packages-file',
      arg: 'FILE',
      help:
        "read only these packages (one per line, or a dataset's packages.txt, whose split column is then reused) so " +
        'the dataset can be rebuilt on a machine with more packages',
    },
    { name: 'eval-packages', arg: 'N', help: 'hold out N packages drawn at random (whatever their sizes)' },
    {
      name: 'eval-size',
      arg: 'N',
      help: 'hold out whole packages, drawn at random, until about N pairs (at most 4/3 N)',
      default: '7.5 % of the pairs',
    },
    { name: 'seed', arg: 'N', help: 'seed of the package split', default: '0' },
    { name: 'max-words', arg: 'N', help: 'pairs with more words on either side are dropped', default: '64' },
    {
      name: 'plurals',
      arg: 'singular|skip',
      help: 'plural messages: pair msgid with msgstr[0] (the n = 1 form), or drop them',
      default: 'singular',
    },
    ...DATASET_OUTPUT_HELP,
  ],
  details:
    'Reads the .mo files directly (either byte order; non-UTF-8 charsets converted) and maps each to its Debian ' +
    "package through dpkg's file lists. Accelerators are stripped, whitespace collapsed, printf placeholders kept; " +
    'untranslated, empty, wordless, over-long and placeholder-mismatched messages and repeated sources are dropped ' +
    '(counts in manifest.json). Each catalog stays under its package licence (/usr/share/doc/<package>/copyright): ' +
    'the folder is built at run time and must not be committed.',
  examples: [
    `${TOOL} catalogs-data --lang de --out data/catalogs-de`,
    `${TOOL} catalogs-data --lang de --out data/catalogs-de-again --packages-file data/catalogs-de/packages.txt`,
  ],
});

/** `contrastive-text catalogs-data`: see {@link CATALOGS_HELP}. */
export async function catalogsCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, CATALOGS_HELP, io);
  if (!ctx) return 0;
  const { values } = ctx;
  const lang = requiredFlag(values, 'lang', 'e.g. --lang de');
  if (!/^[A-Za-z]{2,3}(?:[_@.][\w@.-]+)?$/.test(lang) || lang.includes('..')) {
    throw new UsageError(`--lang must be a locale folder name such as de, pt_BR or sr@latin, got '${lang}'`);
  }
  const target = datasetOut(values);
  const { out } = target;
  const evalPackages = intFlag(values, 'eval-packages', 1);
  const evalSize = intFlag(values, 'eval-size', 1);
  if (evalPackages !== undefined && evalSize !== undefined) throw new UsageError('give --eval-packages or --eval-size, not both');
  const localeDir = stringFlag(values, 'locale-dir') ?? '/usr/share/locale';
  let languages: string[];
  try {
    languages = listCatalogLanguages(localeDir);
  } catch (e) {
    if (e instanceof TextDataError) throw new UsageError(`--locale-dir ${localeDir}: ${e.message.slice(e.file.length + 2)}`);
    throw e;
  }
  if (!languages.includes(lang)) {
    throw new UsageError(
      `--lang ${lang}: ${path.join(localeDir, lang, 'LC_MESSAGES')} holds no .mo catalog; languages with catalogs under ` +
        `${localeDir}: ${languages.join(', ') || 'none'}`,
    );
  }
  const packagesFile = stringFlag(values, 'packages-file');
  const dataset = buildCatalogsDataset({
    lang,
    localeDir,
    dpkgDir: stringFlag(values, 'dpkg-dir') ?? '/var/lib/dpkg',
    ...(packagesFile !== undefined ? { packagesFile } : {}),
    ...(evalPackages !== undefined ? { evalPackages } : {}),
    ...(evalSize !== undefined ? { evalSize } : {}),
    seed: intFlag(values, 'seed', 0) ?? 0,
    maxWords: intFlag(values, 'max-words', 1) ?? 64,
    plurals: oneOfFlag(values, 'plurals', ['singular', 'skip'] as const, 'singular'),
    tool: `${TOOL} ${VERSION}`,
    log: ctx.log,
  });
  const m = dataset.manifest;
  return finishDataset(ctx, io, target, dataset, (seconds) => {
    const c = m.counts;
    return (
      `wrote ${c.trainPairs} training pairs (${c.trainPackages} packages) and ${c.testPairs} held-out pairs ` +
      `(${c.testPackages} packages, ${(m.split.heldOutFraction * 100).toFixed(1)} %) from ${c.messages} messages in ` +
      `${c.catalogs} catalogs to ${out} in ${seconds.toFixed(1)} s`
    );
  });
}
