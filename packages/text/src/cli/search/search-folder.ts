import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@contrastive/core/cli';

/**
 * The folder `contrastive-text index` writes and `search` reads:
 *
 * - `search.json` — what the index holds: the store, the encoder (its location and a fingerprint of its files, so a
 *   search with another encoder is refused), the corpus, and for pgvector the table (never the password).
 * - `passages.jsonl` — `{"key","text"}` per passage: what a hit's key stands for (and the BM25 side of a hybrid search).
 * - `vectors/` — the vector index folder of the `flat` and `usearch` stores (pgvector keeps the vectors in the database).
 */
export const SEARCH_META_FILE = 'search.json';
export const PASSAGES_FILE = 'passages.jsonl';
export const VECTORS_DIR = 'vectors';
export const SEARCH_FORMAT = 'contrastive-search-folder';

export const STORES = ['usearch', 'flat', 'pgvector'] as const;
export type StoreKind = (typeof STORES)[number];

/** The content of `search.json`. */
export interface SearchMeta {
  format: typeof SEARCH_FORMAT;
  version: 1;
  store: StoreKind;
  /** The encoder's location as given to `index --checkpoint`, and the fingerprint of its files. */
  encoder: { location: string; fingerprint: string };
  dim: number;
  count: number;
  corpus: string;
  /** pgvector only: the table holding the vectors. */
  table?: string;
  createdAt: string;
  updatedAt: string;
}

/** A passage of the corpus and its key (its 0-based position in the corpus file). */
export interface Passage {
  key: number;
  text: string;
}

/**
 * A fingerprint of an encoder: sha256 over the relative paths and bytes of every file of its folder (weights,
 * tokenizer, pooling), or the name of a built-in pretrained tower. Two folders with the same files match; any
 * change to the weights changes it.
 */
export function encoderFingerprint(location: string, builtIn?: string): string {
  if (builtIn !== undefined) return builtIn;
  const hash = createHash('sha256');
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(full).isDirectory()) walk(full, r);
      else {
        hash.update(`${r}\0`);
        hash.update(readFileSync(full));
      }
    }
  };
  walk(location, '');
  return `sha256:${hash.digest('hex').slice(0, 32)}`;
}

/** Reads and checks `DIR/search.json` (errors name the flag and the file). */
export function readSearchMeta(dir: string): SearchMeta {
  const file = path.join(dir, SEARCH_META_FILE);
  if (!existsSync(file))
    throw new UsageError(`--index ${dir} is not an index folder: it has no ${SEARCH_META_FILE} (build one with 'index')`);
  let meta: SearchMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as SearchMeta;
  } catch (e) {
    throw new UsageError(`--index: ${file} is not valid JSON (${(e as Error).message})`);
  }
  if (meta.format !== SEARCH_FORMAT)
    throw new UsageError(`--index: ${file} is not a search folder's metadata (format ${JSON.stringify(meta.format)})`);
  if (!STORES.includes(meta.store)) throw new UsageError(`--index: ${file} names an unknown store ${JSON.stringify(meta.store)}`);
  return meta;
}

/** Reads `passages.jsonl` of a search folder into key → text. */
export function readPassages(dir: string): Map<number, string> {
  const file = path.join(dir, PASSAGES_FILE);
  const out = new Map<number, string>();
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const p = JSON.parse(line) as Passage;
    if (!Number.isSafeInteger(p.key) || typeof p.text !== 'string') throw new Error(`${file}:${i + 1}: not a {"key","text"} line`);
    out.set(p.key, p.text);
  });
  return out;
}

/** A table name for pgvector from the index folder's name (lowercase SQL identifier, at most 40 characters). */
export function defaultTable(dir: string): string {
  const base = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z_]+/, '');
  return `idx_${base || 'index'}`.slice(0, 40);
}
