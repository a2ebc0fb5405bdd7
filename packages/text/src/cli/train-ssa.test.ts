import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRng } from '@contrastive/core';
import { defineCli, type RunSummary } from '@contrastive/core/cli';
import { captureIo, useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { ssaMethodOf, trainSsaCommand } from './train-ssa.js';

// The lead registers trainSsaCommand under `train`; the test builds the same one-command CLI (usage errors → exit 2).
const cli = defineCli({
  tool: 'contrastive-text',
  version: '0',
  summary: 'test',
  commands: { train: { summary: 'ssa', run: trainSsaCommand } },
});

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = captureIo();
  const code = await cli(['train', ...argv], io);
  return { code, out: io.lines, err: io.errs };
}

/** Three topics with disjoint vocabularies plus shared filler words; the label is the topic. */
function rows(n: number, seed: number): string {
  const rng = createRng(seed);
  const topics: Record<string, string[]> = {
    'use::gameplaying': ['game', 'play', 'level', 'puzzle', 'arcade', 'player', 'score'],
    'use::converting': ['convert', 'format', 'file', 'image', 'encode', 'output', 'codec'],
    'use::monitor': ['monitor', 'system', 'cpu', 'load', 'network', 'status', 'alert'],
  };
  const filler = ['the', 'a', 'and', 'with', 'tool'];
  const labels = Object.keys(topics);
  return Array.from({ length: n }, (_, i) => {
    const label = labels[i % 3]!;
    const words = Array.from({ length: 6 + rng.int(4) }, () => (rng.uniform() < 0.25 ? filler[rng.int(5)]! : topics[label]![rng.int(7)]!));
    return `${JSON.stringify({ text: words.join(' '), aspect: label, package: `p${i}` })}\n`;
  }).join('');
}

describe('contrastive-text train --method ssa|ssa-mean|kmeans', () => {
  const root = useTempDir('train-ssa-');
  const tmp = (name: string): string => {
    const d = root(name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  let data = '';
  const small = [
    '--aspects',
    '4',
    '--dim',
    '16',
    '--min-count',
    '2',
    '--w2v-epochs',
    '20',
    '--kmeans-init',
    '2',
    '--no-progress',
    '--json',
  ];
  beforeAll(() => {
    data = tmp('data');
    writeFileSync(path.join(data, 'train.jsonl'), rows(90, 1));
    writeFileSync(path.join(data, 'test.jsonl'), rows(30, 2));
  });

  it('finds the method in argv and has help', async () => {
    expect(ssaMethodOf(['--data', 'x', '--method', 'ssa-mean'])).toBe('ssa-mean');
    expect(ssaMethodOf(['--method=kmeans'])).toBe('kmeans');
    expect(ssaMethodOf(['--method', 'simcse'])).toBeUndefined();
    const h = await run(['--method', 'ssa', '--help']);
    expect(h.code).toBe(0);
    expect(h.out.join('\n')).toMatch(/--mapping FILE[\s\S]*--warmup-steps N/);
  });

  it('ssa: trains, writes the run folder (model, aspects.txt, mapping, predictions) and scores the test file', async () => {
    const out = path.join(tmp('runs'), 'ssa');
    const r = await run([
      '--method',
      'ssa',
      '--data',
      data,
      '--out',
      out,
      '--epochs',
      '3',
      '--schedule',
      'constant',
      '--lr',
      '0.02',
      '--warmup-steps',
      '5',
      '--batch-size',
      '10',
      ...small,
    ]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const summary = JSON.parse(r.out.at(-1)!) as RunSummary;
    expect(summary.method).toBe('ssa');
    expect(summary.steps).toBe(27);
    expect(summary.metrics.testSentences).toBe(30);
    // The summary's accuracy is the one of predictions.jsonl (scored against the test file's labels).
    const preds = readFileSync(path.join(out, 'predictions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { gold: string; pred: string });
    expect(preds).toHaveLength(30);
    expect(summary.metrics.accuracy).toBeCloseTo(preds.filter((p) => p.gold === p.pred).length / 30, 3);
    expect(summary.finalLoss!).toBeLessThan(JSON.parse(readFileSync(path.join(out, 'losses.csv'), 'utf8').split('\n')[1]!.split(',')[1]!));
    expect(summary.baselines.majorityLabel!.accuracy).toBeCloseTo(1 / 3, 3);
    expect(summary.baselines.untrained).toBeDefined();
    const aspects = readFileSync(path.join(out, 'aspects.txt'), 'utf8').trim().split('\n');
    expect(aspects).toHaveLength(4);
    expect(aspects[0]).toMatch(/^1\t\S+\t(\S+ ){9}\S+$/);
    expect(readFileSync(path.join(out, 'aspect_mapping.txt'), 'utf8').trim().split('\n')).toHaveLength(4);
    for (const f of ['model/checkpoint.json', 'model/vocab.txt', 'losses.csv', 'summary.json', 'run.json'])
      expect(existsSync(path.join(out, f)), f).toBe(true);
    // A second run into the same folder is refused without --overwrite.
    const again = await run(['--method', 'ssa', '--data', data, '--out', out, '--epochs', '1', ...small]);
    expect(again.code).toBe(2);
    expect(again.err.join('\n')).toMatch(/--overwrite/);

    // A human mapping file (here: the automatic one edited) is read and used.
    const mapping = path.join(tmp('map'), 'mapping.txt');
    writeFileSync(mapping, readFileSync(path.join(out, 'aspect_mapping.txt'), 'utf8').replace(/^1 \S+/, '1 nomap'));
    const m = await run([
      '--method',
      'ssa-mean',
      '--data',
      data,
      '--out',
      path.join(tmp('runs'), 'mean'),
      '--steps',
      '4',
      '--mapping',
      mapping,
      ...small,
    ]);
    expect(m.code, m.err.join('\n')).toBe(0);
    const ms = JSON.parse(m.out.at(-1)!) as RunSummary;
    expect(ms.steps).toBe(4);
    expect(ms.metrics.mapping).toBe(`file ${mapping}`);
  });

  it('--distill: trains the SSCLS student on frozen USE-lite and scores it', async () => {
    const out = path.join(tmp('runs'), 'distill');
    const mapping = path.join(tmp('map'), 'three.txt');
    writeFileSync(mapping, '1 use::gameplaying\n2 use::converting\n3 use::monitor\n4 nomap\n');
    const r = await run([
      '--method',
      'ssa',
      '--data',
      data,
      '--out',
      out,
      '--mapping',
      mapping,
      '--epochs',
      '2',
      '--schedule',
      'constant',
      '--lr',
      '0.02',
      '--batch-size',
      '10',
      '--distill',
      '--thresh-aspect',
      '10',
      '--distill-epochs',
      '3',
      ...small,
    ]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const m = (JSON.parse(r.out.at(-1)!) as RunSummary).metrics;
    expect(m.studentKept).toBe(90);
    expect(m.studentSteps).toBe(27);
    expect(m.studentAccuracy as number).toBeGreaterThanOrEqual(0);
    expect(m.studentMacroF1 as number).toBeLessThanOrEqual(1);
    expect(existsSync(path.join(out, 'student', 'checkpoint.json'))).toBe(true);
    // A filter nothing passes trains no student and says so.
    const none = await run([
      '--method',
      'ssa-mean',
      '--data',
      data,
      '--out',
      path.join(tmp('runs'), 'd0'),
      '--steps',
      '2',
      '--distill',
      '--thresh-aspect',
      '0',
      ...small,
    ]);
    expect(none.code, none.err.join('\n')).toBe(0);
    expect((JSON.parse(none.out.at(-1)!) as RunSummary).notes!.join(' ')).toMatch(/only 0 training sentences pass the entropy filter/);
    expect((await run(['--method', 'kmeans', '--data', data, '--out', out, '--distill'])).err.join('\n')).toMatch(
      /--distill needs an SSCL teacher/,
    );
    expect((await run(['--method', 'ssa', '--data', data, '--out', out, '--use-lite', 'x'])).err.join('\n')).toMatch(
      /--use-lite needs --distill/,
    );
  }, 60_000);

  it('ssa --workers 2: whole replicas (the step is not split), the one-thread loss and scores, workers in the summary', async () => {
    const ssa = (workers: string) =>
      run([
        '--method',
        'ssa',
        '--data',
        data,
        '--out',
        path.join(tmp('runs'), `ssa-workers-${workers}`),
        '--epochs',
        '2',
        '--schedule',
        'constant',
        '--lr',
        '0.02',
        '--warmup-steps',
        '5',
        '--batch-size',
        '10',
        '--workers',
        workers,
        ...small,
      ]);
    const two = await ssa('2');
    expect(two.code, two.err.join('\n')).toBe(0);
    expect(two.err.join('\n')).toMatch(/data-parallel: 2 workers \(each computes the whole step/);
    const one = await ssa('1');
    expect(one.code, one.err.join('\n')).toBe(0);
    const s2 = JSON.parse(two.out.at(-1)!) as RunSummary;
    const s1 = JSON.parse(one.out.at(-1)!) as RunSummary;
    expect(s2.workers).toBe(2);
    expect(s1.workers).toBeUndefined();
    expect(Math.abs(s2.finalLoss! - s1.finalLoss!)).toBeLessThan(1e-4);
    expect(s2.metrics.accuracy).toBe(s1.metrics.accuracy);
  });

  it('kmeans: clusters sentence means without training', async () => {
    const out = path.join(tmp('runs'), 'km');
    const r = await run(['--method', 'kmeans', '--data', data, '--out', out, ...small]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const summary = JSON.parse(r.out.at(-1)!) as RunSummary;
    expect(summary.steps).toBe(0);
    expect(summary.metrics.accuracy as number).toBeGreaterThan(0.5);
    expect((await run(['--method', 'kmeans', '--data', data, '--out', out, '--steps', '3', ...small])).err.join('\n')).toMatch(
      /--steps does not apply/,
    );
  });

  it('bad input: errors name the file and line, the flag, and nothing is written', async () => {
    const bad = tmp('bad');
    writeFileSync(path.join(bad, 'train.jsonl'), `${rows(3, 1)}{"text": "x"}\n`);
    writeFileSync(path.join(bad, 'test.jsonl'), rows(3, 2));
    const out = path.join(tmp('runs'), 'bad');
    const r = await run(['--method', 'ssa', '--data', bad, '--out', out, ...small]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain(`${path.join(bad, 'train.jsonl')}:4: "aspect" must be a non-empty string`);
    expect(existsSync(out)).toBe(false);
    const mapping = path.join(bad, 'm.txt');
    writeFileSync(mapping, '1 a\n2 b\n');
    const m = await run(['--method', 'ssa', '--data', data, '--out', out, '--mapping', mapping, ...small]);
    expect(m.code).toBe(2);
    expect(m.err.join('\n')).toContain(`${mapping}: maps 2 aspects but the model has 4`);
    expect((await run(['--method', 'ssa', '--out', out])).err.join('\n')).toMatch(/--data DIR/);
    expect((await run(['--method', 'ssa', '--data', data, '--lr', '0.1', '--out', out])).err.join('\n')).toMatch(/--schedule constant/);
  });
});
