import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { captureIo, folderSnapshot, useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

const TOPICS = [
  'deflate data streams',
  'list folder entries',
  'copy a tree of files',
  'search text for patterns',
  'change owners of files',
  'print a calendar',
];

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.lines, err: io.errs };
}

describe('contrastive-text manpages-data', () => {
  const tmp = useTempDir('manpages-cli-');
  let man: string;
  let dpkg: string;
  beforeAll(() => {
    man = tmp('man');
    dpkg = tmp('dpkg');
    mkdirSync(path.join(man, 'man1'), { recursive: true });
    mkdirSync(path.join(man, 'man7'), { recursive: true });
    mkdirSync(path.join(dpkg, 'info'), { recursive: true });
    TOPICS.forEach((t, i) => {
      const sec = i < 4 ? '1' : '7';
      writeFileSync(
        path.join(man, `man${sec}`, `tool${i}.${sec}.gz`),
        gzipSync(
          `.TH TOOL${i} ${sec}\n.SH NAME\ntool${i} \\- ${t}\n.SH DESCRIPTION\n\\fBtool${i}\\fR can ${t} for you, quickly and without asking twice.\n`,
        ),
      );
    });
    writeFileSync(
      path.join(dpkg, 'info', 'tools.list'),
      `${TOPICS.map((_, i) => path.join(man, `man${i < 4 ? 1 : 7}`, `tool${i}.${i < 4 ? 1 : 7}.gz`)).join('\n')}\n`,
    );
    writeFileSync(path.join(dpkg, 'status'), 'Package: tools\nStatus: install ok installed\nVersion: 1.2-3\n');
  });

  const base = (): string[] => ['manpages-data', '--man-dir', man, '--dpkg-dir', dpkg, '--eval-size', '2'];

  it('has help in the CLI and in the command', async () => {
    expect((await run(['--help'])).out.join('\n')).toMatch(/manpages-data/);
    const h = await run(['manpages-data', '--help']);
    expect(h.code).toBe(0);
    expect(h.out.join('\n')).toMatch(/--sections LIST[\s\S]*--overwrite/);
  });

  it('writes the dataset and reports it; --json prints the manifest', async () => {
    const out = tmp('ds');
    const r = await run([...base(), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^wrote 2 held-out pairs, 4 training pairs, 8 corpus lines and 4 triplets from 6 parsed pages of 1 packages/);
    expect(r.err.join('\n')).toMatch(/reading 4 files/);
    expect(readFileSync(path.join(out, 'pairs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readFileSync(path.join(out, 'packages.txt'), 'utf8')).toMatch(/^tools\t1\.2-3\t6\t2\t4$/m);
    const j = await run([
      'manpages-data',
      '--man-dir',
      man,
      '--dpkg-dir',
      dpkg,
      '--eval-size',
      '1',
      '--sections',
      '1',
      '--out',
      tmp('ds-json'),
      '--json',
      '--negatives',
      'random',
    ]);
    expect(j.code).toBe(0);
    const m = JSON.parse(j.out[0]!) as { counts: { pagesParsed: number }; sections: Record<string, number>; negatives: string };
    expect(m.counts.pagesParsed).toBe(4);
    expect(m.sections).toEqual({ '1': 4 });
    expect(m.negatives).toBe('random');
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
    expect((await run([...base(), '--out', out, '--overwrite'])).code).toBe(0);
    expect(readFileSync(path.join(out, 'mine.txt'), 'utf8')).toBe('keep me');
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({ evalSize: 2, seed: 0 });
  });

  it('reports usage mistakes with exit code 2 and data problems with exit code 1', async () => {
    writeFileSync(tmp('a-file'), 'x');
    const cases: [string[], number, RegExp][] = [
      [['manpages-data'], 2, /--out is required/],
      [[...base(), '--out', tmp('a-file')], 2, /is a file, not a folder/],
      [[...base(), '--out', tmp('x1'), '--sections', '1,'], 2, /--sections must be a comma-separated list/],
      [[...base(), '--out', tmp('x2'), '--negatives', 'hard'], 2, /--negatives must be one of bm25, random/],
      [[...base(), '--out', tmp('x3'), '--eval-size', '0'], 2, /--eval-size must be an integer >= 1/],
      [[...base(), '--out', tmp('x4'), '--sections', '9'], 1, /no man9 folder/],
      [[...base(), '--out', tmp('x5'), '--eval-size', '5'], 1, /6 page groups are too few for evalSize 5/],
      [['manpages-data', '--out', tmp('x6'), '--man-dir', tmp('nowhere')], 1, /manual folder not found/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.err.join('\n'), argv.join(' ')).toMatch(message);
    }
  });
});
