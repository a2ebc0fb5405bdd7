// Browser-safe part of io/: in-memory data sets and batching. The file loaders (IDX, image folders via
// sharp, the bundled subset) are Node-only and exported from '@contrastive/vision/node' (src/node/index.ts).
export { imageBatches, limitDataset, readAll, subsetDataset, MIN_IMAGE_SIZE, MAX_IMAGE_SIZE } from './dataset.js';
export { DataFormatError, DataReadError, DataTooLargeError, formatBytes } from './errors.js';
export type { ImageDataset, ImageBatch, ImageBatchesOptions } from './dataset.js';
