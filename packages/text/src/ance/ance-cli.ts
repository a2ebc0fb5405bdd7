// Node-only: what `contrastive-text train --method ance` adds to the train command (flags, their run.json keys,
// and the refresher + batches of a run). Kept here so the train command only calls it.
import { intFlag, oneOfFlag, stringFlag, UsageError, type FlagHelp, type FlagSpec, type FlagValues } from '@contrastive/core/cli';
import type { TextTokenizer } from '../tokenize/text-tokenizer.js';
import type { ANCE } from '../methods/ance.js';
import { createAnceTraining } from './ance-training.js';
import type { AnceTraining } from './ance-training.js';
import { ANCE_SIMILARITIES } from './ance-loss.js';
import type { AnceSimilarity } from './ance-loss.js';
import { anceDataFromPairs } from './ance-batches.js';
import { readAnceRunData } from './ance-run-data.js';
import type { AnceRunData, AnceRunDataConfig } from './ance-run-data.js';
import { textGroups } from './mine-negatives.js';
import { REFRESH_MODES } from './refresher.js';
import type { RefreshMode } from './refresher.js';
import { WorkerInferencer } from './worker-inferencer.js';

/**
 * Negatives per query and step of the CLI. ANCE's scripts use 20 (`--negative_sample 20`, its code's default is 5);
 * each negative is one more passage through the encoder per query and step, so 20 makes a step ~7× the cost of a
 * positive-only one. 7 keeps a batch of 64 at 576 passages on 2 CPU cores and still gives each query more negatives
 * than SimCSE's single hard negative.
 */
export const ANCE_CLI_NEGATIVES = 7;
/** The scripts' `--topk_training` (the code's default is 500): negatives are drawn from each query's top 200. */
export const ANCE_CLI_TOP_K = 200;
/**
 * Refreshes per run when `--refresh-every` is not given: K = ceil(total steps / 10). The paper refreshes every 10k
 * of 600k steps (60 times), but a sync refresh re-encodes the corpus and the queries, as much work as a few training
 * steps per thousand texts, so ten per run keeps it a modest share of a short run.
 */
export const ANCE_CLI_REFRESHES = 10;

/** The flags `train --method ance` adds. */
export const ANCE_FLAGS = {
  passages: { type: 'string' },
  negatives: { type: 'string' },
  'refresh-every': { type: 'string' },
  'top-k': { type: 'string' },
  refresh: { type: 'string' },
  'in-batch': { type: 'string' },
  similarity: { type: 'string' },
} as const satisfies FlagSpec;

/** Their help lines. */
export const ANCE_FLAG_HELP: readonly FlagHelp[] = [
  {
    name: 'passages',
    arg: 'FILE',
    help: 'ance: more passages to mine negatives from (one per line, or JSONL with "text"), beside the documents of the pairs',
  },
  {
    name: 'negatives',
    arg: 'N',
    help: 'ance: negatives per query and step (ANCE scripts 20; each costs one more encoder pass per query)',
    default: String(ANCE_CLI_NEGATIVES),
  },
  {
    name: 'refresh-every',
    arg: 'K',
    help: 'ance: re-encode the corpus and re-mine negatives every K steps (BM25 negatives before the first refresh)',
    default: `1/${ANCE_CLI_REFRESHES} of the run`,
  },
  { name: 'top-k', arg: 'K', help: 'ance: draw negatives at random from the top K of each query', default: String(ANCE_CLI_TOP_K) },
  {
    name: 'refresh',
    arg: 'sync|async',
    help: 'ance: refresh inline (deterministic) or in a worker thread while training continues (the paper’s Inferencer)',
    default: 'sync',
  },
  {
    name: 'in-batch',
    arg: 'on|off',
    help: "ance: also use the other queries' positives as negatives (not in ANCE's code; from scratch it roughly doubled MRR@10 on WordNet)",
    default: 'on from scratch (ance-tiny), else off',
  },
  { name: 'similarity', arg: 'dot|cos', help: 'ance: score by raw dot product (the paper) or cosine / --temperature', default: 'dot' },
];

/** What the ANCE flags record in run.json. */
export interface AnceTrainConfig {
  passages?: string;
  negatives?: number;
  refreshEvery?: number;
  topK?: number;
  refresh?: RefreshMode;
  /** `--in-batch on|off`. */
  inBatchNegatives?: boolean;
  similarity?: AnceSimilarity;
}

/** The ANCE flags → their run.json keys (for `--resume` checks). */
export const ANCE_RUN_SHAPING_FLAGS: readonly (readonly [string, keyof AnceTrainConfig])[] = [
  ['passages', 'passages'],
  ['negatives', 'negatives'],
  ['refresh-every', 'refreshEvery'],
  ['top-k', 'topK'],
  ['refresh', 'refresh'],
  ['in-batch', 'inBatchNegatives'],
  ['similarity', 'similarity'],
];

/** The ANCE flags of a run; any of them with another method is a usage error. */
export function anceConfigFromFlags(values: FlagValues, method: string): AnceTrainConfig {
  const given = ANCE_RUN_SHAPING_FLAGS.map(([flag]) => flag).filter((f) => values[f] !== undefined);
  if (method !== 'ance') {
    if (given.length > 0) throw new UsageError(`--${given[0]} is an ANCE flag; it needs --method ance`);
    return {};
  }
  const out: AnceTrainConfig = {
    passages: stringFlag(values, 'passages'),
    negatives: intFlag(values, 'negatives', 1),
    refreshEvery: intFlag(values, 'refresh-every', 1),
    topK: intFlag(values, 'top-k', 1),
    refresh: oneOfFlag(values, 'refresh', REFRESH_MODES),
    inBatchNegatives: values['in-batch'] === undefined ? undefined : oneOfFlag(values, 'in-batch', ['on', 'off'] as const) === 'on',
    similarity: oneOfFlag(values, 'similarity', ANCE_SIMILARITIES),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as AnceTrainConfig;
}

/** The ANCE method options the flags set (over the recipe's), for `createMethod`. */
export function anceMethodOptions(config: AnceTrainConfig): { inBatchNegatives?: boolean; similarity?: AnceSimilarity } {
  return {
    ...(config.inBatchNegatives === undefined ? {} : { inBatchNegatives: config.inBatchNegatives }),
    ...(config.similarity === undefined ? {} : { similarity: config.similarity }),
  };
}

/**
 * Reads the run's pairs and extra passages ({@link readAnceRunData}) and checks, before any run folder is made,
 * that every query has at least `--negatives` passages that are neither its positive nor the same text.
 * @throws UsageError naming the first query that has too few.
 */
export function readAnceCliData(config: AnceRunDataConfig & AnceTrainConfig): AnceRunData {
  const data = readAnceRunData(config);
  const n = config.negatives ?? ANCE_CLI_NEGATIVES;
  const { queries, passages, positives } = anceDataFromPairs(data.pairs, data.passages);
  const groups = textGroups(passages);
  const groupSize = new Map<number, number>();
  for (const g of groups) groupSize.set(g, (groupSize.get(g) ?? 0) + 1);
  positives.forEach((keys, q) => {
    const excluded = [...new Set(keys.map((k) => groups[k]!))].reduce((sum, g) => sum + groupSize.get(g)!, 0);
    if (passages.length - excluded < n)
      throw new UsageError(
        `--negatives ${n}: the corpus has ${passages.length} passages, only ${passages.length - excluded} of which can be negatives of query ${q + 1} ` +
          `('${queries[q]!.slice(0, 60)}'); lower --negatives or add passages with --passages`,
      );
  });
  return data;
}

/**
 * The refresher and batches of an ANCE run (`--refresh async` starts a {@link WorkerInferencer} on the run's
 * backend). The caller passes `batches`, `stepsPerEpoch` and `callbacks` to `train()` and closes it in a `finally`.
 * Check the data with {@link readAnceCliData} first.
 */
export function startAnceTraining(options: {
  config: AnceTrainConfig & { batchSize: number; maxLength: number; seed: number };
  method: ANCE;
  tokenizer: TextTokenizer;
  data: AnceRunData;
  totalSteps: number;
  log: (line: string) => void;
}): AnceTraining {
  const { config, method, tokenizer, data, totalSteps, log } = options;
  const mode = config.refresh ?? 'sync';
  const refreshEvery = config.refreshEvery ?? Math.max(1, Math.ceil(totalSteps / ANCE_CLI_REFRESHES));
  const negatives = config.negatives ?? ANCE_CLI_NEGATIVES;
  const ance = createAnceTraining({
    method,
    tokenizer,
    maxLength: config.maxLength,
    pairs: data.pairs,
    passages: data.passages,
    batchSize: config.batchSize,
    negatives,
    topK: config.topK ?? ANCE_CLI_TOP_K,
    refreshEvery,
    totalSteps,
    mode,
    ...(mode === 'async' ? { inferencer: new WorkerInferencer() } : {}),
    seed: config.seed,
    log,
  });
  const { stats } = ance.data;
  log(
    `ance: ${stats.queries} queries, ${stats.passages} passages (${stats.documents} documents of the pairs + ${stats.extraPassages} from --passages); ` +
      `${negatives} negatives per query from the top ${config.topK ?? ANCE_CLI_TOP_K}, refreshed every ${refreshEvery} steps (${mode})`,
  );
  return ance;
}
