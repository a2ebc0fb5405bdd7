// @contrastive/text/node — the Node-only part of the package: everything that reads or writes files.
// The browser-safe API is the root entry ('@contrastive/text').
export { loadTokenizer } from './tokenize/load-tokenizer.js';
export { buildWordPieceTokenizer, writeWordPieceTokenizer } from './tokenize/write-wordpiece.js';
export { loadBertCheckpoint, readModelJson, saveBertCheckpoint } from './encoders/hf-checkpoint.js';
export { loadSentenceEncoder, saveSentenceEncoder, SENTENCE_ENCODER_META } from './encoders/sentence-encoder-files.js';
export { readCorpus, readCorpusEntries, readRetrievalPairs, readStsPairs, readTriplets } from './data/corpus.js';
export { loadWordNet, wordnetDir } from './data/wordnet-files.js';
export { OnnxSentenceEncoder } from './frozen/onnx-encoder.js';
export type { OnnxEncoderLoadOptions } from './frozen/onnx-encoder.js';
export { ONNX_DTYPES, checkOnnxFolder } from './frozen/model-location.js';
export type { OnnxDtype } from './frozen/model-location.js';
export { resolveModelLocation } from './tokenize/model-location.js';
export type { ModelLocation } from './tokenize/model-location.js';
export { poolHidden, l2NormalizeInPlace } from './frozen/pool-hidden.js';
export { ENCODER_RUNTIMES, detectRuntime, disposeEncoder, loadEncoder } from './frozen/load-encoder.js';
export type { EncoderRuntime, LoadedEncoder } from './frozen/load-encoder.js';
export { ValidationTracker, validationWarnings } from './validation/tracker.js';
export type { ValidationOutcome, ValidationPoint, ValidationRecord } from './validation/tracker.js';
export { loadUseLite, useLiteDir, UseLiteMissingError, USE_LITE_PACKAGE } from './pretrained/load-use-lite.js';
export {
  loadAdapterEncoder,
  loadTowerAdapter,
  loadUseLiteEncoder,
  modelFolderKind,
  readAdapterModelMeta,
  saveAdapterModel,
} from './pretrained/adapter-files.js';
export type { SaveAdapterModelOptions } from './pretrained/adapter-files.js';
export * from './vector-index/node/index.js';
export { readManPages, readDpkgOwners, readDpkgStatus, parseDpkgStatus, manFileName } from './data/manpages-files.js';
export type { ReadManPagesOptions, ManPagesRead, ManFileSkipReason } from './data/manpages-files.js';
export { buildManpagesDataset, writeDatasetFolder, folderState, MANPAGES_FILES } from './data/manpages-dataset.js';
export type { ManpagesDataset, ManpagesDatasetOptions, ManpagesManifest } from './data/manpages-dataset.js';
export { readCatalogs, listCatalogLanguages } from './data/catalogs-files.js';
export type { ReadCatalogsOptions, CatalogsRead, CatalogRecord, CatalogFileSkipReason } from './data/catalogs-files.js';
export { buildCatalogsDataset, CATALOGS_FILES } from './data/catalogs-dataset.js';
export type { CatalogsDataset, CatalogsDatasetOptions, CatalogsManifest } from './data/catalogs-dataset.js';
export { buildDebtagsDataset, readDebtagsPackages, readIndexText, DEBTAGS_FILES } from './data/debtags-dataset.js';
export type { DebtagsDataset, DebtagsDatasetOptions, DebtagsManifest, DebtagsRead, ReadDebtagsOptions } from './data/debtags-dataset.js';
export { WorkerInferencer } from './ance/worker-inferencer.js';
export type { WorkerInferencerOptions } from './ance/worker-inferencer.js';
export { readAnceRunData } from './ance/ance-run-data.js';
export type { AnceRunData, AnceRunDataConfig } from './ance/ance-run-data.js';
export { loadSeq2SeqTokenizer, saveSeq2SeqTokenizer, SEQ2SEQ_TOKENIZER_FILE } from './seq2seq/tokenizer/tokenizer-files.js';
export type { SaveSeq2SeqTokenizerOptions } from './seq2seq/tokenizer/tokenizer-files.js';
export { readParallelJsonl, readParallelText } from './seq2seq/data/parallel-files.js';
export {
  createSeq2SeqModel,
  loadSeq2SeqModel,
  readSeq2SeqMeta,
  saveSeq2SeqModel,
  SEQ2SEQ_ARCHITECTURES,
  SEQ2SEQ_META,
} from './seq2seq/io/model-files.js';
export type { SaveSeq2SeqOptions, Seq2SeqArchitecture, Seq2SeqModelMeta } from './seq2seq/io/model-files.js';
export {
  readLabelledJsonl,
  readWord2VecText,
  readAspectMapping,
  saveSsaModel,
  saveKMeansModel,
  LabelledJsonlError,
  SSA_VOCAB_FILE,
} from './ssa/ssa-files.js';
export type { LabelledText } from './ssa/ssa-files.js';
