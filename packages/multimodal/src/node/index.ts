// @contrastive/multimodal/node: the Node-only parts (file system, sharp): reading image–caption folders and
// building them from the offline sources. The root entry ('@contrastive/multimodal') stays browser-safe; the
// browser-safe half of the data code (the captions.jsonl record, the seeded split) is re-exported here too.
export { openCaptionFolder, readCaptionRecords, DEFAULT_CAPTION_CACHE_BYTES } from './caption-folder.js';
export type { CaptionDataset, CaptionFolderOptions, CaptionFolderRecord } from './caption-folder.js';
export { squareImage, rasteriseToPng, rasteriseToRaw, MAX_INPUT_PIXELS } from './rasterise.js';
export type { ImageFit, SquareImageOptions } from './rasterise.js';
export { CAPTION_SOURCES, DEFAULT_BUILD_SIZE, describeSkips } from './build-folder.js';
export type { BuildCaptionFolderOptions, BuildReport, CaptionSource, SkipReasons } from './build-folder.js';
export { OutputExistsError } from './output-folder.js';
export { buildTuxPaintFolder, parseTuxPaintDescription, TUX_PAINT_STAMPS_DIR } from './tux-paint.js';
export type { TuxPaintDescription } from './tux-paint.js';
export {
  buildOpenClipArtFolder,
  parseOpenClipArtMetadata,
  normaliseOpenClipArtTitle,
  OPENCLIPART_SVG_DIR,
  DEFAULT_MAX_TITLE_SHARE,
} from './openclipart.js';
export type { OpenClipArtOptions, OpenClipArtMetadata } from './openclipart.js';
export { buildOpenMojiFolder, defaultOpenMojiDir } from './openmoji.js';
export type { OpenMojiOptions } from './openmoji.js';
export * from '../data/index.js';
// USE-lite moved to @contrastive/text (its browser-safe classes at text's root, the loader at @contrastive/text/node);
// re-exported here so multimodal's users keep one import for the locked text tower of `lit`.
export { loadUseLite, useLiteDir, UseLiteMissingError, USE_LITE_PACKAGE } from '@contrastive/text/node';
export { UseLite, USE_LITE_DIM, UseTokenizer } from '@contrastive/text';
export type { UseLiteEmbedOptions, UseLiteSource, UseVocabulary } from '@contrastive/text';
export { loadWordNetLexicon } from './rewrites-wordnet.js';
export { cmclRewriteTables } from './rewrites-tables.js';
export type { CmclRewriteTableOptions, CmclRewriteTables } from './rewrites-tables.js';
