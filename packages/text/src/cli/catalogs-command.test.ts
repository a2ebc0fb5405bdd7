import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureIo, folderSnapshot, useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCatalogsTree } from '../data/test-utils/catalogs-tree.js';
import { main } from './main.js';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.lines, err: io.errs };
}

describe('contrastive-text catalogs-data', () => {
  const tmp = useTempDir('catalogs-cli-');
  let locale: string;
  let dpkg: string;
  beforeAll(() => {
    ({ locale, dpkg } = writeCatalogsTree(tmp('tree')));
  });
  const base = (): string[] => ['catalogs-data', '--lang', 'de', '--locale-dir', locale, '--dpkg-dir', dpkg];

  it('has help in the CLI and in the command', async () => {
    expect((await run(['--help'])).out.join('\n')).toMatch(/catalogs-data/);
    const h = await run(['catalogs-data', '--help']);
    expect(h.code).toBe(0);
    expect(h.out.join('\n')).toMatch(/--lang LANG[\s\S]*--packages-file FILE[\s\S]*--eval-packages N[\s\S]*--overwrite/);
  });

  it('writes the dataset folder and reports it; --json prints the manifest; packages.txt rebuilds it', async () => {
    const out = tmp('ds');
    const r = await run([...base(), '--out', out, '--eval-packages', '2', '--seed', '5']);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(
      /^wrote \d+ training pairs \(4 packages\) and \d+ held-out pairs \(2 packages, [\d.]+ %\) from 82 messages in 6 catalogs to /,
    );
    expect(r.err.join('\n')).toMatch(/reading 9 files/);
    expect(r.err.join('\n')).toMatch(/warning: 1 corrupt catalogs skipped/);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'manifest.json', 'packages.txt', 'provenance.tsv', 'test.jsonl', 'train.jsonl']);
    const again = tmp('ds-again');
    const j = await run([...base(), '--out', again, '--packages-file', path.join(out, 'packages.txt'), '--json']);
    expect(j.code).toBe(0);
    const m = JSON.parse(j.out[0]!) as { counts: { pairs: number }; split: { mode: string }; out: string };
    expect(m).toMatchObject({ counts: { pairs: 76 }, split: { mode: 'packages-file' }, out: again });
    for (const f of ['train.jsonl', 'test.jsonl', 'packages.txt']) {
      expect(readFileSync(path.join(again, f), 'utf8'), f).toBe(readFileSync(path.join(out, f), 'utf8'));
    }
  });

  it('refuses a non-empty --out without --overwrite and leaves it untouched; --overwrite keeps other files', async () => {
    const out = tmp('busy');
    mkdirSync(out);
    writeFileSync(path.join(out, 'mine.txt'), 'keep me');
    const before = await folderSnapshot(out);
    const r = await run([...base(), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/non-empty folder; choose another --out or pass --overwrite/);
    expect(await folderSnapshot(out)).toEqual(before);
    expect((await run([...base(), '--out', out, '--overwrite', '--seed', '4'])).code).toBe(0);
    expect(readFileSync(path.join(out, 'mine.txt'), 'utf8')).toBe('keep me');
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({ seed: 4, lang: 'de' });
  });

  it('reports usage mistakes with exit code 2 and data problems with exit code 1, writing nothing', async () => {
    writeFileSync(tmp('a-file'), 'x');
    writeFileSync(tmp('one.txt'), 'alpha\n');
    const cases: [string[], number, RegExp][] = [
      [['catalogs-data', '--out', tmp('x0')], 2, /--lang is required/],
      [
        [...base(), '--out', tmp('x1'), '--lang', 'xx'],
        2,
        /--lang xx: \S+xx\/LC_MESSAGES holds no \.mo catalog; languages with catalogs under \S+: de, de_CH, fr/,
      ],
      [[...base(), '--out', tmp('x2'), '--lang', '../de'], 2, /--lang must be a locale folder name/],
      [
        ['catalogs-data', '--lang', 'de', '--out', tmp('x3'), '--locale-dir', tmp('nowhere')],
        2,
        /--locale-dir \S+nowhere: locale folder not found/,
      ],
      [[...base(), '--out', tmp('x4'), '--eval-size', '5', '--eval-packages', '1'], 2, /give --eval-packages or --eval-size, not both/],
      [[...base(), '--out', tmp('a-file')], 2, /is a file, not a folder/],
      [[...base(), '--out', tmp('x5'), '--plurals', 'all'], 2, /--plurals must be one of singular, skip/],
      [[...base(), '--out', tmp('x6'), '--eval-packages', '9'], 1, /evalPackages must be an integer from 1 to 5/],
      [[...base(), '--out', tmp('x7'), '--packages-file', tmp('one.txt')], 1, /1 package\(s\) with pairs/],
      [[...base(), '--out', tmp('x8'), '--packages-file', tmp('missing.txt')], 1, /missing\.txt: package list not found/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.err.join('\n'), argv.join(' ')).toMatch(message);
    }
    expect(readdirSync(tmp()).filter((f) => /^x\d|^\.x\d/.test(f))).toEqual([]);
  });
});
