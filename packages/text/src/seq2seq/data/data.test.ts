import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextDataError } from '../../errors.js';
import { seq2seqBatches } from './batches.js';
import { encodePairs } from './encode-pairs.js';
import { readParallelJsonl, readParallelText } from './parallel-files.js';
import { parseParallelJsonl, parseParallelText } from './parallel-parse.js';

describe('parseParallelJsonl', () => {
  it('reads source/target, ignores other fields and blank lines', () => {
    const text = '{"source":"Open","target":"Öffnen","package":"x"}\n\n{"source":"Close","target":"Schließen"}\n\n';
    expect(parseParallelJsonl(text, 'a.jsonl')).toEqual({ sources: ['Open', 'Close'], targets: ['Öffnen', 'Schließen'] });
  });

  it('reads manpages-data pairs with document/query fields', () => {
    const text = '{"query":"ls - list","document":"List information about files."}\n';
    expect(parseParallelJsonl(text, 'pairs.jsonl', { sourceField: 'document', targetField: 'query' })).toEqual({
      sources: ['List information about files.'],
      targets: ['ls - list'],
    });
  });

  it('names file and 1-based line for bad JSON, missing, non-string or empty fields', () => {
    const ok = '{"source":"a","target":"b"}';
    expect(() => parseParallelJsonl(`${ok}\n{oops`, 'f.jsonl')).toThrow(/^f\.jsonl:2: not valid JSON/);
    expect(() => parseParallelJsonl(`${ok}\n[1]`, 'f.jsonl')).toThrow(/f\.jsonl:2: expected a JSON object/);
    expect(() => parseParallelJsonl(`${ok}\n\n{"source":"a"}`, 'f.jsonl')).toThrow(
      /f\.jsonl:3: no target field 'target' \(the line has: source\)/,
    );
    expect(() => parseParallelJsonl('{"query":"q","document":"d"}', 'p.jsonl')).toThrow(/p\.jsonl:1: .*manpages-data pairs/);
    expect(() => parseParallelJsonl('{"source":1,"target":"b"}', 'f.jsonl')).toThrow(/f\.jsonl:1: source field 'source' must be a string/);
    expect(() => parseParallelJsonl(`${ok}\n{"source":"a","target":"  "}`, 'f.jsonl')).toThrow(/f\.jsonl:2: empty target/);
    expect(() => parseParallelJsonl('\n\n', 'f.jsonl')).toThrow(/f\.jsonl: no pairs/);
    try {
      parseParallelJsonl(`${ok}\n{oops`, 'f.jsonl');
    } catch (e) {
      expect(e).toBeInstanceOf(TextDataError);
      expect((e as TextDataError).line).toBe(2);
    }
  });
});

describe('parseParallelText', () => {
  it('reads line-aligned files, tolerating a trailing newline / blank lines and CRLF', () => {
    expect(parseParallelText('a\r\nb\n', 'A\nB\n\n', 's.txt', 't.txt')).toEqual({ sources: ['a', 'b'], targets: ['A', 'B'] });
  });

  it('rejects mismatched counts naming both files and counts', () => {
    expect(() => parseParallelText('a\nb\nc\n', 'A\nB\n', 's.txt', 't.txt')).toThrow(
      /s\.txt: has 3 line\(s\) but the target file t\.txt has 2/,
    );
  });

  it('rejects an empty source or target line naming file and line', () => {
    expect(() => parseParallelText('a\n\nc\n', 'A\nB\nC\n', 's.txt', 't.txt')).toThrow(/^s\.txt:2: empty source line/);
    expect(() => parseParallelText('a\nb\nc\n', 'A\nB\n \nD', 's.txt', 't.txt')).toThrow(/has 3 line\(s\) but .* has 4/);
    expect(() => parseParallelText('a\nb\nc\nd', 'A\nB\n \nD', 's.txt', 't.txt')).toThrow(/^t\.txt:3: empty target line/);
    expect(() => parseParallelText('', '\n', 's.txt', 't.txt')).toThrow(/no pairs/);
  });
});

describe('readParallelJsonl / readParallelText', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'seq2seq-data-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('read files and name a missing one', async () => {
    const j = path.join(dir, 'train.jsonl');
    await writeFile(j, '{"source":"Open","target":"Öffnen"}\n');
    expect(readParallelJsonl(j).targets).toEqual(['Öffnen']);
    const s = path.join(dir, 's.txt');
    const t = path.join(dir, 't.txt');
    await writeFile(s, 'one\ntwo\n');
    await writeFile(t, 'eins\n');
    expect(() => readParallelText(s, t)).toThrow(/has 2 line\(s\) but the target file .*t\.txt has 1/);
    await writeFile(t, 'eins\nzwei\n');
    expect(readParallelText(s, t)).toEqual({ sources: ['one', 'two'], targets: ['eins', 'zwei'] });
    expect(() => readParallelJsonl(path.join(dir, 'none.jsonl'))).toThrow(/none\.jsonl: file not found/);
  });
});

describe('encodePairs', () => {
  const chars = { encode: (t: string) => [...t].map((c) => c.charCodeAt(0)) };
  it('truncates sources to maxSourceLength and targets to maxTargetLength − 1, counting cut rows', () => {
    const out = encodePairs(
      chars,
      { sources: ['abcdef', 'ab', 'abc'], targets: ['xy', 'uvwxyz', 'xyz'] },
      { maxSourceLength: 3, maxTargetLength: 4 },
    );
    expect(out.sources).toEqual([
      [97, 98, 99],
      [97, 98],
      [97, 98, 99],
    ]);
    expect(out.targets).toEqual([
      [120, 121],
      [117, 118, 119],
      [120, 121, 122],
    ]);
    expect(out.truncated).toBe(2);
  });
  it('validates options', () => {
    expect(() => encodePairs(chars, { sources: ['a'], targets: ['b'] }, { maxSourceLength: 0, maxTargetLength: 4 })).toThrow(
      /maxSourceLength/,
    );
    expect(() => encodePairs(chars, { sources: ['a'], targets: ['b'] }, { maxSourceLength: 2, maxTargetLength: 1 })).toThrow(
      /maxTargetLength/,
    );
    expect(() => encodePairs(chars, { sources: ['a'], targets: [] }, { maxSourceLength: 2, maxTargetLength: 3 })).toThrow(
      /1 sources but 0 targets/,
    );
  });
});

describe('seq2seqBatches', () => {
  const r = createRng(5);
  const n = 203;
  const encoded = {
    sources: Array.from({ length: n }, () => Array.from({ length: 1 + r.int(30) }, () => 4)),
    targets: Array.from({ length: n }, () => Array.from({ length: 1 + r.int(30) }, () => 4)),
  };
  const padding = (batches: number[][]): number =>
    batches.reduce((acc, b) => {
      const lens = b.map((i) => encoded.targets[i]!.length);
      return acc + b.length * Math.max(...lens) - lens.reduce((x, y) => x + y, 0);
    }, 0);

  it('covers every pair once, in batches of batchSize (last one shorter)', () => {
    const batches = seq2seqBatches(encoded, 16, createRng(1), { bucketBatches: 4 });
    const all = batches.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    // 203 = 3 full windows of 64 (4 batches each) + a window of 11.
    expect(batches.filter((b) => b.length !== 16).map((b) => b.length)).toEqual([11]);
    expect(batches).toHaveLength(13);
  });

  it('bucketing cuts target padding against unsorted batches of the same shuffle', () => {
    const bucketed = seq2seqBatches(encoded, 16, createRng(1));
    const order = Array.from(createRng(1).permutation(n));
    const plain: number[][] = [];
    for (let i = 0; i < n; i += 16) plain.push(order.slice(i, i + 16));
    expect(padding(bucketed)).toBeLessThan(padding(plain) * 0.3);
  });

  it('is seeded: same rng same batches, another seed other batches; no rng is deterministic order', () => {
    expect(seq2seqBatches(encoded, 8, createRng(2))).toEqual(seq2seqBatches(encoded, 8, createRng(2)));
    expect(seq2seqBatches(encoded, 8, createRng(2))).not.toEqual(seq2seqBatches(encoded, 8, createRng(3)));
    const fixed = seq2seqBatches(encoded, 8);
    expect(fixed).toEqual(seq2seqBatches(encoded, 8));
    expect(encoded.targets[fixed[0]![0]!]!.length).toBeLessThanOrEqual(encoded.targets[fixed[0]![7]!]!.length);
  });

  it('maxTargetTokens bounds pairs × the longest target + EOS of every batch, still covering every pair once', () => {
    const batches = seq2seqBatches(encoded, 16, createRng(1), { maxTargetTokens: 120 });
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    const cost = (b: number[]) => b.length * Math.max(...b.map((i) => encoded.targets[i]!.length + 1));
    for (const b of batches) expect(cost(b), String(b)).toBeLessThanOrEqual(120);
    expect(batches.some((b) => b.length === 16)).toBe(true); // short targets still fill whole batches
    expect(Math.min(...batches.map((b) => b.length))).toBeLessThan(8); // long ones come in small batches
    expect(seq2seqBatches(encoded, 16, createRng(1), { maxTargetTokens: 1 }).every((b) => b.length === 1)).toBe(true);
    expect(() => seq2seqBatches(encoded, 16, undefined, { maxTargetTokens: 0 })).toThrow(/maxTargetTokens/);
  });

  it('drops a final batch below minBatchSize and validates its arguments', () => {
    const tiny = { sources: [[1], [2], [3]], targets: [[1], [2], [3]] };
    expect(seq2seqBatches(tiny, 2, undefined, { minBatchSize: 2 })).toEqual([[0, 1]]);
    expect(() => seq2seqBatches(tiny, 0)).toThrow(/batchSize/);
    expect(() => seq2seqBatches(tiny, 2, undefined, { minBatchSize: 3 })).toThrow(/minBatchSize/);
    expect(() => seq2seqBatches({ sources: [[1]], targets: [] }, 2)).toThrow(/1 sources but 0 targets/);
  });
});
