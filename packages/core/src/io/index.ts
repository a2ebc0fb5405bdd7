export { saveCheckpoint, loadCheckpoint, isCheckpointDir, CHECKPOINT_FILE } from './checkpoint.js';
export type { LoadCheckpointOptions, SaveCheckpointOptions } from './checkpoint.js';
export { fileSystemHandler } from './fs-handler.js';
export type { FileSystemHandlerOptions } from './fs-handler.js';
