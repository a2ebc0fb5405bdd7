/**
 * The sentence-transformers folder layout (Node only): `modules.json` lists the modules run in order — the
 * Transformer at the folder's root (with `sentence_bert_config.json`), then `1_Pooling/config.json`, optionally a
 * `Dense` head, then `Normalize` — so `SentenceTransformer(dir)` in Python reads a folder saved here with the same
 * pooling, and `loadSentenceEncoder` reads the pooling and max length of a sentence-transformers folder.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@contrastive/core/node';
import { ModelFileError } from '../errors.js';
import type { BertEncoder } from './bert.js';
import { readModelJson } from './hf-checkpoint.js';
import type { Pooling } from './pooling.js';
import { writeSafetensors } from './safetensors.js';

/** sentence-transformers' module classes, by the name `modules.json` gives them. */
const MODULE = {
  transformer: 'sentence_transformers.models.Transformer',
  pooling: 'sentence_transformers.models.Pooling',
  dense: 'sentence_transformers.models.Dense',
  normalize: 'sentence_transformers.models.Normalize',
} as const;

/** The `1_Pooling/config.json` flags, one per pooling mode (sentence-transformers `Pooling`). */
const POOLING_FLAGS = [
  'pooling_mode_cls_token',
  'pooling_mode_mean_tokens',
  'pooling_mode_max_tokens',
  'pooling_mode_mean_sqrt_len_tokens',
  'pooling_mode_weightedmean_tokens',
  'pooling_mode_lasttoken',
] as const;

/**
 * ConSERT's fork of sentence-transformers names `last2avg` pooling with this flag; upstream sentence-transformers
 * has no such mode and refuses the unknown key, which is the honest outcome (it cannot compute that pooling).
 */
const LAST2AVG_FLAG = 'pooling_mode_mean_last_2_tokens';

/** What a sentence-transformers folder says about pooling and length (absent fields: the folder does not say). */
export interface SentenceTransformersMeta {
  pooling?: Pooling;
  maxLength?: number;
  /** Module types listed in `modules.json` that {@link loadSentenceEncoder} does not run (a `Dense` head, …). */
  unsupportedModules: string[];
}

/**
 * Writes the sentence-transformers files for `bert` pooled with `pooling` into `dir` (next to the HF folder that
 * `saveBertCheckpoint` writes): `modules.json`, `sentence_bert_config.json`, `1_Pooling/config.json`, and for
 * `cls-mlp` a `2_Dense` head holding BERT's pooler (`tanh(W·cls + b)`, SimCSE's MLP), then `Normalize` (our
 * `encode` L2-normalises by default). Each file is written atomically.
 */
export async function writeSentenceTransformersFiles(
  dir: string,
  bert: BertEncoder,
  options: { pooling: Pooling; maxLength: number },
): Promise<void> {
  const { pooling, maxLength } = options;
  const hidden = bert.config.hiddenSize;
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  const modules: { idx: number; name: string; path: string; type: string }[] = [
    { idx: 0, name: '0', path: '', type: MODULE.transformer },
    { idx: 1, name: '1', path: '1_Pooling', type: MODULE.pooling },
  ];
  const poolingConfig: Record<string, unknown> = { word_embedding_dimension: hidden };
  for (const flag of POOLING_FLAGS) poolingConfig[flag] = false;
  poolingConfig.pooling_mode_cls_token = pooling === 'cls' || pooling === 'cls-mlp';
  poolingConfig.pooling_mode_mean_tokens = pooling === 'mean';
  if (pooling === 'last2avg') poolingConfig[LAST2AVG_FLAG] = true;
  poolingConfig.include_prompt = true;
  await mkdir(path.join(dir, '1_Pooling'), { recursive: true });
  await writeFileAtomic(path.join(dir, '1_Pooling', 'config.json'), json(poolingConfig));
  if (pooling === 'cls-mlp') {
    const vars = bert.stateTensors();
    const w = vars['pooler.dense.weight'];
    const b = vars['pooler.dense.bias'];
    if (!w || !b) throw new Error("saveSentenceEncoder: pooling 'cls-mlp' needs the BERT's pooler.dense weights");
    // nn.Linear keeps [out, in] like the HF pooler, so the weights are copied as they are.
    const tensors = {
      'linear.weight': { shape: w.shape, data: (await w.data()) as Float32Array },
      'linear.bias': { shape: b.shape, data: (await b.data()) as Float32Array },
    };
    await mkdir(path.join(dir, '2_Dense'), { recursive: true });
    await writeFileAtomic(path.join(dir, '2_Dense', 'model.safetensors'), writeSafetensors(tensors));
    await writeFileAtomic(
      path.join(dir, '2_Dense', 'config.json'),
      json({ in_features: hidden, out_features: hidden, bias: true, activation_function: 'torch.nn.modules.activation.Tanh' }),
    );
    modules.push({ idx: 2, name: '2', path: '2_Dense', type: MODULE.dense });
  }
  modules.push({ idx: modules.length, name: String(modules.length), path: `${modules.length}_Normalize`, type: MODULE.normalize });
  await writeFileAtomic(path.join(dir, 'sentence_bert_config.json'), json({ max_seq_length: maxLength, do_lower_case: false }));
  await writeFileAtomic(path.join(dir, 'modules.json'), json(modules));
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The pooling a `1_Pooling/config.json` names, or a {@link ModelFileError} when it names one we cannot run. */
function readPoolingConfig(file: string): Pooling {
  const c = readModelJson(file);
  if (!isObject(c)) throw new ModelFileError(file, `must be a JSON object of pooling_mode_* flags, got ${JSON.stringify(c)?.slice(0, 60)}`);
  const on = [...POOLING_FLAGS, LAST2AVG_FLAG].filter((f) => c[f] === true);
  const byFlag: Record<string, Pooling> = {
    pooling_mode_cls_token: 'cls',
    pooling_mode_mean_tokens: 'mean',
    [LAST2AVG_FLAG]: 'last2avg',
  };
  const pooling = on.length === 1 ? byFlag[on[0]!] : undefined;
  if (pooling === undefined)
    throw new ModelFileError(
      file,
      `sets ${on.length === 0 ? 'no pooling mode' : on.join(' + ')}; supported: exactly one of pooling_mode_cls_token, pooling_mode_mean_tokens, ${LAST2AVG_FLAG}`,
      on[0] ?? 'pooling_mode',
    );
  return pooling;
}

/**
 * Reads the pooling (`1_Pooling/config.json`, or the Pooling module `modules.json` points at) and the max length
 * (`sentence_bert_config.json` `max_seq_length`) of a sentence-transformers folder. A folder without these files
 * gives `{ unsupportedModules: [] }`; a malformed one a {@link ModelFileError} naming the file.
 */
export function readSentenceTransformersMeta(dir: string): SentenceTransformersMeta {
  const meta: SentenceTransformersMeta = { unsupportedModules: [] };
  let poolingDir = '1_Pooling';
  const modulesFile = path.join(dir, 'modules.json');
  if (existsSync(modulesFile)) {
    const modules = readModelJson(modulesFile);
    if (!Array.isArray(modules) || !modules.every((m) => isObject(m) && typeof m.type === 'string' && typeof m.path === 'string'))
      throw new ModelFileError(modulesFile, 'must be a JSON array of {"idx", "name", "path", "type"} modules');
    for (const m of modules as { path: string; type: string }[]) {
      if (m.type === MODULE.pooling) poolingDir = m.path;
      else if (m.type !== MODULE.transformer && m.type !== MODULE.normalize) meta.unsupportedModules.push(`${m.type} (${m.path})`);
    }
  }
  const poolingFile = path.join(dir, poolingDir, 'config.json');
  if (existsSync(poolingFile)) meta.pooling = readPoolingConfig(poolingFile);
  const stConfig = path.join(dir, 'sentence_bert_config.json');
  if (existsSync(stConfig)) {
    const c = readModelJson(stConfig);
    const n = isObject(c) ? c.max_seq_length : undefined;
    if (n !== undefined && n !== null) {
      if (!(Number.isInteger(n) && (n as number) >= 2))
        throw new ModelFileError(stConfig, `"max_seq_length" must be an integer >= 2, got ${JSON.stringify(n)}`, 'max_seq_length');
      meta.maxLength = n as number;
    }
  }
  return meta;
}
