import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { faultCase, faultTitle, folderSnapshot, useCpuLeakCheck } from '@contrastive/test-utils';
import { FAULT_CASES } from '../faults/cases.js';
import { FlatIndex } from '../vector-index/flat-index.js';
import { indexDelta } from './index-command.js';
import { main } from './main.js';

const title = (id: string): string => faultTitle(faultCase(FAULT_CASES, id));

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const PASSAGES = [
  'the cat sat on the warm mat',
  'a dog barked at the passing mail van',
  'stock markets fell sharply on monday',
  'the recipe needs two eggs and some flour',
  'rain is expected over the northern hills',
  'the violinist tuned her instrument before the concert',
  'engineers repaired the bridge over the river',
  'children built a sandcastle on the beach',
  'the old library closed its doors for good',
  'a comet was visible in the night sky',
];

/** Runs a command that must fail with `code`, its stderr matching `message`. */
async function fails(argv: string[], message: RegExp | string, code = 2): Promise<void> {
  const r = await run(argv);
  expect(r.err.join('\n')).toMatch(message);
  expect(r.code).toBe(code);
}

describe('contrastive-text index / search', () => {
  useCpuLeakCheck();
  let dir: string;
  let model: string;
  let other: string;
  let corpus: string;
  beforeAll(async () => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
    dir = mkdtempSync(path.join(os.tmpdir(), 'index-search-'));
    corpus = path.join(dir, 'corpus.txt');
    writeFileSync(corpus, `${PASSAGES.join('\n')}\n`);
    // Two tiny encoders (2 steps each, different seeds): the second must be refused by an index built with the first.
    for (const [name, seed] of [
      ['model', '0'],
      ['other', '1'],
    ] as const) {
      const r = await run([
        'train',
        '--method',
        'simcse',
        '--corpus',
        corpus,
        '--batch-size',
        '4',
        '--max-length',
        '16',
        '--steps-per-epoch',
        '2',
        '--seed',
        seed,
        '--out',
        path.join(dir, name),
        '--no-progress',
      ]);
      expect(r.code, r.err.join('\n')).toBe(0);
    }
    model = path.join(dir, 'model');
    other = path.join(dir, 'other');
  }, 120_000);
  afterEach(() => vi.restoreAllMocks());

  it('eval --hybrid scores the encoder alone exactly as without it, and BM25 + encoder fused', async () => {
    const pairs = path.join(dir, 'pairs.jsonl');
    writeFileSync(pairs, PASSAGES.map((p) => JSON.stringify({ query: p.split(' ').slice(0, 3).join(' '), document: p })).join('\n'));
    const plain = await run(['eval', '--checkpoint', model, '--pairs', pairs, '--json', '--no-progress']);
    const fused = await run(['eval', '--checkpoint', model, '--pairs', pairs, '--hybrid', 'rrf', '--json', '--no-progress']);
    expect(fused.code, fused.err.join('\n')).toBe(0);
    const a = JSON.parse(plain.out[0]!);
    const b = JSON.parse(fused.out[0]!);
    expect(b.metrics).toEqual(a.metrics);
    expect(b.baselines).toEqual(a.baselines);
    expect(Object.keys(b.hybrid).sort()).toEqual(['mrrAt10', 'recallAt1', 'recallAt10']);
    expect(b.hybrid.mrrAt10).toBeGreaterThanOrEqual(Math.min(a.metrics.mrrAt10, a.baselines.bm25.mrrAt10));
    const sts = path.join(dir, 'sts.tsv');
    writeFileSync(sts, 'a cat\ta dog\t1\nthe sun\tthe moon\t2\nrain\tsnow\t3\n');
    const bad = await run(['eval', '--checkpoint', model, '--pairs', sts, '--hybrid', 'rrf']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--hybrid applies to retrieval pairs/);
  });

  it('computes what --update must encode and remove', () => {
    const old = new Map([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(indexDelta(null, ['a', 'b'])).toEqual({ encode: [0, 1], remove: [] });
    expect(indexDelta(old, ['a', 'B'])).toEqual({ encode: [1], remove: [2] });
    expect(indexDelta(old, ['a', 'b', 'c', 'd'])).toEqual({ encode: [3], remove: [] });
  });

  for (const store of ['flat', 'usearch'] as const) {
    it(`${store}: indexes a corpus, finds each passage by its own text, and searches bm25 / hybrid`, async () => {
      const out = path.join(dir, `idx-${store}`);
      const r = await run(['index', '--checkpoint', model, '--corpus', corpus, '--out', out, '--store', store, '--json', '--no-progress']);
      expect(r.code, r.err.join('\n')).toBe(0);
      expect(JSON.parse(r.out[0]!)).toMatchObject({ store, count: 10, encoded: 10, removed: 0, dim: 128 });
      const meta = JSON.parse(readFileSync(path.join(out, 'search.json'), 'utf8'));
      expect(meta).toMatchObject({ store, count: 10, dim: 128, encoder: { location: model } });
      expect(meta.encoder.fingerprint).toMatch(/^sha256:[0-9a-f]{32}$/);
      const queries = path.join(dir, 'queries.txt');
      writeFileSync(queries, `${PASSAGES.slice(0, 4).join('\n')}\n`);
      const s = await run(['search', '--index', out, '--queries', queries, '--k', '3', '--no-progress']);
      expect(s.code, s.err.join('\n')).toBe(0);
      const results = s.out.map((l) => JSON.parse(l));
      expect(results).toHaveLength(4);
      results.forEach((res, i) => {
        expect(res.query).toBe(PASSAGES[i]);
        expect(res.hits).toHaveLength(3);
        expect(res.hits[0]).toMatchObject({ key: i, text: PASSAGES[i] });
        expect(res.hits[0].score).toBeCloseTo(1, 4);
      });
      const bm25 = JSON.parse((await run(['search', '--index', out, '--query', 'eggs and flour', '--mode', 'bm25'])).out[0]!);
      expect(bm25.hits[0]).toMatchObject({ key: 3 });
      const hybrid = JSON.parse((await run(['search', '--index', out, '--query', PASSAGES[6]!, '--mode', 'hybrid', '--k', '2'])).out[0]!);
      expect(hybrid.hits[0]).toMatchObject({ key: 6 }); // first on both sides, so first fused
      expect(hybrid.hits).toHaveLength(2);
    });
  }

  it('--update re-encodes only new and changed passages and removes those gone', async () => {
    const out = path.join(dir, 'idx-update');
    expect((await run(['index', '--checkpoint', model, '--corpus', corpus, '--out', out, '--store', 'flat', '--no-progress'])).code).toBe(
      0,
    );
    const changed = path.join(dir, 'changed.txt');
    writeFileSync(changed, `${[...PASSAGES.slice(0, 7), 'a brand new passage about gardens'].join('\n')}\n`);
    const r = await run(['index', '--corpus', changed, '--out', out, '--update', '--json', '--no-progress']);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(JSON.parse(r.out[0]!)).toMatchObject({ count: 8, encoded: 1, removed: 2 });
    const hit = JSON.parse((await run(['search', '--index', out, '--query', 'a brand new passage about gardens', '--k', '1'])).out[0]!);
    expect(hit.hits[0]).toMatchObject({ key: 7, text: 'a brand new passage about gardens' });
  });

  it(title('text/index-other-encoder'), async () => {
    const out = path.join(dir, 'idx-other');
    expect((await run(['index', '--checkpoint', model, '--corpus', corpus, '--out', out, '--store', 'flat', '--no-progress'])).code).toBe(
      0,
    );
    const changed = path.join(dir, 'changed-other.txt');
    writeFileSync(changed, `${PASSAGES.slice(0, 5).join('\n')}\n`);
    const before = await folderSnapshot(out);
    await fails(['index', '--checkpoint', other, '--corpus', changed, '--out', out, '--update'], /is not the encoder .* was built with/);
    await fails(['search', '--index', out, '--checkpoint', other, '--query', 'gardens'], /is not the encoder .* was built with/);
    await fails(
      ['index', '--corpus', changed, '--out', out, '--update', '--store', 'usearch'],
      /is a flat index \(--update keeps its store\)/,
    );
    expect(await folderSnapshot(out)).toEqual(before);
  });

  it(title('text/index-not-an-index'), async () => {
    const mine = path.join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(path.join(mine, 'notes.txt'), 'keep me');
    await fails(['index', '--checkpoint', model, '--corpus', corpus, '--out', mine], /is not empty/);
    await fails(
      ['index', '--checkpoint', model, '--corpus', corpus, '--out', mine, '--overwrite'],
      /is not an index folder .* refusing to replace it even with --overwrite/,
    );
    expect(readFileSync(path.join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
    await fails(['index', '--corpus', corpus, '--out', path.join(dir, 'none'), '--update'], /has no search\.json/);
  });

  it(title('text/index-failed-write'), async () => {
    const out = path.join(dir, 'idx-fail');
    expect((await run(['index', '--checkpoint', model, '--corpus', corpus, '--out', out, '--store', 'flat', '--no-progress'])).code).toBe(
      0,
    );
    const before = await folderSnapshot(out);
    vi.spyOn(FlatIndex.prototype, 'add').mockRejectedValue(new Error('disk on fire'));
    await fails(['index', '--checkpoint', model, '--corpus', corpus, '--out', out, '--store', 'flat', '--overwrite'], 'disk on fire', 1);
    expect(await folderSnapshot(out)).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
    expect(existsSync(path.join(out, 'search.json'))).toBe(true);
  });
});
