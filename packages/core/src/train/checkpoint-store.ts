import type { Checkpointable } from '../types.js';

/**
 * Where {@link train} saves and restores a run's checkpoints: a folder in Node (`fileCheckpointStore` from
 * `@contrastive/core/node`), IndexedDB or memory in a browser. Injected, so the training loop itself
 * imports no file system and runs anywhere.
 */
export interface CheckpointStore {
  /** Where the checkpoint lives, for messages (a path, a database key). */
  readonly location: string;
  /** True when the store holds a checkpoint. */
  exists(): Promise<boolean>;
  /**
   * Saves every variable of `state.stateTensors()`, every optimizer's slots and the JSON-serialisable
   * `meta`, atomically: a crash while saving leaves the previous checkpoint intact.
   */
  save(state: Checkpointable, meta: Record<string, unknown>): Promise<void>;
  /** Restores `state` in place (strictly: same names and shapes) and returns the saved meta. */
  load<M extends Record<string, unknown>>(state: Checkpointable): Promise<M>;
}
