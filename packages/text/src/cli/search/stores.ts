import { UsageError } from '@contrastive/core/cli';
import { FlatIndex } from '../../vector-index/flat-index.js';
import type { VectorIndex } from '../../vector-index/vector-index.js';
import { saveFlatIndex } from '../../vector-index/node/flat-index-files.js';
import { loadVectorIndex } from '../../vector-index/node/load-vector-index.js';
import { PgvectorIndex } from '../../vector-index/node/pgvector-index.js';
import { UsearchIndex } from '../../vector-index/node/usearch-index.js';
import type { StoreKind } from './search-folder.js';

/** Where a store lives: a folder (flat, usearch) or a PostgreSQL table. */
export interface StoreLocation {
  kind: StoreKind;
  /** flat / usearch: the vectors/ folder. */
  folder: string;
  /** pgvector: the connection URL and table. */
  databaseUrl?: string;
  table?: string;
}

/** An open store and how to persist it (a no-op for pgvector, which writes through). */
export interface OpenStore {
  index: VectorIndex;
  save(folder: string): Promise<void>;
}

/** The `--database-url` (or `DATABASE_URL`) a pgvector store needs. */
export function databaseUrlOf(flag: string | undefined): string {
  const url = flag ?? process.env.DATABASE_URL;
  if (!url)
    throw new UsageError('--store pgvector needs --database-url postgresql://user@host:port/db (or DATABASE_URL in the environment)');
  return url;
}

/** A missing optional package (usearch, pg) is the user's setup, like a bad flag: exit 2 with the install line. */
async function orUsage<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    if ((e as { code?: string }).code === 'EOPTIONALDEP') throw new UsageError((e as Error).message);
    throw e;
  }
}

/** A new, empty store of `dim`-wide vectors made by `encoder`. pgvector with `overwrite` replaces the table. */
export async function createStore(loc: StoreLocation, dim: number, encoder: string, overwrite: boolean): Promise<OpenStore> {
  if (loc.kind === 'flat') {
    const index = new FlatIndex(dim);
    return { index, save: async (folder) => void (await saveFlatIndex(index, folder, { encoder })) };
  }
  if (loc.kind === 'usearch') {
    const index = await orUsage(() => UsearchIndex.create({ dim, encoder }));
    return { index, save: async (folder) => void (await index.save(folder, { encoder })) };
  }
  const index = await orUsage(() => PgvectorIndex.open({ connectionString: loc.databaseUrl!, table: loc.table!, dim, encoder, overwrite }));
  return { index, save: async () => {} };
}

/** Opens an existing store, refusing another encoder's or width's index. */
export async function openStore(loc: StoreLocation, dim: number, encoder: string): Promise<OpenStore> {
  if (loc.kind === 'pgvector') {
    const index = await orUsage(() =>
      PgvectorIndex.open({ connectionString: loc.databaseUrl!, table: loc.table!, dim, encoder, create: false }),
    );
    return { index, save: async () => {} };
  }
  const { index } = await orUsage(() => loadVectorIndex(loc.folder, { expect: { dim, encoder } }));
  return {
    index,
    save: async (folder) =>
      index instanceof FlatIndex ? void (await saveFlatIndex(index, folder, { encoder })) : void (await index.save(folder, { encoder })),
  };
}
