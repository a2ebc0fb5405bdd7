/**
 * `contrastive-graph data man|wordnet --out DIR`: builds a real node-classification graph from what is installed
 * (the manual pages, Debian's WordNet) into the folder `train --edges --labels --features` reads.
 */
import path from 'node:path';
import type { CliIo, FlagHelp, FlagSpec, FlagValues } from '@contrastive/core/cli';
import { formatHelp, intFlag, numFlag, requiredFlag, startCommand, stringFlag, UsageError } from '@contrastive/core/cli';
import { outputState } from '@contrastive/core/node';
import { type NodeDatasetSummary, writeNodeDataset } from '../datasets/dataset-folder.js';
import { buildManPageGraph } from '../datasets/man-pages.js';
import type { NodeDataset } from '../datasets/node-dataset.js';
import type { TfidfOptions } from '../datasets/tfidf.js';
import { buildWordNetGraph } from '../datasets/wordnet-graph.js';
import { TOOL } from './run-setup.js';

const COMMON_SPEC = {
  out: { type: 'string' },
  overwrite: { type: 'boolean' },
  'vocabulary-size': { type: 'string' },
  'min-df': { type: 'string' },
  'max-df-fraction': { type: 'string' },
  'sublinear-tf': { type: 'boolean' },
  'min-class-size': { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies FlagSpec;

const COMMON_HELP: readonly FlagHelp[] = [
  {
    name: 'out',
    arg: 'DIR',
    help: 'the dataset folder: edges.txt, labels.txt, features.txt, classes.tsv, nodes.tsv, vocabulary.txt, dataset.json, NOTICE.md',
  },
  { name: 'overwrite', help: 'replace a non-empty DIR (the whole folder)' },
  { name: 'vocabulary-size', arg: 'N', help: 'at most N TF-IDF terms, the most frequent by document frequency', default: '5000' },
  { name: 'min-df', arg: 'N', help: 'a term must occur in at least N nodes', default: '3' },
  { name: 'max-df-fraction', arg: 'F', help: 'a term must occur in at most this fraction of the nodes', default: '0.5' },
  { name: 'sublinear-tf', help: 'tf = 1 + ln(count) instead of the count' },
  { name: 'min-class-size', arg: 'N', help: 'classes with fewer nodes are dropped (reported in dataset.json)', default: '20' },
  { name: 'json', help: 'print the summary as one JSON line' },
];

const FEATURES_RULE = `Features: TF-IDF rows (L2-normalised) over lowercased word tokens of at least two letters a-z (digits never
become features), English stop words removed, terms in >= --min-df nodes and <= --max-df-fraction of them, the
--vocabulary-size most frequent by document frequency; idf = ln((1+N)/(1+df)) + 1 (sklearn's smoothed idf).
The folder is written to a temporary sibling and renamed into place.`;

const DATASETS = {
  man: {
    spec: { ...COMMON_SPEC, 'man-dir': { type: 'string' }, 'exclude-packages': { type: 'string' } } as const satisfies FlagSpec,
    help: formatHelp({
      tool: TOOL,
      command: 'data man',
      summary: 'build the man-page cross-reference graph of the installed manual',
      usage: 'data man --out DIR [--man-dir DIR] [--exclude-packages LIST] [options]',
      flags: [
        ...COMMON_HELP,
        {
          name: 'man-dir',
          arg: 'DIR',
          help: 'manual root holding man1/ … man8/ (translations beside them are not read)',
          default: '/usr/share/man',
        },
        {
          name: 'exclude-packages',
          arg: 'LIST',
          help: 'comma-separated Debian packages whose pages are left out (e.g. a generated manual without SEE ALSO sections)',
          default: 'none',
        },
      ],
      details: `Node = page (name.section); undirected edge = a SEE ALSO reference name(section) that resolves to an installed
page (symbolic links, hard links and .so redirections are aliases of one node); label = the manual section 1-8;
features = the NAME summary (without the page names) + DESCRIPTION. Each page keeps its package's licence:
NOTICE.md and packages.tsv say which.

${FEATURES_RULE}`,
      examples: [`${TOOL} data man --out data/man`],
    }),
    build: (values: FlagValues, tfidf: TfidfOptions, minClassSize: number, log: (line: string) => void): NodeDataset => {
      const raw = values['exclude-packages'];
      const excludePackages =
        typeof raw === 'string'
          ? raw
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '')
          : undefined;
      return buildManPageGraph({
        ...tfidf,
        minClassSize,
        manDir: stringFlag(values, 'man-dir') ?? '/usr/share/man',
        ...(excludePackages ? { excludePackages } : {}),
        log,
      });
    },
  },
  wordnet: {
    spec: { ...COMMON_SPEC, 'wordnet-dir': { type: 'string' } } as const satisfies FlagSpec,
    help: formatHelp({
      tool: TOOL,
      command: 'data wordnet',
      summary: "build WordNet 3.0's synset graph (apt-get install wordnet-base)",
      usage: 'data wordnet --out DIR [--wordnet-dir DIR] [options]',
      flags: [
        ...COMMON_HELP,
        { name: 'wordnet-dir', arg: 'DIR', help: 'folder of data.noun, data.verb, data.adj, data.adv', default: '/usr/share/wordnet' },
      ],
      details: `Node = synset; undirected edge = a hypernym (@), instance-hypernym (@i) or similar-to (&) pointer; label = the
lexicographer file (45 lexnames: noun.animal, verb.motion, adj.all, …); features = the gloss's definition (its
quoted examples and the synset's own words left out). WordNet 3.0 licence: NOTICE.md.

${FEATURES_RULE}`,
      examples: [`${TOOL} data wordnet --out data/wordnet`],
    }),
    build: (values: FlagValues, tfidf: TfidfOptions, minClassSize: number, log: (line: string) => void): NodeDataset =>
      buildWordNetGraph({ ...tfidf, minClassSize, wordnetDir: stringFlag(values, 'wordnet-dir') ?? '/usr/share/wordnet', log }),
  },
} as const;

type DatasetName = keyof typeof DATASETS;

/** `data --help`. */
export const DATA_HELP = formatHelp({
  tool: TOOL,
  command: 'data',
  summary: 'build a real node-classification graph from installed sources (man pages, WordNet)',
  usage: ['data man --out DIR [options]', 'data wordnet --out DIR [options]'],
  flags: [],
  details: `Datasets: man (the SEE ALSO graph of the installed manual pages, label = section) and wordnet (WordNet 3.0's
synset graph, label = lexname). 'data man --help' and 'data wordnet --help' list their options.

${FEATURES_RULE}`,
  examples: [`${TOOL} data man --out data/man`, `${TOOL} data wordnet --out data/wordnet`],
});

/** The `train` command line that reads the folder `out`. */
export function trainCommandFor(out: string): string {
  const q = (f: string): string => {
    const p = path.join(out, f);
    return /^[\w./+-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
  };
  return `${TOOL} train --method cg3 --edges ${q('edges.txt')} --labels ${q('labels.txt')} --features ${q('features.txt')}`;
}

/** `contrastive-graph data`: see {@link DATA_HELP}. */
export async function dataCommand(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith('-')) {
    if (startCommand(argv, {}, DATA_HELP, io) === null) return 0;
    throw new UsageError(`data needs a dataset: 'data man' or 'data wordnet'`);
  }
  if (!Object.hasOwn(DATASETS, name)) throw new UsageError(`unknown dataset '${name}' (expected 'man' or 'wordnet')`);
  const dataset = DATASETS[name as DatasetName];
  const ctx = startCommand(rest, dataset.spec, dataset.help, io);
  if (!ctx) return 0;
  const { values } = ctx;
  const out = requiredFlag(values, 'out');
  const state = outputState(out);
  if (state === 'not-a-folder') throw new UsageError(`--out ${out} exists and is not a folder`);
  if (state === 'non-empty' && values.overwrite !== true)
    throw new UsageError(`--out ${out} is a non-empty folder; choose another --out or pass --overwrite (it replaces the folder)`);
  const vocabularySize = intFlag(values, 'vocabulary-size', 1);
  const minDf = intFlag(values, 'min-df', 1);
  const maxDfFraction = numFlag(values, 'max-df-fraction', { exclusiveMin: true, max: 1 });
  const tfidf: TfidfOptions = {
    ...(vocabularySize === undefined ? {} : { vocabularySize }),
    ...(minDf === undefined ? {} : { minDf }),
    ...(maxDfFraction === undefined ? {} : { maxDfFraction }),
    sublinearTf: values['sublinear-tf'] === true,
  };
  const minClassSize = intFlag(values, 'min-class-size', 1) ?? 20;
  ctx.log(`building the ${name} graph …`);
  const ds = dataset.build(values, tfidf, minClassSize, ctx.log);
  const summary: NodeDatasetSummary = writeNodeDataset(out, ds, { overwrite: values.overwrite === true });
  const seconds = Math.round((performance.now() - ctx.started) / 100) / 10;
  const train = trainCommandFor(out);
  if (ctx.json) io.out(JSON.stringify({ dataset: name, out: path.resolve(out), ...summary, seconds, train }));
  else {
    const { N, E, C, F, nnz, isolated } = summary;
    io.out(
      `wrote the ${name} graph to ${out}: N=${N} nodes (${isolated} isolated), E=${E} edges, C=${C} classes, F=${F} features, nnz=${nnz}, ${seconds} s`,
    );
    io.out(`train on it: ${train}`);
  }
  return 0;
}
