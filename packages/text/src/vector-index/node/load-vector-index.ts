import type { FlatIndex } from '../flat-index.js';
import type { IndexMeta } from '../index-meta.js';
import { type LoadIndexOptions, loadFlatIndex } from './flat-index-files.js';
import { readIndexMeta } from './index-folder.js';
import { UsearchIndex } from './usearch-index.js';

/**
 * Loads any saved index folder, whichever kind `index.json` names (`flat` → {@link FlatIndex}, `usearch` →
 * {@link UsearchIndex}), with the same checks as the kind's own loader.
 */
export async function loadVectorIndex(
  folder: string,
  options: LoadIndexOptions = {},
): Promise<{ index: FlatIndex | UsearchIndex; meta: IndexMeta }> {
  const meta = await readIndexMeta(folder);
  return meta.kind === 'flat' ? loadFlatIndex(folder, options) : UsearchIndex.load(folder, options);
}
