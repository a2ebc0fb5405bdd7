import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { trainBpe } from './bpe-train.js';
import { metaspaceSegments, normalizeSeq2SeqText } from './normalize.js';
import { Seq2SeqTokenizer } from './seq2seq-tokenizer.js';
import { loadSeq2SeqTokenizer, saveSeq2SeqTokenizer } from './tokenizer-files.js';

const corpus = [
  'Datei „%s“ konnte nicht geöffnet werden.',
  'Die Datei wurde gespeichert.',
  'Could not open file "%s".',
  'The file was saved.',
  'Größe: 1024 Bytes (Überschreiben?)',
  'Size: 1024 bytes (overwrite?)',
  'Straße, Äpfel, Öl — über 3,5 % mehr!',
  'Street, apples, oil — over 3.5% more!',
  'Fehler beim Lesen der Datei: %d Zeilen übersprungen.',
  'Error reading the file: %d lines skipped.',
];

describe('Seq2SeqTokenizer', () => {
  const tok = Seq2SeqTokenizer.train([...corpus, ...corpus], { vocabSize: 200 });

  it('fixes the special ids and sizes the vocabulary', () => {
    expect([tok.padId, tok.bosId, tok.eosId, tok.unkId]).toEqual([0, 1, 2, 3]);
    expect(['[PAD]', '[BOS]', '[EOS]', '[UNK]'].map((_, i) => tok.idToPiece(i))).toEqual(['[PAD]', '[BOS]', '[EOS]', '[UNK]']);
    expect(tok.vocabSize).toBeGreaterThan(60);
    expect(tok.vocabSize).toBeLessThanOrEqual(200);
  });

  it('round-trips cased German and English text with umlauts, punctuation and digits', () => {
    const texts = [
      ...corpus,
      'Die Größe der Datei: 3 Bytes.',
      '  Über   die\tStraße \n (Fehler) ',
      'file, Datei: Öl (10 % über)!',
      'Datei datei Street street',
    ];
    for (const t of texts) {
      const ids = tok.encode(t);
      expect(ids).not.toContain(tok.unkId);
      expect(tok.decode(ids)).toBe(normalizeSeq2SeqText(t));
    }
    expect(tok.decode(tok.encode('  Über   die\tStraße \n (Fehler) '))).toBe('Über die Straße (Fehler)');
  });

  it('keeps case: different ids for Datei / datei / DATEI', () => {
    const [a, b, c] = ['Datei', 'datei', 'DATEI'].map((w) => tok.encode(w).join());
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('learns frequent words as single pieces and punctuation stays a separate piece', () => {
    expect(tok.tokenize('Datei.')).toEqual(['▁Datei', '.']);
    expect(tok.tokenize('Die Datei')).toEqual(['▁Die', '▁Datei']);
  });

  it('normalises NFD to NFC, so decomposed and precomposed umlauts encode alike', () => {
    expect(tok.encode('Gro\u0308ße')).toEqual(tok.encode('Größe'));
    expect(tok.decode(tok.encode('Gro\u0308ße'))).toBe('Größe');
  });

  it('maps only unseen characters to UNK, and decode drops them', () => {
    const ids = tok.encode('Datei 漢 ß€');
    expect(ids.filter((i) => i === tok.unkId)).toHaveLength(2); // 漢 and €
    expect(tok.decode(ids)).toBe('Datei  ß'); // the ▁ before 漢 stays
    expect(tok.encode('Datei ß').includes(tok.unkId)).toBe(false);
  });

  it('decode stops at EOS and drops PAD/BOS; rejects unknown ids', () => {
    const ids = tok.encode('Die Datei');
    expect(tok.decode([tok.bosId, ...ids, tok.eosId, ...tok.encode('Fehler'), tok.padId])).toBe('Die Datei');
    expect(tok.decode([])).toBe('');
    expect(tok.encode('   ')).toEqual([]);
    expect(() => tok.decode([tok.vocabSize])).toThrow(/outside the vocabulary/);
  });

  it('is deterministic and round-trips through JSON', () => {
    const again = Seq2SeqTokenizer.train([...corpus, ...corpus], { vocabSize: 200 });
    expect(again.toJSON()).toEqual(tok.toJSON());
    const back = Seq2SeqTokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
    for (const t of corpus) expect(back.encode(t)).toEqual(tok.encode(t));
    expect(back.vocabSize).toBe(tok.vocabSize);
  });

  it('fromJSON rejects malformed input naming the field', () => {
    const good = tok.toJSON();
    expect(() => Seq2SeqTokenizer.fromJSON(null)).toThrow(/expected an object/);
    expect(() => Seq2SeqTokenizer.fromJSON({ ...good, type: 'bpe' })).toThrow(/type/);
    expect(() => Seq2SeqTokenizer.fromJSON({ ...good, version: 2 })).toThrow(/version/);
    expect(() => Seq2SeqTokenizer.fromJSON({ ...good, vocab: ['[UNK]', ...good.vocab.slice(1)] })).toThrow(/vocab\[0\]/);
    expect(() => Seq2SeqTokenizer.fromJSON({ ...good, vocab: [...good.vocab, good.vocab[10]] })).toThrow(/duplicates/);
    expect(() => Seq2SeqTokenizer.fromJSON({ ...good, merges: [['x', 'y', 'z']] })).toThrow(/merges\[0\]/);
    expect(() => Seq2SeqTokenizer.fromJSON({ ...good, merges: [['▁Da', 'zzz']] })).toThrow(/not in vocab/);
  });

  it('validates training options and the corpus', () => {
    expect(() => Seq2SeqTokenizer.train(corpus, { vocabSize: 4 })).toThrow(/vocabSize/);
    expect(() => Seq2SeqTokenizer.train(corpus, { minFrequency: 0 })).toThrow(/minFrequency/);
    expect(() => Seq2SeqTokenizer.train(['', '  '])).toThrow(/no non-blank text/);
  });

  it('minCharFrequency turns rare characters into UNK', () => {
    const t = Seq2SeqTokenizer.train(['aaa bbb', 'aaa bbb', 'aaa x'], { vocabSize: 50, minCharFrequency: 2 });
    expect(t.encode('x')).toContain(t.unkId);
    expect(t.encode('aaa')).not.toContain(t.unkId);
  });
});

describe('metaspaceSegments', () => {
  it('prefixes words with ▁ and splits letter / digit / other runs', () => {
    expect(metaspaceSegments(' Datei „%s“:  3,5 GB.')).toEqual(['▁Datei', '▁„%', 's', '“:', '▁3', ',', '5', '▁GB', '.']);
    expect(metaspaceSegments('a\u2581b')).toEqual(['▁a', '▁b']);
  });
});

/** Naive BPE: recount every pair each round; ties by the smaller (left id, right id), as trainBpe. */
function naiveBpe(words: Map<string, number>, budget: number, minFrequency: number): [string, string][] {
  const cc = new Map<string, number>();
  for (const [w, c] of words) for (const ch of w) cc.set(ch, (cc.get(ch) ?? 0) + c);
  const syms = [...cc].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  const id = new Map(syms.map((s, i) => [s, i]));
  let seqs = [...words].map(([w, c]) => ({ s: [...w].map((ch) => id.get(ch)!), c }));
  const merges: [string, string][] = [];
  while (syms.length < budget) {
    const counts = new Map<string, number>();
    for (const { s, c } of seqs)
      for (let i = 0; i + 1 < s.length; i++) counts.set(`${s[i]},${s[i + 1]}`, (counts.get(`${s[i]},${s[i + 1]}`) ?? 0) + c);
    let best: [number, number] | null = null;
    let bc = 0;
    for (const [k, c] of counts) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      if (c > bc || (c === bc && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bc = c;
      }
    }
    if (!best || bc < minFrequency) break;
    const [a, b] = best;
    const nid = syms.length;
    syms.push(syms[a]! + syms[b]!);
    merges.push([syms[a]!, syms[b]!]);
    seqs = seqs.map(({ s, c }) => {
      const n: number[] = [];
      for (let i = 0; i < s.length; i++)
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          n.push(nid);
          i++;
        } else n.push(s[i]!);
      return { s: n, c };
    });
  }
  return merges;
}

describe('trainBpe', () => {
  it('with its incremental pair index learns the same merges as naive recounting (random corpora)', () => {
    for (let trial = 0; trial < 5; trial++) {
      const rng = createRng(trial);
      const words = new Map<string, number>();
      for (let i = 0; i < 60; i++) {
        const len = 1 + rng.int(7);
        let w = '▁';
        for (let j = 0; j < len; j++) w += 'aabbcde'[rng.int(7)];
        words.set(w, (words.get(w) ?? 0) + 1 + rng.int(5));
      }
      const fast = trainBpe(words, { budget: 40, minFrequency: 2, minCharFrequency: 1 });
      expect(fast.merges).toEqual(naiveBpe(words, 40, 2));
      expect(fast.merges.length).toBeGreaterThan(5);
    }
  });
});

describe('saveSeq2SeqTokenizer / loadSeq2SeqTokenizer', () => {
  it('writes tokenizer.json, loads it back, refuses to overwrite, names a bad file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'seq2seq-tok-'));
    try {
      const tok = Seq2SeqTokenizer.train(corpus, { vocabSize: 120 });
      const file = await saveSeq2SeqTokenizer(tok, path.join(dir, 'sub'));
      expect(file).toBe(path.join(dir, 'sub', 'tokenizer.json'));
      const back = await loadSeq2SeqTokenizer(path.join(dir, 'sub'));
      expect(back.toJSON()).toEqual(tok.toJSON());
      await expect(saveSeq2SeqTokenizer(tok, path.join(dir, 'sub'))).rejects.toThrow(/already exists/);
      await saveSeq2SeqTokenizer(tok, path.join(dir, 'sub'), { overwrite: true });
      expect(JSON.parse(await readFile(file, 'utf8')).type).toBe('seq2seq-bpe');
      await expect(loadSeq2SeqTokenizer(path.join(dir, 'none'))).rejects.toThrow(/none.tokenizer\.json: file not found/);
      await writeFile(file, '{"type":"seq2seq-bpe","version":1}');
      await expect(loadSeq2SeqTokenizer(path.join(dir, 'sub'))).rejects.toThrow(/tokenizer\.json: .*normalization/);
      await writeFile(file, '{oops');
      await expect(loadSeq2SeqTokenizer(path.join(dir, 'sub'))).rejects.toThrow(/not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
