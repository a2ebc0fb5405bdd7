/**
 * `index.json`: what a saved index folder holds, written last by a save and checked first by a load. Browser-safe
 * (the parsing and validation are pure; reading and writing the folder is in `node/index-folder.ts`).
 */
import { IndexFileError } from './errors.js';

/** The name of the metadata file inside an index folder. */
export const INDEX_META_FILE = 'index.json';
/** `format` of every `index.json` written here. */
export const INDEX_FORMAT = 'contrastive-vector-index';
/** Current `version` of the folder layout. */
export const INDEX_FORMAT_VERSION = 1;

/** The kinds of saved index: the exact {@link FlatIndex} and the usearch HNSW graph. */
export type IndexKind = 'flat' | 'usearch';

/** usearch's graph parameters, recorded so a loaded index searches as it was built. */
export interface UsearchParams {
  /** Neighbours per node (HNSW's M). */
  connectivity: number;
  /** Candidate list size while inserting (efConstruction). */
  expansionAdd: number;
  /** Candidate list size while searching (ef). */
  expansionSearch: number;
}

/** The content of `index.json`. */
export interface IndexMeta {
  format: typeof INDEX_FORMAT;
  version: typeof INDEX_FORMAT_VERSION;
  kind: IndexKind;
  /** Vector width. */
  dim: number;
  /** Number of stored vectors. */
  count: number;
  /** Always inner product (the vectors are L2-normalised, so cosine). */
  metric: 'ip';
  /** The encoder that produced the vectors ({@link IndexInfo.encoder}), when known. */
  encoder?: string;
  /** ISO-8601 time of the save. */
  createdAt: string;
  /** The data files of this kind, relative to the folder. */
  files: Record<string, string>;
  /** For `kind: 'usearch'`. */
  usearch?: UsearchParams;
}

/** The data files each kind stores (besides `index.json`). */
export const INDEX_FILES: Record<IndexKind, Record<string, string>> = {
  flat: { vectors: 'vectors.f32', keys: 'keys.u64' },
  usearch: { index: 'index.usearch' },
};

const posInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * Validates the parsed content of `index.json` (`file` names it in errors): every field present with the right
 * type, a known kind and version, the files of that kind. Returns it typed.
 */
export function parseIndexMeta(raw: unknown, file: string): IndexMeta {
  const bad = (problem: string): never => {
    throw new IndexFileError(file, problem);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('is not a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.format !== INDEX_FORMAT) bad(`format is ${JSON.stringify(m.format)}, expected '${INDEX_FORMAT}' (not an index folder?)`);
  if (m.version !== INDEX_FORMAT_VERSION)
    bad(`version ${JSON.stringify(m.version)} is not supported (this build reads version ${INDEX_FORMAT_VERSION})`);
  if (m.kind !== 'flat' && m.kind !== 'usearch') bad(`kind ${JSON.stringify(m.kind)} is not one of flat, usearch`);
  if (!posInt(m.dim)) bad(`dim ${JSON.stringify(m.dim)} is not a positive integer`);
  if (!Number.isSafeInteger(m.count) || (m.count as number) < 0) bad(`count ${JSON.stringify(m.count)} is not a non-negative integer`);
  if (m.metric !== 'ip') bad(`metric ${JSON.stringify(m.metric)} is not 'ip' (inner product)`);
  if (m.encoder !== undefined && typeof m.encoder !== 'string') bad('encoder is not a string');
  if (typeof m.createdAt !== 'string') bad('createdAt is not a string');
  const kind = m.kind as IndexKind;
  const files = m.files as Record<string, unknown> | undefined;
  for (const [role, name] of Object.entries(INDEX_FILES[kind]))
    if (files?.[role] !== name) bad(`files.${role} should be '${name}' for kind '${kind}', got ${JSON.stringify(files?.[role])}`);
  if (kind === 'usearch') {
    const u = m.usearch as Record<string, unknown> | undefined;
    for (const f of ['connectivity', 'expansionAdd', 'expansionSearch'])
      if (!posInt(u?.[f])) bad(`usearch.${f} ${JSON.stringify(u?.[f])} is not a positive integer`);
  }
  return m as unknown as IndexMeta;
}
