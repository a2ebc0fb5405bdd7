import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  boolFlag,
  intFlag,
  oneOfFlag,
  requiredFlag,
  startCommand,
  stringFlag,
  UsageError,
  type CliIo,
  type FlagSpec,
} from '@contrastive/core/cli';
import { writeFileAtomic } from '@contrastive/core/node';
import { readCorpusEntries } from '../data/corpus.js';
import { allFinite, NonFiniteEmbeddingError } from '../errors.js';
import { disposeEncoder } from '../frozen/load-encoder.js';
import { loadModelFromFlags, MODEL_FLAGS, modelCommandHelp, modelFolderOf } from './model-flags.js';
import { databaseUrlOf, createStore, openStore, type OpenStore, type StoreLocation } from './search/stores.js';
import {
  defaultTable,
  encoderFingerprint,
  PASSAGES_FILE,
  readPassages,
  readSearchMeta,
  SEARCH_FORMAT,
  SEARCH_META_FILE,
  STORES,
  VECTORS_DIR,
  type SearchMeta,
  type StoreKind,
} from './search/search-folder.js';
import { encodeProgress } from './tasks.js';
import { TOOL } from './tool.js';

const SPEC = {
  ...MODEL_FLAGS,
  corpus: { type: 'string' },
  out: { type: 'string' },
  store: { type: 'string' },
  'database-url': { type: 'string' },
  table: { type: 'string' },
  update: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies FlagSpec;

/** Passages encoded and added per round: bounds memory for any corpus (vectors of one chunk at a time). */
const CHUNK = 2048;

export const INDEX_HELP = modelCommandHelp({
  command: 'index',
  summary: 'embed a corpus with an encoder and store the vectors in a search index',
  usage: 'index --checkpoint DIR --corpus FILE --out DIR [--store usearch|flat|pgvector] [--update | --overwrite]',
  flags: [
    { name: 'corpus', arg: 'FILE', help: 'one passage per line, or JSONL with "text"; a passage\'s key is its 0-based position' },
    { name: 'out', arg: 'DIR', help: 'the index folder (search.json, passages.jsonl, vectors/)' },
    {
      name: 'store',
      arg: 'NAME',
      help: 'usearch (in-process HNSW; npm usearch) | flat (exact inner product, no dependency) | pgvector (PostgreSQL + pgvector; npm pg)',
      default: 'usearch, or the store of --update',
    },
    { name: 'database-url', arg: 'URL', help: 'pgvector: postgresql://user:password@host:port/database', default: 'env DATABASE_URL' },
    { name: 'table', arg: 'NAME', help: 'pgvector: the table holding the vectors', default: 'idx_<name of --out>' },
    {
      name: 'update',
      help: 'bring an existing index up to date with --corpus: encode new and changed passages, remove those gone (same encoder only)',
    },
    { name: 'overwrite', help: 'replace an existing index folder (and pgvector table)' },
    { name: 'batch-size', arg: 'N', help: 'texts per forward pass', default: '32' },
    { name: 'json', help: 'print one JSON line {"out","store","count","encoded","removed","dim","seconds"} on stdout' },
  ],
  details:
    'A file index is assembled in a temporary sibling folder and renamed over --out when complete, so an interrupted or failed run ' +
    'leaves the old index as it was. pgvector writes each chunk of 2048 vectors in one transaction; search.json is written last. ' +
    'The encoder is fingerprinted (sha256 of its files): search and --update refuse another encoder.',
  examples: [
    `${TOOL} index --checkpoint runs/simcse --corpus data/manpages/corpus.txt --out indexes/man`,
    `${TOOL} index --checkpoint runs/simcse --corpus data/manpages/corpus.txt --out man --store pgvector --database-url postgresql://localhost:5432/search`,
  ],
});

/** Keys to encode and keys to remove, bringing `old` passages to `corpus`. */
export function indexDelta(old: Map<number, string> | null, corpus: readonly string[]): { encode: number[]; remove: number[] } {
  const encode = corpus.flatMap((t, k) => (old?.get(k) === t ? [] : [k]));
  const remove = old ? [...old.keys()].filter((k) => k >= corpus.length) : [];
  return { encode, remove };
}

export async function indexCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, INDEX_HELP, io);
  if (!ctx) return 0;
  const { values, log } = ctx;
  const out = requiredFlag(values, 'out', 'the index folder to write');
  const corpusFile = requiredFlag(values, 'corpus');
  const update = boolFlag(values, 'update');
  const overwrite = boolFlag(values, 'overwrite');
  if (update && overwrite) throw new UsageError('--update and --overwrite are exclusive');
  const batchSize = intFlag(values, 'batch-size', 1) ?? 32;

  // 1. The existing index (--update) or an empty/new --out; checked before any encoding.
  let previous: SearchMeta | null = null;
  if (update) previous = readSearchMeta(out);
  else if (existsSync(out) && readdirSync(out).length > 0) {
    if (!overwrite)
      throw new UsageError(`--out ${out} is not empty: pass --update to bring that index up to date, or --overwrite to replace it`);
    // --overwrite replaces an index folder, never a folder of other files.
    if (!existsSync(path.join(out, SEARCH_META_FILE)))
      throw new UsageError(
        `--out ${out} is not empty and is not an index folder (no ${SEARCH_META_FILE}): refusing to replace it even with --overwrite`,
      );
  }
  const store: StoreKind = oneOfFlag<StoreKind>(values, 'store', STORES) ?? previous?.store ?? 'usearch';
  if (previous && store !== previous.store)
    throw new UsageError(`--store ${store}: ${out} is a ${previous.store} index (--update keeps its store)`);
  const loc: StoreLocation = {
    kind: store,
    folder: path.join(out, VECTORS_DIR),
    ...(store === 'pgvector'
      ? {
          databaseUrl: databaseUrlOf(stringFlag(values, 'database-url')),
          table: stringFlag(values, 'table') ?? previous?.table ?? defaultTable(out),
        }
      : {}),
  };
  const entries = readCorpusEntries(corpusFile);
  const texts = entries.map((e) => e.text);
  if (previous && values.checkpoint === undefined) values.checkpoint = previous.encoder.location;
  requiredFlag(values, 'checkpoint', 'the encoder: a run folder or a model folder');
  const location = String(values.checkpoint);
  const fingerprint = encoderFingerprint(modelFolderOf(location));
  if (previous && previous.encoder.fingerprint !== fingerprint)
    throw new UsageError(
      `--checkpoint ${location} is not the encoder ${out} was built with (${previous.encoder.location}, ${previous.encoder.fingerprint}; ` +
        `this one is ${fingerprint}): its vectors would not be comparable. Build a new index (--overwrite) instead`,
    );
  const oldPassages = previous ? readPassages(out) : null;
  const delta = indexDelta(oldPassages, texts);

  // 2. Encode in chunks and add; a file store is assembled in a temporary sibling of --out.
  const started = performance.now();
  const { loaded } = await loadModelFromFlags(values, log);
  const tmp = `${path.resolve(out)}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  let opened: OpenStore | null = null;
  let dim = previous?.dim ?? 0;
  const bar = encodeProgress('index', delta.encode.length, ctx.progress);
  try {
    if (previous) {
      opened = await openStore(loc, previous.dim, fingerprint);
      if (delta.remove.length > 0) await opened.index.remove(delta.remove);
    }
    for (let s = 0; s < delta.encode.length; s += CHUNK) {
      const keys = delta.encode.slice(s, s + CHUNK);
      const vectors = await loaded.encoder.encode(
        keys.map((k) => texts[k]!),
        { batchSize, normalize: true, onProgress: (d) => bar.update(s + d), warn: log },
      );
      const bad = vectors.findIndex((v) => !allFinite(v));
      if (bad >= 0) throw new NonFiniteEmbeddingError(bad, { file: corpusFile, line: entries[keys[bad]!]!.line, text: texts[keys[bad]!]! });
      dim = vectors[0]!.length;
      opened ??= await createStore(loc, dim, fingerprint, overwrite);
      const flat = new Float32Array(keys.length * dim);
      vectors.forEach((v, i) => flat.set(v, i * dim));
      await opened.index.add(keys, flat);
    }
    if (opened === null) throw new UsageError(`--corpus ${corpusFile} has no passages to index`);
    bar.end();

    // 3. The folder: vectors/ (file stores), passages.jsonl, then search.json; renamed over --out when complete.
    mkdirSync(tmp, { recursive: true });
    if (store !== 'pgvector') await opened.save(path.join(tmp, VECTORS_DIR));
    await writeFileAtomic(path.join(tmp, PASSAGES_FILE), texts.map((text, key) => `${JSON.stringify({ key, text })}\n`).join(''));
    const now = new Date().toISOString();
    const count = await opened.index.size();
    const meta: SearchMeta = {
      format: SEARCH_FORMAT,
      version: 1,
      store,
      encoder: { location, fingerprint },
      dim,
      count,
      corpus: corpusFile,
      ...(loc.table ? { table: loc.table } : {}),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    await writeFileAtomic(path.join(tmp, SEARCH_META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    const old = `${path.resolve(out)}.old-${process.pid}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
    rmSync(old, { recursive: true, force: true });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const report = { out, store, count, encoded: delta.encode.length, removed: delta.remove.length, dim, seconds };
    if (ctx.json) io.out(JSON.stringify(report));
    else
      io.out(
        `indexed ${count} passages in ${out} (${store}, ${dim}-d): ${delta.encode.length} encoded, ${delta.remove.length} removed, ${seconds} s`,
      );
    return 0;
  } finally {
    bar.end();
    rmSync(tmp, { recursive: true, force: true });
    await opened?.index.close();
    await disposeEncoder(loaded);
  }
}
