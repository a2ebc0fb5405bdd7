import { COMMON_FLAGS, formatHelp, type FlagSpec } from '@contrastive/core/cli';
import { TOOL } from '../tool.js';

/** `train --method mle|claps` defaults: a from-scratch small model (no pretrained T5 exists here). */
export const SEQ2SEQ_DEFAULTS = {
  epochs: 10,
  batchSize: 64,
  /**
   * AdamW peak rate from scratch. 5e-3, measured: 200-step probes of the default Transformer on catalogs-de reached a
   * validation NLL of 6.30 nats/token at 5e-3 and 6.53 at 2e-3, while 5e-4 was still at 6.42 after 483 steps of a 692-step run (the
   * tied N(0, 1) embedding of the T5-style model moves slowly under Adam at small rates; T5 trains it with Adafactor).
   */
  learningRate: 5e-3,
  vocabSize: 8000,
  maxSourceLength: 64,
  maxTargetLength: 64,
  testLimit: 1000,
  checkpointEvery: 500,
} as const;

/**
 * Logit floats per batch behind the default `--max-target-tokens` (2²³ = 32 MB per copy of the logits): CLAPS at
 * batch 64 × 64 target tokens × 8,000 subwords (131 MB per copy) overflowed wasm's 4 GB heap; MLE reached 3 GB.
 */
export const LOGIT_BUDGET = 2 ** 23;

export const SEQ2SEQ_METHODS = ['mle', 'claps'] as const;
export type Seq2SeqMethodName = (typeof SEQ2SEQ_METHODS)[number];

export const SEQ2SEQ_SPEC = {
  ...COMMON_FLAGS,
  method: { type: 'string' },
  train: { type: 'string' },
  'train-source': { type: 'string' },
  'train-target': { type: 'string' },
  test: { type: 'string' },
  'test-source': { type: 'string' },
  'test-target': { type: 'string' },
  'source-field': { type: 'string' },
  'target-field': { type: 'string' },
  validation: { type: 'string' },
  'validate-every': { type: 'string' },
  select: { type: 'string' },
  architecture: { type: 'string' },
  'd-model': { type: 'string' },
  layers: { type: 'string' },
  heads: { type: 'string' },
  ffn: { type: 'string' },
  dropout: { type: 'string' },
  'vocab-size': { type: 'string' },
  'max-source-length': { type: 'string' },
  'max-target-length': { type: 'string' },
  'max-target-tokens': { type: 'string' },
  ablate: { type: 'string' },
  temperature: { type: 'string' },
  'eps-neg': { type: 'string' },
  'eps-pos': { type: 'string' },
  'official-l2': { type: 'boolean' },
  'weight-decay': { type: 'string' },
  'warmup-ratio': { type: 'string' },
  'max-grad-norm': { type: 'string' },
  'steps-per-epoch': { type: 'string' },
  beam: { type: 'string' },
  'test-limit': { type: 'string' },
} as const satisfies FlagSpec;

export const SEQ2SEQ_HELP = formatHelp({
  tool: TOOL,
  command: 'train --method mle|claps',
  summary: 'train a sequence-to-sequence model (translation, summarisation) from scratch: MLE, or MLE + CLAPS',
  usage:
    'train --method mle|claps --train PAIRS.jsonl [--test PAIRS.jsonl] [options]\n' +
    '       train --method mle|claps --train-source SRC.txt --train-target TGT.txt [--test-source F --test-target F] [options]',
  flags: [
    {
      name: 'method',
      arg: 'NAME',
      help:
        'mle: teacher-forced cross-entropy only. claps: + the CLAPS contrastive loss (Lee et al., ICLR 2021) between the pooled encoder and ' +
        'decoder states, with imposters (hard negatives) and distant targets (hard positives) made by perturbing the decoder states',
    },
    { name: 'train', arg: 'FILE', help: 'JSONL training pairs (fields: --source-field, --target-field)' },
    { name: 'train-source', arg: 'FILE', help: 'or: source texts, one per line (line-aligned with --train-target)' },
    { name: 'train-target', arg: 'FILE', help: 'target texts, one per line' },
    { name: 'test', arg: 'FILE', help: 'held-out JSONL pairs: generated after training and scored with BLEU and ROUGE-1/2/L' },
    { name: 'test-source', arg: 'FILE', help: 'or: held-out sources, one per line (with --test-target)' },
    { name: 'test-target', arg: 'FILE', help: 'held-out references, one per line' },
    { name: 'source-field', arg: 'NAME', help: 'JSONL field of the source (man pages: document)', default: 'source' },
    { name: 'target-field', arg: 'NAME', help: 'JSONL field of the target (man pages: query)', default: 'target' },
    {
      name: 'validation',
      arg: 'N',
      help: 'training pairs held out (seeded) for the validation NLL that picks the best model; 0 = none (model/ = final)',
      default: '5 % of the pairs, at most 1000; none below 20',
    },
    {
      name: 'validate-every',
      arg: 'N',
      help: 'steps between validation scores (also before step 1 and after the last)',
      default: '1/10 of the run',
    },
    { name: 'select', arg: 'best|final', help: 'model/ keeps the model of the lowest validation NLL, or the final one', default: 'best' },
    {
      name: 'architecture',
      arg: 'NAME',
      help: 'transformer (pre-LN, T5-style tied head) | gru (bidirectional GRU + Luong attention)',
      default: 'transformer',
    },
    { name: 'd-model', arg: 'N', help: 'hidden width', default: '128' },
    { name: 'layers', arg: 'N', help: 'transformer encoder and decoder layers', default: '2' },
    { name: 'heads', arg: 'N', help: 'transformer attention heads', default: '4' },
    { name: 'ffn', arg: 'N', help: 'transformer feed-forward width', default: '512' },
    { name: 'dropout', arg: 'X', help: 'dropout rate', default: '0.1' },
    {
      name: 'vocab-size',
      arg: 'N',
      help: 'shared subword vocabulary built from the training pairs',
      default: String(SEQ2SEQ_DEFAULTS.vocabSize),
    },
    {
      name: 'max-source-length',
      arg: 'N',
      help: 'source tokens kept (longer sources are truncated)',
      default: String(SEQ2SEQ_DEFAULTS.maxSourceLength),
    },
    { name: 'max-target-length', arg: 'N', help: 'target tokens kept, EOS included', default: String(SEQ2SEQ_DEFAULTS.maxTargetLength) },
    {
      name: 'max-target-tokens',
      arg: 'N',
      help:
        "most padded target tokens per batch (pairs × longest target): batches of long targets get fewer pairs, so a step's memory " +
        '(dominated by the [batch, target, vocabulary] logits) stays bounded on any data',
      default: `${LOGIT_BUDGET.toLocaleString('en')} / vocabulary size (1,048 for 8,000 subwords)`,
    },
    { name: 'ablate', arg: 'imposter|distant', help: 'claps: drop the imposters (hard negatives) or the distant targets (hard positives)' },
    { name: 'temperature', arg: 'X', help: 'claps: InfoNCE temperature τ', default: '0.1' },
    { name: 'eps-neg', arg: 'X', help: 'claps: imposter step size ε (paper: 1 summarisation, 3 translation)', default: '1' },
    { name: 'eps-pos', arg: 'X', help: 'claps: distant-target step size ε', default: '3' },
    { name: 'official-l2', help: "claps: reproduce the official code's missing /τ on the distant-target term (default: divide by τ)" },
    { name: 'weight-decay', arg: 'X', help: 'AdamW decoupled weight decay', default: '0' },
    { name: 'warmup-ratio', arg: 'X', help: 'linear warm-up share of all steps, then linear decay to 0', default: '0.05' },
    { name: 'max-grad-norm', arg: 'X', help: 'clip the global gradient norm (0 = off)', default: '1' },
    { name: 'steps-per-epoch', arg: 'N', help: 'cap the steps per epoch' },
    { name: 'beam', arg: 'N', help: 'beams when decoding the test set (1 = greedy)', default: '1' },
    {
      name: 'test-limit',
      arg: 'N',
      help: 'score at most this many test pairs (a seeded sample; decoding is the slow part); 0 = all',
      default: String(SEQ2SEQ_DEFAULTS.testLimit),
    },
  ],
  includeCommon: true,
  commonDefaults: {
    epochs: String(SEQ2SEQ_DEFAULTS.epochs),
    'batch-size': String(SEQ2SEQ_DEFAULTS.batchSize),
    lr: `${SEQ2SEQ_DEFAULTS.learningRate} (AdamW peak)`,
    'checkpoint-every': String(SEQ2SEQ_DEFAULTS.checkpointEvery),
    out: 'runs/<method>-seed<seed>',
  },
  details:
    'The run folder (--out) holds run.json, tokenizer.json (built from the training pairs), checkpoint/, validation/ (validation.json and ' +
    'the best model), model/ (seq2seq.json, weights/, tokenizer.json: use it with `generate --checkpoint`), predictions.txt (the test ' +
    'hypotheses, in the order of the scored sample), losses.csv, loss-curve.png and summary.json (BLEU, ROUGE, and the copy-the-source ' +
    'baseline). Text is generated with the shared subword vocabulary; scores are sacreBLEU-compatible corpus BLEU and rouge-score F1.',
  examples: [
    `${TOOL} catalogs-data --lang de --out data/de`,
    `${TOOL} train --method claps --train data/de/train.jsonl --test data/de/test.jsonl --eps-neg 3 --out runs/claps-de`,
    `${TOOL} manpages-data --out data/man`,
    `${TOOL} train --method mle --train data/man/train-pairs.jsonl --test data/man/pairs.jsonl --source-field document --target-field query --out runs/mle-man`,
  ],
});
