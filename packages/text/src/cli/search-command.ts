import path from 'node:path';
import { intFlag, oneOfFlag, startCommand, stringFlag, requiredFlag, UsageError, type CliIo, type FlagSpec } from '@contrastive/core/cli';
import { readCorpusEntries } from '../data/corpus.js';
import { Bm25Index } from '../eval/bm25.js';
import { allFinite } from '../errors.js';
import { disposeEncoder } from '../frozen/load-encoder.js';
import { reciprocalRankFusion, weightedScoreFusion } from '../search/fusion.js';
import type { SearchHit } from '../vector-index/vector-index.js';
import { loadModelFromFlags, MODEL_FLAGS, modelCommandHelp, modelFolderOf } from './model-flags.js';
import { encoderFingerprint, readPassages, readSearchMeta, VECTORS_DIR } from './search/search-folder.js';
import { databaseUrlOf, openStore } from './search/stores.js';
import { TOOL } from './tool.js';

const SPEC = {
  ...MODEL_FLAGS,
  index: { type: 'string' },
  query: { type: 'string' },
  queries: { type: 'string' },
  k: { type: 'string' },
  mode: { type: 'string' },
  fusion: { type: 'string' },
  depth: { type: 'string' },
  'database-url': { type: 'string' },
} as const satisfies FlagSpec;

const MODES = ['dense', 'bm25', 'hybrid'] as const;
type Mode = (typeof MODES)[number];
const FUSIONS = ['rrf', 'weighted'] as const;

export const SEARCH_HELP = modelCommandHelp({
  command: 'search',
  summary: 'search an index: queries in, top-k passages out (JSONL on stdout)',
  usage: 'search --index DIR (--query TEXT | --queries FILE) [--k 10] [--mode dense|bm25|hybrid]',
  flags: [
    { name: 'index', arg: 'DIR', help: "an index folder written by 'index'" },
    { name: 'query', arg: 'TEXT', help: 'one query' },
    { name: 'queries', arg: 'FILE', help: 'one query per line, or JSONL with "text" (or "query")' },
    { name: 'k', arg: 'N', help: 'passages per query', default: '10' },
    {
      name: 'mode',
      arg: 'NAME',
      help: 'dense (the index) | bm25 (lexical, over the indexed passages) | hybrid (both, fused)',
      default: 'dense',
    },
    {
      name: 'fusion',
      arg: 'NAME',
      help:
        'hybrid: weighted (per-query min-max normalised scores, equal weights) | rrf (reciprocal-rank fusion, k = 60). weighted was ahead ' +
        'of rrf on all four measured pairs (WordNet and man pages, USE-lite and its adapter: docs/results-text.md); rrf lost to BM25 on man pages',
      default: 'weighted',
    },
    { name: 'depth', arg: 'N', help: 'hybrid: candidates taken from each side before fusing', default: '100' },
    { name: 'database-url', arg: 'URL', help: 'pgvector indexes: the database', default: 'env DATABASE_URL' },
  ],
  details:
    'Each output line is {"query","hits":[{"key","score","text"}]}, best first; the key is the passage\'s 0-based position in the ' +
    'indexed corpus. --checkpoint defaults to the encoder the index was built with; another encoder is refused.',
  examples: [
    `${TOOL} search --index indexes/man --query "copy files between hosts" --k 5`,
    `${TOOL} search --index indexes/man --queries questions.txt --mode hybrid > hits.jsonl`,
  ],
});

export async function searchCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, SEARCH_HELP, io);
  if (!ctx) return 0;
  const { values, log } = ctx;
  const dir = requiredFlag(values, 'index', 'an index folder');
  const meta = readSearchMeta(dir);
  const one = stringFlag(values, 'query');
  const file = stringFlag(values, 'queries');
  if ((one === undefined) === (file === undefined)) throw new UsageError('give exactly one of --query TEXT and --queries FILE');
  const queries = one !== undefined ? [one] : readCorpusEntries(file!).map((e) => e.text);
  if (queries.some((q) => q.trim() === '')) throw new UsageError('--query: an empty query');
  const k = intFlag(values, 'k', 1) ?? 10;
  const mode = oneOfFlag<Mode>(values, 'mode', MODES, 'dense');
  const fusion = oneOfFlag(values, 'fusion', FUSIONS, 'weighted');
  const depth = Math.max(k, intFlag(values, 'depth', 1) ?? 100);
  const passages = readPassages(dir);

  const dense = mode !== 'bm25' ? await denseHits(values, meta, dir, queries, mode === 'hybrid' ? depth : k, log) : null;
  const lexical =
    mode !== 'dense'
      ? (() => {
          const keys = [...passages.keys()];
          const bm25 = new Bm25Index(keys.map((key) => passages.get(key)!));
          return queries.map((q) => bm25.search(q, mode === 'hybrid' ? depth : k).map(([i, score]) => ({ key: keys[i]!, score })));
        })()
      : null;
  const hits = queries.map((_, i) => {
    if (mode === 'dense') return dense![i]!;
    if (mode === 'bm25') return lexical![i]!;
    return fuseHits([lexical![i]!, dense![i]!], fusion, k);
  });
  queries.forEach((query, i) => {
    io.out(
      JSON.stringify({ query, hits: hits[i]!.slice(0, k).map((h) => ({ key: h.key, score: round(h.score), text: passages.get(h.key) })) }),
    );
  });
  return 0;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Dense top-`k` hits of every query: the index's encoder (fingerprint-checked) embeds the queries. */
async function denseHits(
  values: Record<string, unknown>,
  meta: ReturnType<typeof readSearchMeta>,
  dir: string,
  queries: string[],
  k: number,
  log: (line: string) => void,
): Promise<SearchHit[][]> {
  if (values.checkpoint === undefined) values.checkpoint = meta.encoder.location;
  const location = String(values.checkpoint);
  const fingerprint = encoderFingerprint(modelFolderOf(location));
  if (fingerprint !== meta.encoder.fingerprint)
    throw new UsageError(
      `--checkpoint ${location} is not the encoder ${dir} was built with (${meta.encoder.location}): its query vectors would not match the index`,
    );
  const { loaded } = await loadModelFromFlags(values as never, log);
  let vectors: Float32Array[];
  try {
    vectors = await loaded.encoder.encode(queries, { normalize: true, warn: log });
  } finally {
    await disposeEncoder(loaded);
  }
  const bad = vectors.findIndex((v) => !allFinite(v));
  if (bad >= 0) throw new Error(`the encoder gave a non-finite vector for query ${bad + 1}`);
  const loc = {
    kind: meta.store,
    folder: path.join(dir, VECTORS_DIR),
    ...(meta.store === 'pgvector' ? { databaseUrl: databaseUrlOf(values['database-url'] as string | undefined), table: meta.table! } : {}),
  };
  const store = await openStore(loc, meta.dim, meta.encoder.fingerprint);
  try {
    // A pgvector table filled by an interrupted 'index' run holds another number of vectors than search.json records.
    const size = await store.index.size();
    if (size !== meta.count)
      throw new Error(
        `the index holds ${size} vectors but ${dir}/search.json records ${meta.count}: an 'index' run did not finish; run it again`,
      );
    const flat = new Float32Array(vectors.length * meta.dim);
    vectors.forEach((v, i) => flat.set(v, i * meta.dim));
    return await store.index.search(flat, k);
  } finally {
    await store.index.close();
  }
}

/** BM25 and dense hits fused by reciprocal rank (k = 60) or by min-max normalised scores with equal weights. */
function fuseHits(lists: SearchHit[][], fusion: (typeof FUSIONS)[number], k: number): SearchHit[] {
  return fusion === 'rrf' ? reciprocalRankFusion(lists, { limit: k }) : weightedScoreFusion(lists, { limit: k });
}
