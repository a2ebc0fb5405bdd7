import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from './args.js';
import { checkResumeFlag, prepareRunFolder, readRunConfig, RUN_FILES, runPaths, writeRunConfig, type RunRecord } from './run-folder.js';

let root: string;
let n = 0;
/** A fresh path inside this file's temp folder (not created). */
const fresh = (): string => join(root, `case-${n++}`);
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-cli-run-folder-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const TOOL = 'contrastive-test';
const record = (over: Partial<RunRecord> = {}): RunRecord => ({
  tool: TOOL,
  version: '0.1.0',
  domain: 'vision',
  method: 'simclr',
  createdAt: '2025-01-01T00:00:00.000Z',
  config: { epochs: 3, temperature: 0.2 },
  ...over,
});
/** A run folder as a crashed (no summary) or finished run leaves it. */
async function makeRun(dir: string, finished: boolean): Promise<void> {
  await mkdir(join(dir, RUN_FILES.checkpoint), { recursive: true });
  await writeFile(join(dir, RUN_FILES.checkpoint, 'weights.bin'), 'old');
  await writeRunConfig(dir, record());
  await writeFile(join(dir, RUN_FILES.losses), 'step,loss\n1,5\n');
  if (finished) {
    await mkdir(join(dir, RUN_FILES.model));
    await writeFile(join(dir, RUN_FILES.model, 'model.json'), '{}');
    await writeFile(join(dir, RUN_FILES.summary), '{}');
    await writeFile(join(dir, RUN_FILES.lossCurve), 'png');
  }
}
const opts = (o: { resume?: boolean; overwrite?: boolean; extraFiles?: string[] } = {}) => ({
  tool: TOOL,
  resume: false,
  overwrite: false,
  ...o,
});
async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UsageError);
  return (e as Error).message;
}

describe('runPaths', () => {
  it('gives absolute paths of the layout', () => {
    const p = runPaths('runs/a');
    expect(isAbsolute(p.dir)).toBe(true);
    expect(p.config).toBe(join(p.dir, 'run.json'));
    expect(p.checkpoint).toBe(join(p.dir, 'checkpoint'));
    expect(p.model).toBe(join(p.dir, 'model'));
    expect(p.losses).toBe(join(p.dir, 'losses.csv'));
    expect(p.lossCurve).toBe(join(p.dir, 'loss-curve.png'));
    expect(p.summary).toBe(join(p.dir, 'summary.json'));
  });
});

describe('prepareRunFolder', () => {
  it('creates a missing folder (with its parents) as a new run', async () => {
    const dir = join(fresh(), 'nested', 'run');
    expect(await prepareRunFolder(dir, opts())).toBe('new');
    expect((await stat(dir)).isDirectory()).toBe(true);
  });

  it('accepts an empty folder', async () => {
    const dir = fresh();
    await mkdir(dir);
    expect(await prepareRunFolder(dir, opts())).toBe('new');
  });

  it('refuses a path that is a file, even with --overwrite, and leaves it alone', async () => {
    const file = fresh();
    await writeFile(file, 'mine');
    expect(await refusal(prepareRunFolder(file, opts()))).toBe(`--out ${file} is a file, not a folder; choose another --out`);
    await refusal(prepareRunFolder(file, opts({ overwrite: true })));
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it("refuses the user's non-empty folder; with --overwrite writes beside the user's files, never deleting them", async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    const msg = await refusal(prepareRunFolder(dir, opts()));
    expect(msg).toContain(`--out ${dir} is a non-empty folder that is not a ${TOOL} run`);
    expect(msg).toContain('choose another --out or pass --overwrite');
    expect(await prepareRunFolder(dir, opts({ overwrite: true }))).toBe('new');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses an existing run (finished or partial) without --resume or --overwrite', async () => {
    const done = fresh();
    await makeRun(done, true);
    expect(await refusal(prepareRunFolder(done, opts()))).toBe(
      `--out ${done} already holds a finished run; pass --resume to continue it or --overwrite to replace it`,
    );
    const partial = fresh();
    await makeRun(partial, false);
    expect(await refusal(prepareRunFolder(partial, opts()))).toMatch(
      /already holds a partial run .*pass --resume to continue it or --overwrite/,
    );
    // Nothing was touched.
    expect(await readFile(join(done, RUN_FILES.summary), 'utf8')).toBe('{}');
  });

  it('resumes a run, leaving its files', async () => {
    const dir = fresh();
    await makeRun(dir, false);
    expect(await prepareRunFolder(dir, opts({ resume: true }))).toBe('resume');
    expect(await readFile(join(dir, RUN_FILES.checkpoint, 'weights.bin'), 'utf8')).toBe('old');
  });

  it('refuses --resume where there is no run, suggesting to drop --resume', async () => {
    const missing = fresh();
    expect(await refusal(prepareRunFolder(missing, opts({ resume: true })))).toBe(
      `--resume: ${missing} holds no run to resume (the folder does not exist); drop --resume to start a new run`,
    );
    expect(await exists(missing)).toBe(false);
    const userDir = fresh();
    await mkdir(userDir);
    await writeFile(join(userDir, 'x'), '');
    expect(await refusal(prepareRunFolder(userDir, opts({ resume: true })))).toMatch(/no run\.json in it\); drop --resume/);
  });

  it("refuses to resume another tool's run and --resume with --overwrite", async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeRunConfig(dir, record({ tool: 'contrastive-text' }));
    expect(await refusal(prepareRunFolder(dir, opts({ resume: true })))).toMatch(/is a contrastive-text run, not a contrastive-test run/);
    expect(await refusal(prepareRunFolder(dir, opts({ resume: true, overwrite: true })))).toMatch(/contradict/);
  });

  it("--overwrite on a run removes the old run's files (and declared extras) but not the user's", async () => {
    const dir = fresh();
    await makeRun(dir, true);
    await writeFile(join(dir, 'baseline.json'), '{}');
    await writeFile(join(dir, 'README.md'), 'my notes');
    await writeFile(join(dir, '.run.json.tmp-123-0badc0de'), 'crash leftover');
    expect(await prepareRunFolder(dir, opts({ overwrite: true, extraFiles: ['baseline.json'] }))).toBe('new');
    expect((await readdir(dir)).sort()).toEqual(['README.md']);
  });

  it('refuses an extra file name that escapes the folder', async () => {
    const dir = fresh();
    await makeRun(dir, false);
    await expect(prepareRunFolder(dir, opts({ overwrite: true, extraFiles: ['../elsewhere'] }))).rejects.toThrow(
      /not a plain name inside the run folder/,
    );
  });
});

describe('run.json', () => {
  it('round-trips through an atomic write, leaving no temporary file', async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeRunConfig(dir, record());
    await writeRunConfig(dir, record({ config: { epochs: 5 } }));
    expect(await readdir(dir)).toEqual(['run.json']);
    const back = await readRunConfig<{ epochs: number }>(dir, 'checkpoint', { tool: TOOL });
    expect(back).toEqual(record({ config: { epochs: 5 } }));
    expect(back.config.epochs).toBe(5);
  });

  it('names the flag, the file and the producer when missing, corrupt, incomplete or of another tool', async () => {
    const dir = fresh();
    await mkdir(dir);
    expect(await refusal(readRunConfig(dir, 'checkpoint', { tool: TOOL }))).toBe(
      `--checkpoint ${dir}: no run.json (expected a run folder written by '${TOOL} train --out')`,
    );
    await writeFile(join(dir, 'run.json'), '{"tool": ');
    expect(await refusal(readRunConfig(dir, 'checkpoint'))).toMatch(
      new RegExp(`^--checkpoint ${join(dir, 'run.json')}: invalid JSON .*written by a contrastive CLI's 'train --out'`),
    );
    await writeFile(join(dir, 'run.json'), JSON.stringify({ tool: TOOL, method: 'simclr', config: [] }));
    expect(await refusal(readRunConfig(dir, 'out'))).toMatch(/not a run record \(missing or invalid: domain, createdAt, config\)/);
    await writeRunConfig(dir, record({ tool: 'contrastive-graph' }));
    expect(await refusal(readRunConfig(dir, 'checkpoint', { tool: TOOL }))).toMatch(/a contrastive-graph run, not a contrastive-test run/);
  });
});

describe('checkResumeFlag', () => {
  it('accepts an absent flag or the recorded value', () => {
    expect(() => checkResumeFlag('r', 'temperature', undefined, 0.2)).not.toThrow();
    expect(() => checkResumeFlag('r', 'temperature', 0.2, 0.2)).not.toThrow();
  });

  it('refuses a different value, naming what run.json recorded', () => {
    expect(() => checkResumeFlag('runs/a', 'temperature', 0.5, 0.2)).toThrow(UsageError);
    expect(() => checkResumeFlag('runs/a', 'temperature', 0.5, 0.2)).toThrow(
      /^--resume: runs\/a was trained with --temperature 0\.2, not --temperature 0\.5/,
    );
    expect(() => checkResumeFlag('runs/a', 'projector', 'linear', undefined)).toThrow(
      /was trained without --projector, not --projector linear/,
    );
  });
});
