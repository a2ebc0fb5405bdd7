import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureIo, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

const FIX = fileURLToPath(new URL('../__fixtures__/debtags/', import.meta.url));

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.lines, err: io.errs };
}

describe('contrastive-text debtags-data', () => {
  const tmp = useTempDir('debtags-cli-');
  const base = (): string[] => [
    'debtags-data',
    '--packages-file',
    path.join(FIX, 'Packages'),
    '--translations-file',
    path.join(FIX, 'Translation-en'),
    '--vocabulary',
    path.join(FIX, 'vocabulary'),
    '--min-per-aspect',
    '2',
  ];

  it('has help in the CLI and in the command', async () => {
    expect((await run(['--help'])).out.join('\n')).toMatch(/debtags-data/);
    const h = await run(['debtags-data', '--help']);
    expect(h.code).toBe(0);
    expect(h.out.join('\n')).toMatch(/--facet NAME[\s\S]*--min-per-aspect N[\s\S]*--eval-size N[\s\S]*--overwrite/);
  });

  it('writes the dataset folder, reports it, and refuses to overwrite without --overwrite', async () => {
    const out = tmp('ds');
    const r = await run([...base(), '--out', out, '--eval-size', '2']);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(
      /^wrote 4 training and 2 held-out descriptions over 2 aspects of use \(1 multi-label apart\) from 13 packages to /,
    );
    expect(r.err.join('\n')).toMatch(/read 13 packages \(12 tagged\) from 1 Packages and 1 Translation-en/);
    expect(readdirSync(out).sort()).toEqual([
      'README.md',
      'aspects.tsv',
      'manifest.json',
      'multi-label.jsonl',
      'test.jsonl',
      'train.jsonl',
    ]);
    const before = readFileSync(path.join(out, 'test.jsonl'), 'utf8');
    const refused = await run([...base(), '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.err.join('\n')).toMatch(/non-empty folder; choose another --out or pass --overwrite/);
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const again = await run([...base(), '--out', out, '--overwrite', '--seed', '7', '--json']);
    expect(again.code).toBe(0);
    const m = JSON.parse(again.out[0]!);
    expect(m).toMatchObject({ seed: 7, facets: ['use'], minPerAspect: 2, counts: { train: 4, test: 2 } });
    expect(readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).seed).toBe(7);
    expect(before.length).toBeGreaterThan(0);
  });

  it('names the flag in its errors', async () => {
    const out = tmp('bad');
    const rare = await run([...base().slice(0, -2), '--min-per-aspect', '9', '--out', out]);
    expect(rare.code).toBe(2);
    expect(rare.err.join('\n')).toMatch(/no aspect of facet\(s\) use has 9 or more packages/);
    const big = await run([...base(), '--eval-size', '5', '--out', out]);
    expect(big.code).toBe(2);
    expect(big.err.join('\n')).toMatch(/--eval-size must be an integer between 2 and 4/);
    const facet = await run([...base(), '--facet', 'Use!', '--out', out]);
    expect(facet.code).toBe(2);
    expect(facet.err.join('\n')).toMatch(/--facet: 'Use!' is not a debtags facet name/);
    const file = path.join(out, 'x');
    mkdirSync(out, { recursive: true });
    writeFileSync(file, '');
    expect((await run([...base(), '--out', file])).err.join('\n')).toMatch(/is a file, not a folder/);
  });
});
