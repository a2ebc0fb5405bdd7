import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { folderSnapshot, useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { run } from './main.js';
import { io } from './test-utils/io.js';

useCpuLeakCheck();
const tmp = useTempDir('vision-data-cli-');

describe('contrastive-vision data words', () => {
  it('builds a tiny dataset with the font catalogue less --exclude-fonts and prints its summary as JSON', async () => {
    const out = tmp('words');
    const c = io();
    const argv = [
      'data',
      'words',
      '--out',
      out,
      '--words',
      '10',
      '--images-per-word',
      '1',
      '--height',
      '16',
      '--width',
      '48',
      '--seed',
      '3',
      '--exclude-fonts',
      'femkeklaver,dkg-handwriting',
      '--json',
    ];
    expect(await run(argv, c)).toBe(0);
    const summary = JSON.parse(c.lines.at(-1)!);
    expect(summary).toMatchObject({ dataset: 'words', images: { train: 8, validation: 1, test: 1 }, height: 16, width: 48, seed: 3 });
    expect(summary.fonts.test).toHaveLength(3);
    expect(summary.fonts.validation).toHaveLength(2);
    const record = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'));
    expect(record.fonts.map((f: { id: string }) => f.id)).not.toContain('femkeklaver');
    expect(record.fonts.length).toBe(19);
    expect(c.errs.join('\n')).toMatch(/words: \d+ candidates, 10 drawn/);
  });

  it('refuses a non-empty --out without --overwrite (exit 2, folder untouched) and validates its flags', async () => {
    const out = tmp('full');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'mine');
    const before = await folderSnapshot(out);
    const c = io();
    expect(await run(['data', 'words', '--out', out], c)).toBe(2);
    expect(c.errs.join('\n')).toMatch(/--out .*full is a non-empty folder; choose another --out or pass --overwrite/);
    expect(await folderSnapshot(out)).toEqual(before);
    const bad = io();
    expect(await run(['data', 'words', '--out', tmp('x'), '--words', '2'], bad)).toBe(2);
    expect(bad.errs.join('\n')).toMatch(/--words must be an integer in \[3, 1000000\], got '2'/);
    const font = io();
    expect(await run(['data', 'words', '--out', tmp('z'), '--exclude-fonts', 'kristi,arial'], font)).toBe(2);
    expect(font.errs.join('\n')).toMatch(/--exclude-fonts: unknown font id 'arial'/);
    const unknown = io();
    expect(await run(['data', 'faces', '--out', tmp('y')], unknown)).toBe(2);
    expect(unknown.errs.join('\n')).toMatch(/unknown dataset 'faces' \(expected 'words'\)/);
    const help = io();
    expect(await run(['data', 'words', '--help'], help)).toBe(0);
    expect(help.lines.join('\n')).toMatch(/apt-get install fonts-breip/);
  });
});
