import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@contrastive/core/node';
import { ModelFileError } from '../errors.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import type { ModelIoOptions } from '../tokenize/options.js';
import type { TextTokenizer } from '../tokenize/text-tokenizer.js';
import { loadBertCheckpoint, readModelJson, saveBertCheckpoint } from './hf-checkpoint.js';
import { POOLINGS } from './pooling.js';
import type { Pooling } from './pooling.js';
import { SentenceEncoder } from './sentence-encoder.js';
import { readSentenceTransformersMeta, writeSentenceTransformersFiles } from './sentence-transformers.js';

/** The file next to the weights that records the pooling and max length of a {@link SentenceEncoder}. */
export const SENTENCE_ENCODER_META = 'contrastive.json';

/** Tokenizer files copied from `encoder.options.tokenizerDir` when present (the two JSON files are written from memory). */
const EXTRA_TOKENIZER_FILES = ['special_tokens_map.json', 'merges.txt', 'vocab.json', 'sentencepiece.bpe.model', 'spiece.model'];

/**
 * `vocab.txt` of a WordPiece `tokenizer.json` (one token per line, line i = id i), as Python's `BertTokenizer`
 * reads it; `undefined` for other models or for ids that are not exactly 0..n-1.
 */
function wordPieceVocabTxt(tokenizer: TextTokenizer): string | undefined {
  const model = tokenizer.files.tokenizerJson.model as { type?: unknown; vocab?: unknown } | undefined;
  if (model?.type !== 'WordPiece' || model.vocab === null || typeof model.vocab !== 'object') return undefined;
  const entries = Object.entries(model.vocab as Record<string, unknown>);
  const tokens: string[] = new Array(entries.length);
  for (const [token, id] of entries) {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= entries.length || tokens[id as number] !== undefined)
      return undefined;
    tokens[id as number] = token;
  }
  return `${tokens.join('\n')}\n`;
}

/**
 * Saves `encoder` to `dir` as a complete model folder that {@link loadSentenceEncoder}, Python's
 * `transformers.AutoModel` / `AutoTokenizer` and `sentence_transformers.SentenceTransformer` all read:
 *
 * - `model.safetensors` + `config.json` — the BERT (HF `BertModel` names);
 * - `tokenizer.json` + `tokenizer_config.json` — the encoder's tokenizer, from memory (`encoder.tokenizer.files`),
 *   and `vocab.txt` for a WordPiece vocabulary;
 * - `modules.json`, `sentence_bert_config.json`, `1_Pooling/config.json` (+ `2_Dense/` holding the pooler for
 *   `cls-mlp`) — the sentence-transformers layout, so the pooling travels with the weights;
 * - `contrastive.json` — `{pooling, maxLength}` exactly as this package uses them.
 *
 * Non-finite weights are refused (core's `NonFiniteStateError`) before anything is written; each file is written
 * atomically. Tokenizer side files other than the two JSON files (`special_tokens_map.json`, `merges.txt`, …) are
 * copied from `encoder.options.tokenizerDir` when it is set.
 */
export async function saveSentenceEncoder(encoder: SentenceEncoder, dir: string): Promise<void> {
  const { pooling, maxLength } = encoder.options;
  await saveBertCheckpoint(dir, encoder.bert);
  const { tokenizerJson, tokenizerConfig } = encoder.tokenizer.files;
  await writeFileAtomic(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  await writeFileAtomic(path.join(dir, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
  const vocabTxt = wordPieceVocabTxt(encoder.tokenizer);
  if (vocabTxt !== undefined) await writeFileAtomic(path.join(dir, 'vocab.txt'), vocabTxt);
  const src = encoder.options.tokenizerDir;
  if (src && path.resolve(src) !== path.resolve(dir)) {
    for (const f of EXTRA_TOKENIZER_FILES) if (existsSync(path.join(src, f))) copyFileSync(path.join(src, f), path.join(dir, f));
  }
  await writeSentenceTransformersFiles(dir, encoder.bert, { pooling, maxLength });
  await writeFileAtomic(path.join(dir, SENTENCE_ENCODER_META), `${JSON.stringify({ pooling, maxLength }, null, 2)}\n`);
}

/**
 * Loads a folder written by {@link saveSentenceEncoder}, or any Hugging Face BERT folder with `config.json`,
 * `model.safetensors` and `tokenizer.json` (+ `tokenizer_config.json`).
 *
 * Pooling and max length: `options`, else `contrastive.json`, else the sentence-transformers files
 * (`1_Pooling/config.json`: cls or mean; `sentence_bert_config.json`: `max_seq_length`), else `cls` and 64 — the
 * max length always capped at the config's `max_position_embeddings`. A sentence-transformers folder whose
 * `modules.json` lists a module this encoder does not run (a `Dense` head not written by this package, …) is a
 * {@link ModelFileError}: its vectors would not be the ones that folder defines.
 */
export async function loadSentenceEncoder(
  dir: string,
  options: ModelIoOptions & { pooling?: Pooling; maxLength?: number } = {},
): Promise<SentenceEncoder> {
  const metaPath = path.join(dir, SENTENCE_ENCODER_META);
  let meta: { pooling?: Pooling; maxLength?: number };
  if (existsSync(metaPath)) meta = readSentenceEncoderMeta(metaPath);
  else {
    const st = readSentenceTransformersMeta(dir);
    if (st.unsupportedModules.length > 0 && options.pooling === undefined)
      throw new ModelFileError(
        path.join(dir, 'modules.json'),
        `lists ${st.unsupportedModules.join(', ')}, which loadSentenceEncoder does not run (it runs the BERT, then cls, cls-mlp, mean or last2avg pooling); pass options.pooling to load the BERT with that pooling anyway`,
      );
    meta = st;
  }
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
export function readSentenceEncoderMeta(file: string): { pooling?: Pooling; maxLength?: number } {
  const meta = readModelJson(file) as Record<string, unknown> | null;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
    throw new ModelFileError(file, `must be a JSON object {"pooling", "maxLength"}, got ${JSON.stringify(meta)}`);
  if (meta.pooling !== undefined && !POOLINGS.includes(meta.pooling as Pooling))
    throw new ModelFileError(file, `"pooling" must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(meta.pooling)}`, 'pooling');
  if (meta.maxLength !== undefined && !(Number.isInteger(meta.maxLength) && (meta.maxLength as number) >= 2))
    throw new ModelFileError(file, `"maxLength" must be an integer >= 2, got ${JSON.stringify(meta.maxLength)}`, 'maxLength');
  return meta as { pooling?: Pooling; maxLength?: number };
}
