import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { main } from '../cli/main.js';

const fixtures = decodeURIComponent(new URL('../__fixtures__/', import.meta.url).pathname);
const onnxDir = path.join(fixtures, 'tiny-bert-onnx');
const ref = JSON.parse(readFileSync(path.join(onnxDir, 'reference.json'), 'utf8')) as {
  cases: { text: string; truncated: boolean; meanNormalized: number[] }[];
};

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const errors: string[] = [];
  // Anything written to the process's stderr directly (not through the CLI's io) is caught too.
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => {
    errors.push(String(s));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => errors.push(`${l}\n`) });
    return { code, out, err: errors.join('') };
  } finally {
    process.stderr.write = orig;
  }
}

describe('contrastive-text encode/eval with a frozen ONNX folder', () => {
  let tmp = '';
  useCpuLeakCheck();
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'cli-onnx-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('encode runs onnx/model.onnx and matches the PyTorch reference', async () => {
    // Untruncated cases only: the CLI uses the model's full 24-token window, the fixture 16 tokens.
    const cases = ref.cases.filter((c) => !c.truncated);
    const input = path.join(tmp, 'texts.txt');
    writeFileSync(input, `${cases.map((c) => c.text).join('\n')}\n`);
    const r = await run(['encode', '--checkpoint', onnxDir, '--input', input, '--pooling', 'mean', '--batch-size', '2']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(cases.length);
    r.out.forEach((line, i) => {
      const { text, embedding } = JSON.parse(line) as { text: string; embedding: number[] };
      expect(text).toBe(cases[i]!.text);
      const worst = Math.max(...embedding.map((v, k) => Math.abs(v - cases[i]!.meanNormalized[k]!)));
      expect(worst).toBeLessThan(1e-4);
    });
    expect((await run(['encode', '--help'])).out.join('\n')).toMatch(/onnx\/model\.onnx/);
  });

  it('eval reports runtime onnx next to BM25, and bad runtime choices fail clearly', async () => {
    const pairs = path.join(tmp, 'pairs.jsonl');
    const docs = ref.cases.map((c) => c.text);
    writeFileSync(pairs, docs.map((d) => JSON.stringify({ query: d.split(' ').slice(0, 2).join(' '), document: d })).join('\n'));
    const r = await run(['eval', '--checkpoint', onnxDir, '--pairs', pairs, '--pooling', 'mean', '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out.at(-1)!);
    expect(summary).toMatchObject({ task: 'retrieval', runtime: 'onnx', backend: 'onnxruntime-node' });
    expect(Object.keys(summary.metrics).sort()).toEqual(['mrrAt10', 'recallAt1', 'recallAt10']);
    expect(Object.keys(summary.baselines.bm25).sort()).toEqual(['mrrAt10', 'recallAt1', 'recallAt10']);
    expect(summary.metrics.recallAt10).toBe(1); // 7 documents: every gold one is in the top 10
    const tfjsDir = path.join(fixtures, 'tiny-bert');
    const bad = await run(['eval', '--checkpoint', tfjsDir, '--runtime', 'onnx', '--pairs', pairs]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/tiny-bert has no onnx\/model\.onnx/);
    const input = path.join(tmp, 'one.txt');
    writeFileSync(input, 'the cat\n');
    const usage = await run(['encode', '--checkpoint', onnxDir, '--input', input, '--runtime', 'torch']);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--runtime must be one of auto, tfjs, onnx, use-lite, got 'torch'/);
  });
});
