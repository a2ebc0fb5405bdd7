import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CliIo, UsageError } from '@contrastive/core/cli';
import { useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { openMojiTree, tuxPaintTree } from '../node/test-utils/fixture-trees.js';
import { DATA_HELP, dataCommand } from './data-command.js';

const tmp = useTempDir('mm-data-command-');

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** The UsageError `argv` fails with (fails the test otherwise). */
async function usageError(argv: string[]): Promise<string> {
  const e = await dataCommand(argv, capture()).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UsageError);
  return (e as UsageError).message;
}

let tux: string;
let moji: string;
beforeAll(async () => {
  tux = tmp('tux');
  moji = tmp('moji');
  await tuxPaintTree(tux);
  await openMojiTree(moji);
});

describe('contrastive-multimodal data', () => {
  it('--help prints the flags and the folder format', async () => {
    const io = capture();
    expect(await dataCommand(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toBe(DATA_HELP);
    for (const flag of [
      '--source NAME',
      '--from DIR',
      '--out DIR',
      '--size N',
      '--test-fraction F',
      '--seed N',
      '--limit N',
      '--overwrite',
      '--json',
    ]) {
      expect(DATA_HELP).toContain(flag);
    }
    expect(DATA_HELP).toMatch(/captions\.jsonl/);
  });

  it('--json: one JSON line on stdout with the counts, logs on stderr', async () => {
    const io = capture();
    const out = tmp('out', 'tux-json');
    expect(await dataCommand(['--source', 'tuxpaint', '--from', tux, '--out', out, '--size', '32', '--seed', '2', '--json'], io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    const report = JSON.parse(io.stdout[0]!);
    expect(report).toMatchObject({ source: 'tuxpaint', size: 32, seed: 2, images: 14, test: { images: 3 }, train: { images: 11 } });
    expect(report.skipped.total).toBe(6);
    expect(io.stderr.join('\n')).toMatch(/building .*tux-json from Tux Paint stamps \(GPL-2\)/);
    expect(io.stderr.join('\n')).toMatch(/tuxpaint: 14\/14 images/);
    const lines = (await readFile(join(out, 'captions.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(14);
  });

  it('prints a readable report without --json (counts, skipped by reason) and no progress with --no-progress', async () => {
    const io = capture();
    expect(
      await dataCommand(['--source', 'openmoji', '--from', moji, '--out', tmp('out', 'moji'), '--limit', '5', '--no-progress'], io),
    ).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/^openmoji → .*moji \(64 px, seed 0, test fraction 0\.2, limit 5\)/);
    expect(text).toMatch(/ {2}images {4}5 \(of 14 usable entries\)\n/);
    expect(text).toMatch(/ {2}train {5}4 images, 4 records\n {2}test {6}1 images, 1 records/);
    expect(text).toMatch(/ {2}skipped {3}3:\n/);
    expect(text).toMatch(/1 × skin-tone variant .* \(e\.g\. 1F44B-1F3FB\)/);
    expect(io.stderr.some((l) => / images$/.test(l))).toBe(false);
  });

  it('refuses an existing non-empty --out without --overwrite, and replaces it with', async () => {
    const out = tmp('out', 'taken');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'notes.txt'), 'mine');
    expect(await usageError(['--source', 'tuxpaint', '--from', tux, '--out', out])).toMatch(
      /^--out .*taken exists and is not empty \(notes\.txt\); pass --overwrite/,
    );
    expect(await readdir(out)).toEqual(['notes.txt']);
    expect(
      await dataCommand(['--source', 'tuxpaint', '--from', tux, '--out', out, '--overwrite', '--limit', '1', '--json'], capture()),
    ).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['LICENSE', 'NOTICE', 'build.json', 'captions.jsonl', 'images']);
  });

  it.each([
    [['--out', 'x'], /--source is required \(one of tuxpaint, openclipart, openmoji\)/],
    [['--source', 'coco', '--out', 'x'], /--source must be one of tuxpaint, openclipart, openmoji, got 'coco'/],
    [['--source', 'tuxpaint'], /--out is required/],
    [['--source', 'tuxpaint', '--out', 'x', '--size', '2'], /--size must be an integer in \[4, 1024\], got '2'/],
    [['--source', 'tuxpaint', '--out', 'x', '--test-fraction', '1'], /--test-fraction must be a number in \[0, 1\), got '1'/],
    [['--source', 'tuxpaint', '--out', 'x', '--limit', '0'], /--limit must be an integer >= 1/],
    [['--source', 'tuxpaint', '--out', 'x', '--skin-tones'], /--skin-tones is for --source openmoji, not tuxpaint/],
    [['--source', 'openmoji', '--out', 'x', '--max-title-share', '3'], /--max-title-share is for --source openclipart, not openmoji/],
    [['--source', 'tuxpaint', '--out', 'x', '--from', '/no/such/folder'], /--from \/no\/such\/folder is not a folder/],
    [['--source', 'tuxpaint', '--out', 'x', '--form', 'y'], /Unknown option '--form'.*did you mean --from\?/],
  ])('usage error for %j', async (argv, pattern) => {
    expect(await usageError(argv)).toMatch(pattern);
  });

  it('refuses an --out that is a file', async () => {
    await writeFile(tmp('a-file'), 'x');
    expect(await usageError(['--source', 'tuxpaint', '--from', tux, '--out', tmp('a-file')])).toMatch(
      /--out .*a-file exists and is not a folder/,
    );
  });
});
