// Browser-safe data API (parsers of text you already hold); the file readers (readCorpus, readTriplets,
// readRetrievalPairs, readStsPairs, loadWordNet, wordnetDir) are in '@contrastive/text/node'.
export { synonyms, splitGloss, parseWordNet, WORDNET_POS } from './wordnet.js';
export type { Synset, WordNet, WordNetPos, WordNetFiles } from './wordnet.js';
export { parseCorpus, parseCorpusEntries, parseRetrievalPairs, parseStsPairs, parseTriplets } from './parse-corpus.js';
export type { CorpusEntry, RetrievalPair, StsPair, Triplet } from './parse-corpus.js';
export { wordnetRetrievalTask } from './wordnet-task.js';
export type { WordNetTaskOptions } from './wordnet-task.js';
export { parseManPage } from './manpages-parse.js';
export type { ManPageText, ManPageParse, ManPageSkipReason } from './manpages-parse.js';
export {
  roffEscapes,
  splitRoffLine,
  roffSourceLines,
  joinRoffLines,
  ROFF_SPECIAL_CHARS,
  ROFF_DEFAULT_STRINGS,
  ROFF_CONTINUE,
} from './manpages-roff.js';
export type { RoffLine } from './manpages-roff.js';
export { manpagesRetrievalTask } from './manpages-task.js';
export type { ManPageRecord, ManpagesTask, ManpagesTaskOptions, ManpagesTaskSkips } from './manpages-task.js';
export { parseMo, parseMoHeader, moCharset, MoFileError, MO_MAGIC } from './gettext-mo.js';
export type { MoCatalog, MoMessage, MoSkipReason } from './gettext-mo.js';
export { cleanCatalogMessage, cleanCatalogs, printfSignature, stripAccelerators, collapseWhitespace } from './gettext-clean.js';
export type {
  CatalogCleanOptions,
  CatalogInput,
  CatalogPair,
  CatalogSkipReason,
  CleanedCatalogs,
  CleanedMessage,
} from './gettext-clean.js';
export { splitPackages, DEFAULT_HELD_OUT_FRACTION } from './catalogs-split.js';
export type { PackageSplit, PackagesSplit, SplitPackagesOptions } from './catalogs-split.js';
export { formatPackagesList, parsePackagesList, PACKAGES_HEADER } from './catalogs-packages.js';
export type { CatalogPackageLine, PackagesList } from './catalogs-packages.js';
export {
  parseControlStanzas,
  parseTagField,
  tagFacet,
  splitDescription,
  longDescriptionText,
  parseDebtagsVocabulary,
} from './debtags-control.js';
export type { ControlStanza, DebtagsVocabulary } from './debtags-control.js';
export { debtagsAspects, debtagsFacetSizes, stratifiedQuota } from './debtags-aspects.js';
export type {
  AspectCount,
  AspectExample,
  DebtagsAspects,
  DebtagsAspectsOptions,
  DebtagsPackage,
  DebtagsSkipReason,
  FacetSize,
  MultiAspectExample,
} from './debtags-aspects.js';
