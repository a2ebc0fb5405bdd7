import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@contrastive/core/node';
import { ModelFileError } from '../errors.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import type { ModelIoOptions } from '../tokenize/options.js';
import { loadBertCheckpoint, readModelJson, saveBertCheckpoint } from './hf-checkpoint.js';
import { POOLINGS } from './pooling.js';
import type { Pooling } from './pooling.js';
import { SentenceEncoder } from './sentence-encoder.js';

/** The file next to the weights that records the pooling and max length of a {@link SentenceEncoder}. */
export const SENTENCE_ENCODER_META = 'contrastive.json';

/** Saves weights, config and tokenizer files of `encoder` to `dir` (a Hugging Face BERT folder + `contrastive.json`). */
export async function saveSentenceEncoder(encoder: SentenceEncoder, dir: string): Promise<void> {
  await saveBertCheckpoint(dir, encoder.bert);
  const src = encoder.options.tokenizerDir;
  if (src && path.resolve(src) !== path.resolve(dir)) {
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'special_tokens_map.json']) {
      if (existsSync(path.join(src, f))) copyFileSync(path.join(src, f), path.join(dir, f));
    }
  }
  const meta = { pooling: encoder.options.pooling, maxLength: encoder.options.maxLength };
  await writeFileAtomic(path.join(dir, SENTENCE_ENCODER_META), `${JSON.stringify(meta, null, 2)}\n`);
}

/** Loads a folder written by {@link saveSentenceEncoder} (or any HF BERT folder with a `tokenizer.json`). */
export async function loadSentenceEncoder(
  dir: string,
  options: ModelIoOptions & { pooling?: Pooling; maxLength?: number } = {},
): Promise<SentenceEncoder> {
  const metaPath = path.join(dir, SENTENCE_ENCODER_META);
  const meta = existsSync(metaPath) ? readSentenceEncoderMeta(metaPath) : {};
  const tokenizer = await loadTokenizer(dir, options);
  const bert = loadBertCheckpoint(dir);
  try {
    const maxLength = Math.min(options.maxLength ?? meta.maxLength ?? 64, bert.config.maxPositions);
    return new SentenceEncoder(bert, tokenizer, { pooling: options.pooling ?? meta.pooling ?? 'cls', maxLength, tokenizerDir: dir });
  } catch (e) {
    bert.dispose();
    throw e;
  }
}

/** Reads `contrastive.json`: `{pooling?, maxLength?}`; anything else is a {@link ModelFileError} naming the file. */
function readSentenceEncoderMeta(file: string): { pooling?: Pooling; maxLength?: number } {
  const meta = readModelJson(file) as Record<string, unknown> | null;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
    throw new ModelFileError(file, `must be a JSON object {"pooling", "maxLength"}, got ${JSON.stringify(meta)}`);
  if (meta.pooling !== undefined && !POOLINGS.includes(meta.pooling as Pooling))
    throw new ModelFileError(file, `"pooling" must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(meta.pooling)}`, 'pooling');
  if (meta.maxLength !== undefined && !(Number.isInteger(meta.maxLength) && (meta.maxLength as number) >= 2))
    throw new ModelFileError(file, `"maxLength" must be an integer >= 2, got ${JSON.stringify(meta.maxLength)}`, 'maxLength');
  return meta as { pooling?: Pooling; maxLength?: number };
}
