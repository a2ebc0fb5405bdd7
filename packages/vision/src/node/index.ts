// @contrastive/vision/node: the Node-only parts (file system, sharp, the bundled data set). The root entry
// ('@contrastive/vision': augmentations, encoders, heads, methods, recipes, in-memory batching) stays
// browser-safe.
export { parseIdx, readIdx, encodeIdx, writeIdx, DEFAULT_MAX_IDX_BYTES } from '../io/idx.js';
export type { IdxArray, IdxReadOptions } from '../io/idx.js';
export { loadIdxDataset, findIdxPair, isIdxSource, FASHION_MNIST_CLASSES } from '../io/idx-dataset.js';
export type { IdxDatasetOptions, IdxSplit } from '../io/idx-dataset.js';
export { openImageFolder, IMAGE_EXTENSIONS, MAX_INPUT_PIXELS } from '../io/image-folder.js';
export type { ImageFolderOptions } from '../io/image-folder.js';
export { openDataset } from '../io/open-dataset.js';
export type { OpenDatasetOptions } from '../io/open-dataset.js';
export { BUNDLED_FASHION_MNIST } from '../io/bundled.js';
export { loadTrainedEncoder, TRAINED_MODEL_FOLDERS } from './load-trained-encoder.js';
export type { TrainedEncoder } from './load-trained-encoder.js';
export { readWordImages } from '../words/read-word-images.js';
export type { WordImages } from '../words/read-word-images.js';
export {
  buildWordImages,
  WORD_IMAGES_FILE,
  WORD_IMAGES_FORMAT,
  WORD_IMAGES_FORMAT_VERSION,
  WORD_LABELS_FILE,
} from '../words/build-word-images.js';
export type { BuildWordImagesOptions, WordImagesSummary } from '../words/build-word-images.js';
export { WORD_FONTS, WORD_FONT_PACKAGES, DEFAULT_FONTS_DIR } from '../words/fonts.js';
export type { WordFont } from '../words/fonts.js';
export { loadWordList, WORD_CHARSET, MIN_WORD_LENGTH, MAX_WORD_LENGTH } from '../words/word-list.js';
export { WORD_SPLITS } from '../words/split.js';
export type { WordSplit } from '../words/split.js';
