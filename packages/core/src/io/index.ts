export {
  saveCheckpoint,
  loadCheckpoint,
  isCheckpointDir,
  hasCheckpointFile,
  readCheckpointManifest,
  CHECKPOINT_FILE,
} from './checkpoint.js';
export type { CheckpointManifest, CheckpointTensorEntry, LoadCheckpointOptions, SaveCheckpointOptions } from './checkpoint.js';
export { FileSystemError, errnoInWords } from './fs-errors.js';
export { fileSystemHandler } from './fs-handler.js';
export type { FileSystemHandlerOptions } from './fs-handler.js';
