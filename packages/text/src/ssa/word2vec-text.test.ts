import { describe, expect, it } from 'vitest';
import { Word2VecTextReader } from './word2vec-text.js';

const read = (text: string, wanted = (_w: string) => true, order?: string[]) => {
  const r = new Word2VecTextReader('v.txt', wanted);
  for (const line of text.split('\n')) r.addLine(line);
  return r.finish(order);
};

describe('Word2VecTextReader', () => {
  it('keeps the wanted words in the given order, <pad> first with zeros', () => {
    const { vocabulary, vectors, dim } = read('3 2\ncat 1 2\ndog 3 4\nemu 5 6\n', (w) => w !== 'emu', ['dog', 'cat', 'yak']);
    expect(dim).toBe(2);
    expect(vocabulary.words).toEqual(['<pad>', 'dog', 'cat']);
    expect(Array.from(vectors)).toEqual([0, 0, 3, 4, 1, 2]);
  });

  it('names the file and line of every format error', () => {
    expect(() => read('cat 1 2\n')).toThrow(/^v\.txt:1: expected the word2vec text header/);
    expect(() => read('2 2\ncat 1 2\ndog 3\n')).toThrow(/^v\.txt:3: expected a word and 2 values, got 1/);
    expect(() => read('1 2\ncat 1 x\n')).toThrow(/^v\.txt:2: value 2 of 'cat' is not a finite number/);
    expect(() => read('2 2\ncat 1 2\ncat 1 2\n')).toThrow(/^v\.txt:3: the word 'cat' has a second vector/);
    expect(() => read('3 2\ncat 1 2\n')).toThrow(/^v\.txt: the header promises 3 vectors but the file has 1/);
    expect(() => read('1 2\ncat 1 2\ndog 1 2\n')).toThrow(/^v\.txt:3: more vectors than the header's 1/);
    expect(() => read('1 2\ncat 1 2\n', () => false)).toThrow(/none of the corpus words/);
  });
});
