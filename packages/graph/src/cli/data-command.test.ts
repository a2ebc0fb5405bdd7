import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineCli } from '@contrastive/core/cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WORDNET_FIXTURE } from '../datasets/test-utils/wordnet-fixture.js';
import { DATA_HELP, dataCommand, trainCommandFor } from './data-command.js';

// The command as the CLI runs it (usage errors → exit 2 with the message on stderr).
const cli = defineCli({
  tool: 'contrastive-graph',
  version: '0',
  summary: 'test',
  commands: { data: { summary: 'data', run: dataCommand } },
});

let root: string;
let wordnetDir: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'data-command-'));
  wordnetDir = path.join(root, 'wn');
  mkdirSync(wordnetDir);
  for (const [pos, text] of Object.entries(WORDNET_FIXTURE)) writeFileSync(path.join(wordnetDir, `data.${pos}`), `${text}\n`);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function runCli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('contrastive-graph data', () => {
  it('prints its help and each dataset help', async () => {
    const main = await runCli('data', '--help');
    expect(main.code).toBe(0);
    expect(main.out.join('\n')).toBe(DATA_HELP);
    const wn = await runCli('data', 'wordnet', '--help');
    expect(wn.out.join('\n')).toMatch(/--wordnet-dir DIR/);
    expect(wn.out.join('\n')).toMatch(/hypernym \(@\), instance-hypernym \(@i\) or similar-to \(&\)/);
    const man = await runCli('data', 'man', '--help');
    expect(man.out.join('\n')).toMatch(/--exclude-packages LIST/);
  });

  it('builds the WordNet graph folder and prints the summary and the train command', async () => {
    const out = path.join(root, 'out');
    const r = await runCli(
      'data',
      'wordnet',
      '--out',
      out,
      '--wordnet-dir',
      wordnetDir,
      '--min-class-size',
      '1',
      '--min-df',
      '1',
      '--max-df-fraction',
      '1',
      '--json',
    );
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out[0]!);
    expect(summary).toMatchObject({ dataset: 'wordnet', N: 10, E: 5, C: 6, isolated: 2, train: trainCommandFor(out) });
    expect(summary.F).toBeGreaterThan(10);
    expect(readFileSync(path.join(out, 'features.txt'), 'utf8')).toMatch(/^# sparse features: 10 nodes, \d+ features\n0 /);
    expect(JSON.parse(readFileSync(path.join(out, 'dataset.json'), 'utf8')).tfidf).toEqual({
      minDf: 1,
      maxDfFraction: 1,
      vocabularySize: 5000,
      sublinearTf: false,
    });
    expect(r.err.join('\n')).toMatch(/data\.noun: 4 synsets/);
  });

  it('refuses a non-empty --out without --overwrite before reading anything', async () => {
    const out = path.join(root, 'taken');
    mkdirSync(out);
    writeFileSync(path.join(out, 'keep.txt'), 'mine');
    const r = await runCli('data', 'wordnet', '--out', out, '--wordnet-dir', path.join(root, 'missing'));
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/--out .*taken is a non-empty folder; .* --overwrite/);
    expect(readFileSync(path.join(out, 'keep.txt'), 'utf8')).toBe('mine');
    const again = await runCli('data', 'wordnet', '--out', out, '--wordnet-dir', wordnetDir, '--min-class-size', '1', '--overwrite');
    expect(again.code).toBe(0);
    expect(existsSync(path.join(out, 'keep.txt'))).toBe(false);
    expect(again.out[0]).toMatch(/^wrote the wordnet graph to .*: N=10 nodes \(2 isolated\), E=5 edges, C=6 classes/);
    expect(again.out[1]).toBe(`train on it: ${trainCommandFor(out)}`);
  });

  it('names the mistake: no dataset, an unknown one, a bad flag value, a missing data file', async () => {
    expect((await runCli('data')).err[0]).toMatch(/data needs a dataset/);
    expect((await runCli('data', 'cora', '--out', root)).err[0]).toMatch(/unknown dataset 'cora'/);
    const bad = await runCli('data', 'wordnet', '--out', path.join(root, 'x'), '--max-df-fraction', '2');
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/--max-df-fraction/);
    const missing = await runCli('data', 'wordnet', '--out', path.join(root, 'y'), '--wordnet-dir', path.join(root, 'missing'));
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/missing\/data\.noun does not exist: install .*wordnet-base/);
    expect(existsSync(path.join(root, 'y'))).toBe(false);
  });

  it('quotes a path with spaces in the train command', () => {
    expect(trainCommandFor('my data')).toBe(
      "contrastive-graph train --method cg3 --edges 'my data/edges.txt' --labels 'my data/labels.txt' --features 'my data/features.txt'",
    );
  });
});
