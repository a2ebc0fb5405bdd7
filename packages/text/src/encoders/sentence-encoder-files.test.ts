// A saved model folder is complete and loads back (issue 19): weights, config, tokenizer (from memory: an encoder
// built on an in-memory vocabulary used to save no tokenizer at all), vocab.txt, and the pooling in both our
// contrastive.json and the sentence-transformers layout.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../errors.js';
import { CORPUS, TINY_BERT, TINY_TOKENIZER } from '../faults/fixtures.js';
import { OnnxSentenceEncoder } from '../frozen/onnx-encoder.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import { TextTokenizer } from '../tokenize/text-tokenizer.js';
import { buildWordPieceVocab, wordPieceTokenizerConfig, wordPieceTokenizerJson } from '../tokenize/wordpiece-vocab.js';
import { BertEncoder } from './bert.js';
import { bertConfig } from './bert-config.js';
import { loadBertCheckpoint } from './hf-checkpoint.js';
import type { Pooling } from './pooling.js';
import { readSafetensors } from './safetensors.js';
import { SentenceEncoder } from './sentence-encoder.js';
import { loadSentenceEncoder, saveSentenceEncoder } from './sentence-encoder-files.js';

const tmp = useTempDir('text-save-load-');
const corpus = readFileSync(CORPUS, 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const TEXTS = [...corpus.slice(0, 4), 'an unseen λ word', 'the cat'];
const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** Every file under `dir`, relative (`1_Pooling/config.json`), sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Saves `encoder`, loads it back, and checks the same tokens and the same vectors (bit for bit: same weights, same ops). */
async function roundTrip(encoder: SentenceEncoder, dir: string): Promise<SentenceEncoder> {
  await saveSentenceEncoder(encoder, dir);
  const loaded = await loadSentenceEncoder(dir);
  expect(loaded.options.pooling).toBe(encoder.options.pooling);
  expect(loaded.options.maxLength).toBe(encoder.options.maxLength);
  for (const t of TEXTS) expect(loaded.tokenizer.encode(t)).toEqual(encoder.tokenizer.encode(t));
  const [a, b] = [await encoder.encode(TEXTS, { warn: () => {} }), await loaded.encode(TEXTS, { warn: () => {} })];
  expect(b).toEqual(a);
  return loaded;
}

describe('saveSentenceEncoder → loadSentenceEncoder', () => {
  useCpuLeakCheck();

  it('a from-scratch encoder on an in-memory WordPiece vocabulary (no tokenizer folder anywhere)', async () => {
    const vocab = buildWordPieceVocab(corpus, { vocabSize: 80, minFrequency: 1 });
    const tokenizer = new TextTokenizer(wordPieceTokenizerJson(vocab), wordPieceTokenizerConfig());
    const encoder = new SentenceEncoder(new BertEncoder(bertConfig('tiny', vocab.length), { seed: 0 }), tokenizer, {
      pooling: 'mean',
      maxLength: 32,
    });
    const dir = tmp('scratch');
    const loaded = await roundTrip(encoder, dir);
    expect(listFiles(dir)).toEqual([
      '1_Pooling/config.json',
      'config.json',
      'contrastive.json',
      'model.safetensors',
      'modules.json',
      'sentence_bert_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'vocab.txt',
    ]);
    expect(readFileSync(path.join(dir, 'vocab.txt'), 'utf8')).toBe(`${vocab.join('\n')}\n`);
    expect(json(path.join(dir, 'tokenizer_config.json'))).toEqual(wordPieceTokenizerConfig());
    expect(json(path.join(dir, 'modules.json'))).toEqual([
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
      { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
    ]);
    expect(json(path.join(dir, 'sentence_bert_config.json'))).toEqual({ max_seq_length: 32, do_lower_case: false });
    expect(json(path.join(dir, '1_Pooling', 'config.json'))).toMatchObject({
      word_embedding_dimension: 128,
      pooling_mode_cls_token: false,
      pooling_mode_mean_tokens: true,
      pooling_mode_max_tokens: false,
    });
    // Without contrastive.json the sentence-transformers files give the same pooling and length.
    rmSync(path.join(dir, 'contrastive.json'));
    const st = await loadSentenceEncoder(dir);
    expect(st.options).toMatchObject({ pooling: 'mean', maxLength: 32 });
    expect(await st.encode(TEXTS)).toEqual(await encoder.encode(TEXTS));
    for (const e of [encoder, loaded, st]) e.dispose();
  });

  it('the fixture BERT with each pooling; cls-mlp carries the pooler as a sentence-transformers Dense head', async () => {
    const tokenizer = await loadTokenizer(TINY_TOKENIZER);
    for (const pooling of ['cls', 'cls-mlp', 'mean', 'last2avg'] as Pooling[]) {
      const encoder = new SentenceEncoder(loadBertCheckpoint(TINY_BERT, { warn: () => {} }), tokenizer, { pooling, maxLength: 16 });
      const dir = tmp(`fixture-${pooling}`);
      const loaded = await roundTrip(encoder, dir);
      expect(readFileSync(path.join(dir, 'vocab.txt'), 'utf8')).toBe(readFileSync(path.join(TINY_TOKENIZER, 'vocab.txt'), 'utf8'));
      expect(json(path.join(dir, 'tokenizer.json'))).toEqual(json(path.join(TINY_TOKENIZER, 'tokenizer.json')));
      const modules = (json(path.join(dir, 'modules.json')) as { type: string }[]).map((m) => m.type.split('.').pop());
      const flags = json(path.join(dir, '1_Pooling', 'config.json')) as Record<string, unknown>;
      expect(flags.pooling_mode_cls_token).toBe(pooling === 'cls' || pooling === 'cls-mlp');
      expect(flags.pooling_mode_mean_tokens).toBe(pooling === 'mean');
      expect(flags.pooling_mode_mean_last_2_tokens).toBe(pooling === 'last2avg' ? true : undefined);
      if (pooling === 'cls-mlp') {
        expect(modules).toEqual(['Transformer', 'Pooling', 'Dense', 'Normalize']);
        expect(json(path.join(dir, '2_Dense', 'config.json'))).toEqual({
          in_features: 16,
          out_features: 16,
          bias: true,
          activation_function: 'torch.nn.modules.activation.Tanh',
        });
        const dense = readSafetensors(readFileSync(path.join(dir, '2_Dense', 'model.safetensors'))).tensors;
        const bert = readSafetensors(readFileSync(path.join(dir, 'model.safetensors'))).tensors;
        expect(Array.from(dense.get('linear.weight')!.data)).toEqual(Array.from(bert.get('pooler.dense.weight')!.data));
        expect(Array.from(dense.get('linear.bias')!.data)).toEqual(Array.from(bert.get('pooler.dense.bias')!.data));
        // A Dense head without our contrastive.json is refused rather than silently skipped (unless the pooling is given).
        rmSync(path.join(dir, 'contrastive.json'));
        await expect(loadSentenceEncoder(dir)).rejects.toThrow(ModelFileError);
        await expect(loadSentenceEncoder(dir)).rejects.toThrow(/modules\.json: lists sentence_transformers\.models\.Dense \(2_Dense\)/);
        const given = await loadSentenceEncoder(dir, { pooling: 'cls-mlp' });
        expect(await given.encode(TEXTS)).toEqual(await encoder.encode(TEXTS));
        given.dispose();
      } else {
        expect(modules).toEqual(['Transformer', 'Pooling', 'Normalize']);
        rmSync(path.join(dir, 'contrastive.json'));
        const st = await loadSentenceEncoder(dir);
        expect(st.options).toMatchObject({ pooling, maxLength: 16 });
        st.dispose();
      }
      encoder.dispose();
      loaded.dispose();
    }
  });

  it('a foreign sentence-transformers folder: its pooling and max_seq_length are read; modes we cannot run are named', async () => {
    const dir = tmp('foreign');
    cpSync(TINY_BERT, dir, { recursive: true });
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt']) cpSync(path.join(TINY_TOKENIZER, f), path.join(dir, f));
    writeFileSync(path.join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 20, do_lower_case: false }));
    // The Pooling module is found through modules.json, whatever its folder is called.
    writeFileSync(
      path.join(dir, 'modules.json'),
      JSON.stringify([
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: 'pool', type: 'sentence_transformers.models.Pooling' },
      ]),
    );
    mkdirSync(path.join(dir, 'pool'));
    const setPooling = (flags: Record<string, boolean>): void =>
      writeFileSync(path.join(dir, 'pool', 'config.json'), JSON.stringify({ word_embedding_dimension: 16, ...flags }));
    setPooling({ pooling_mode_mean_tokens: true });
    const enc = await loadSentenceEncoder(dir);
    expect(enc.options).toMatchObject({ pooling: 'mean', maxLength: 20 });
    enc.dispose();
    setPooling({ pooling_mode_max_tokens: true });
    await expect(loadSentenceEncoder(dir)).rejects.toThrow(
      /pool\/config\.json: sets pooling_mode_max_tokens; supported: exactly one of pooling_mode_cls_token, pooling_mode_mean_tokens/,
    );
    setPooling({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: true });
    await expect(loadSentenceEncoder(dir)).rejects.toThrow(/sets pooling_mode_cls_token \+ pooling_mode_mean_tokens/);
    // The frozen ONNX encoder reads the same files for its defaults.
    const onnx = tmp('foreign-onnx');
    cpSync(TINY_TOKENIZER, onnx, { recursive: true });
    mkdirSync(path.join(onnx, '1_Pooling'));
    writeFileSync(path.join(onnx, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_mean_tokens: true }));
    writeFileSync(path.join(onnx, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 20 }));
    const frozen = await OnnxSentenceEncoder.load(onnx);
    expect(frozen.options).toEqual({ pooling: 'mean', maxLength: 20 });
    await frozen.dispose();
  });
});
