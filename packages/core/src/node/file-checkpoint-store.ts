import { hasCheckpointFile, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import type { CheckpointStore } from '../train/checkpoint-store.js';

/** Options of {@link fileCheckpointStore}. */
export interface FileCheckpointStoreOptions {
  /** Allow the first checkpoint to go into a non-empty folder that is not a checkpoint. Default `false`. */
  overwrite?: boolean;
}

/**
 * A {@link CheckpointStore} in a folder: `checkpoint.json` (manifest + meta) and `weights-<id>.bin`, each
 * written to a temporary file and renamed (see `saveCheckpoint`). `exists()` is true as soon as the folder has
 * a `checkpoint.json`, whatever it holds, so resuming from a corrupt one fails with a `CheckpointCorruptError`
 * naming the file instead of silently starting again.
 */
export function fileCheckpointStore(dir: string, options: FileCheckpointStoreOptions = {}): CheckpointStore {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new TypeError(`fileCheckpointStore: dir must be a non-empty path, got ${String(dir)}`);
  const overwrite = options.overwrite ?? false;
  return {
    location: dir,
    // Any checkpoint.json counts: a corrupt one is reported by load(), never taken for "no checkpoint yet".
    exists: () => hasCheckpointFile(dir),
    save: (state, meta) => saveCheckpoint(dir, state, meta, { overwrite }),
    load: (state) => loadCheckpoint(dir, state),
  };
}
