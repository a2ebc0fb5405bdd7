// Browser-safe image–caption data: the captions.jsonl record, its checks, the seeded image-level split.
export {
  CAPTIONS_FILE,
  CAPTION_SPLITS,
  CAPTION_FIELDS,
  normaliseImagePath,
  captionProblem,
  parseCaptionLine,
  formatCaptionLine,
} from './caption-record.js';
export type { CaptionRecord, CaptionSplit, ParsedCaptionLine } from './caption-record.js';
export { splitRecords, splitCounts, hash53, DEFAULT_TEST_FRACTION } from './split.js';
export type { SplitRecordsOptions } from './split.js';
export { CaptionDataError } from './errors.js';
