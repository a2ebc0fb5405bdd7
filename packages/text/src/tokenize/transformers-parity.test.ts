// The tokenizer moved from transformers.js (AutoTokenizer) to @huggingface/tokenizers (issue 19): every id, pad/sep/cls
// id, vocabulary size and decoded text must be what transformers.js gives on the same files. transformers.js is a
// devDependency (and an optional peer), so the comparison runs here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';
import { TextTokenizer, tokenizerFromJson } from './text-tokenizer.js';
import { buildWordPieceVocab, wordPieceTokenizerConfig, wordPieceTokenizerJson } from './wordpiece-vocab.js';
import { buildWordPieceTokenizer } from './write-wordpiece.js';

const fixture = (p: string): string => fileURLToPath(new URL(`../__fixtures__/${p}`, import.meta.url));
const corpus = readFileSync(fixture('corpus/tiny.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const TEXTS = [
  ...corpus,
  'The lazy dogs sleep.',
  'Héllo, WORLD!  Ünïcödé   spaces\tand\ttabs',
  'λ unseen characters ☃ and 中文字符 and emoji 🙂',
  "don't stop-believing: 3.14 (pi) [brackets] {braces} #hash @at",
  '',
  ' ',
  'a'.repeat(150),
  'the '.repeat(40),
  '[CLS] literal special tokens [SEP] inside [MASK] text [PAD]',
];

/** transformers.js's AutoTokenizer on a folder (local only), the way the package loaded tokenizers before. */
async function autoTokenizer(dir: string) {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = `${path.dirname(dir)}/`;
  return AutoTokenizer.from_pretrained(path.basename(dir), { local_files_only: true });
}

async function expectSameAsTransformers(dir: string): Promise<void> {
  const ours = await loadTokenizer(dir);
  const theirs = await autoTokenizer(dir);
  expect(ours.vocabSize).toBe(theirs.get_vocab().size);
  expect(ours.padId).toBe(theirs.pad_token_id ?? 0);
  expect(ours.sepId).toBe(theirs.sep_token_id);
  for (const text of TEXTS) {
    const ids = ours.encode(text);
    expect(ids, text).toEqual(theirs.encode(text));
    expect(ours.decode(ids), text).toBe(theirs.decode(ids, { skip_special_tokens: true }));
    expect(ours.tokenize(text), text).toEqual(theirs.tokenize(text));
  }
  // encodeBatch pads with the pad id and masks exactly as before (rows = transformers.js ids, truncated keeping [SEP]).
  const b = ours.encodeBatch(TEXTS.slice(0, 6), { maxLength: 12, warn: () => {} });
  TEXTS.slice(0, 6).forEach((t, i) => {
    let want = theirs.encode(t);
    if (want.length > 12) want = [...want.slice(0, 11), theirs.sep_token_id];
    const row = Array.from(b.inputIds.slice(i * b.length, (i + 1) * b.length));
    expect(row).toEqual([...want, ...new Array(b.length - want.length).fill(theirs.pad_token_id ?? 0)]);
    expect(Array.from(b.attentionMask.slice(i * b.length, (i + 1) * b.length))).toEqual(row.map((_, k) => (k < want.length ? 1 : 0)));
  });
}

describe('TextTokenizer (@huggingface/tokenizers) = transformers.js AutoTokenizer', () => {
  useCpuLeakCheck();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tok-parity-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('on the tiny BERT fixture tokenizer (the ids in reference.json)', async () => {
    await expectSameAsTransformers(fixture('tiny-bert-onnx'));
    const ref = JSON.parse(readFileSync(fixture('tiny-bert-onnx/reference.json'), 'utf8')) as {
      cases: { text: string; inputIds: number[]; truncated: boolean }[];
    };
    const tok = await loadTokenizer(fixture('tiny-bert-onnx'));
    for (const c of ref.cases.filter((x) => !x.truncated)) expect(tok.encode(c.text)).toEqual(c.inputIds);
  });

  it('on corpus-built WordPiece vocabularies (written to a folder, and in memory)', async () => {
    for (const [i, vocabSize] of [40, 120, 400].entries()) {
      const dir = path.join(tmp, `vocab-${i}`);
      const vocab = buildWordPieceTokenizer(dir, corpus, { vocabSize, minFrequency: 1 });
      await expectSameAsTransformers(dir);
      const inMemory = await tokenizerFromJson(wordPieceTokenizerJson(vocab), wordPieceTokenizerConfig());
      const fromFolder = await loadTokenizer(dir);
      for (const text of TEXTS) expect(inMemory.encode(text)).toEqual(fromFolder.encode(text));
    }
  });

  it('resolves special tokens as transformers.js does, and keeps a private copy of its files', () => {
    const vocab = buildWordPieceVocab(corpus, { vocabSize: 60, minFrequency: 1 });
    const json = wordPieceTokenizerJson(vocab);
    const config = wordPieceTokenizerConfig();
    const tok = new TextTokenizer(json, config);
    expect([tok.padId, tok.clsId, tok.sepId]).toEqual([0, 2, 3]);
    expect(tok.tokenToId('[MASK]')).toBe(4);
    expect(tok.idToToken(3)).toBe('[SEP]');
    // An AddedToken object in the config, and a config without sep_token (falls back to [SEP]).
    const added = new TextTokenizer(json, { ...config, pad_token: { __type: 'AddedToken', content: '[MASK]' } });
    expect(added.padId).toBe(4);
    const { sep_token: _, ...noSep } = config;
    expect(new TextTokenizer(json, noSep).sepId).toBe(3);
    expect(() => new TextTokenizer(json, { ...config, sep_token: 'nope' })).toThrow(/separator token/);
    expect(() => new TextTokenizer(json, { ...config, pad_token: 3 })).toThrow(/"pad_token" must be a token string/);
    // Mutating the objects it was built from changes neither the tokenizer nor the files it saves.
    (json.model as { vocab: Record<string, number> }).vocab.the = 999;
    expect((tok.files.tokenizerJson.model as { vocab: Record<string, number> }).vocab.the).toBe(vocab.indexOf('the'));
    expect(tok.encode('the')).toContain(vocab.indexOf('the'));
  });
});
