import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { basicTokenize, buildWordPieceVocab, SPECIAL_TOKENS } from './wordpiece-vocab.js';
import { buildWordPieceTokenizer } from './write-wordpiece.js';
import { loadTokenizer } from './load-tokenizer.js';

const corpusFile = new URL('../__fixtures__/corpus/tiny.txt', import.meta.url);
const corpus = readFileSync(corpusFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim());

describe('WordPiece vocabulary + AutoTokenizer', () => {
  useCpuLeakCheck();

  it('builds a deterministic vocabulary with specials first and every character covered', () => {
    const v1 = buildWordPieceVocab(corpus, { vocabSize: 120, minFrequency: 1 });
    const v2 = buildWordPieceVocab(corpus, { vocabSize: 120, minFrequency: 1 });
    expect(v1).toEqual(v2);
    expect(v1.slice(0, 5)).toEqual([...SPECIAL_TOKENS]);
    expect(v1.length).toBeLessThanOrEqual(120);
    expect(new Set(v1).size).toBe(v1.length);
    for (const c of 'thequickbrownfox.') expect(v1).toContain(c);
    expect(v1).toContain('the');
    expect(basicTokenize('Héllo, World!')).toEqual(['hello', ',', 'world', '!']);
  });

  it('round-trips text through a tokenizer.json loaded by AutoTokenizer (local only)', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'tok-')), 'vocab');
    const vocab = buildWordPieceTokenizer(dir, corpus, { vocabSize: 120, minFrequency: 1 });
    const tok = await loadTokenizer(dir);
    expect(tok.vocabSize).toBe(vocab.length);
    const ids = tok.encode('The lazy dogs sleep.');
    expect(ids[0]).toBe(vocab.indexOf('[CLS]'));
    expect(ids[ids.length - 1]).toBe(vocab.indexOf('[SEP]'));
    expect(ids).not.toContain(vocab.indexOf('[UNK]'));
    expect(tok.decode(ids)).toBe('the lazy dogs sleep.');
    // An unseen character maps to [UNK] rather than crashing.
    expect(tok.encode('λ')).toContain(vocab.indexOf('[UNK]'));
  });

  it('pads, masks and truncates with a warning instead of crashing', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'tok-')), 'vocab');
    buildWordPieceTokenizer(dir, corpus, { vocabSize: 120, minFrequency: 1 });
    const tok = await loadTokenizer(dir);
    const warnings: string[] = [];
    const b = tok.encodeBatch(['the sun', corpus[0]!], { maxLength: 6, warn: (m) => warnings.push(m) });
    expect(b.length).toBe(6);
    expect(b.truncated).toEqual([1]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/truncated/);
    expect(Array.from(b.attentionMask.slice(0, 6))).toEqual([1, 1, 1, 1, 0, 0]);
    expect(b.inputIds[11]).toBe(tok.sepId);
    expect(Array.from(b.inputIds.slice(4, 6))).toEqual([tok.padId, tok.padId]);
  });

  it('names the folder when tokenizer.json is missing and refuses empty corpora', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tok-'));
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer\.json/);
    expect(() => buildWordPieceVocab(['', '  '])).toThrow(/at least one word/);
  });
});
