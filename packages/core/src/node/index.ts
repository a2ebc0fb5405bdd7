// @contrastive/core/node: everything that touches the file system or needs Node (PNG encoding with pngjs).
// The root entry ('@contrastive/core') stays browser-safe.
export { train } from './train.js';
export type { NodeTrainOptions } from './train.js';
export { WorkerGroup, defaultWorkers } from './parallel/worker-group.js';
export type { WorkerGroupOptions } from './parallel/worker-group.js';
export type { ReplicaSpec, ReplicaFactory } from './parallel/replica.js';
export { physicalCores } from './parallel/physical-cores.js';
export { fileCheckpointStore } from './file-checkpoint-store.js';
export type { FileCheckpointStoreOptions } from './file-checkpoint-store.js';
export {
  saveCheckpoint,
  loadCheckpoint,
  isCheckpointDir,
  hasCheckpointFile,
  readCheckpointManifest,
  CHECKPOINT_FILE,
} from '../io/checkpoint.js';
export type { CheckpointManifest, CheckpointTensorEntry, LoadCheckpointOptions, SaveCheckpointOptions } from '../io/checkpoint.js';
export { FileSystemError, errnoInWords } from '../io/fs-errors.js';
export { TrainingDivergedError, NonFiniteStateError, CheckpointCorruptError, CheckpointMismatchError } from '../errors.js';
export { nonFiniteVariables, assertFiniteState } from '../train/finite-state.js';
export { fileSystemHandler } from '../io/fs-handler.js';
export type { FileSystemHandlerOptions } from '../io/fs-handler.js';
export { writeFileAtomic } from '../io/fs-utils.js';
export { outputState, writeFolderAtomic } from '../io/folder-swap.js';
export { writeLossCurve, writeLossCsv } from '../train/loss-curve.js';
export { embeddingMapPng } from '../eval/embedding-map-png.js';
export type { EmbeddingMapPngOptions } from '../eval/embedding-map-png.js';
export { lineChartPng, scatterPng, RasterCanvas, imageGridCanvas, imageGridPng } from '../plot/index.js';
export type { ImageGridOptions, LineChartOptions, LineSeries, ScatterOptions } from '../plot/index.js';
