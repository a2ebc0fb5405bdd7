import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureIo, faultCase, faultTitle, folderSnapshot, pathExists, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../cli/flags.js';
import { run } from '../cli/main.js';
import { FAULT_CASES } from './cases.js';

const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const tmp = useTempDir('losses-cli-faults-');
const here = dirname(fileURLToPath(import.meta.url));

const CONTINUAL = ['--data', 'bundled', '--limit', '96', '--test-limit', '32', '--batch-size', '16', '--memory-size', '4', '--no-progress'];

describe('contrastive-losses faults', () => {
  it(row('losses/cli-diverging-lr'), async () => {
    const runs: [string, string[]][] = [
      ...METHODS.map((m): [string, string[]] => [
        m,
        ['train', '--method', m, '--data', 'bundled', '--limit', '64', '--test-limit', '32', '--batch-size', '16', '--no-progress'],
      ]),
      ...['grcl', 'finetune'].map((m): [string, string[]] => [
        m,
        ['continual', '--method', m, '--domains', 'upright,invert', ...CONTINUAL],
      ]),
    ];
    for (const [name, argv] of runs) {
      const out = tmp(`diverge-${name}`);
      const a = captureIo();
      expect(await run([...argv, '--epochs', '6', '--lr', '1e9', '--out', out], a), `${name}: ${a.errs.join('\n')}`).toBe(1);
      expect(a.errs.join('\n'), name).toMatch(/contrastive-losses: training diverged: .*step \d+ of epoch \d+ \(global step \d+\)/);
      expect(a.lines).toEqual([]);
      expect(await pathExists(join(out, 'summary.json'))).toBe(false);
      expect(await pathExists(join(out, 'model'))).toBe(false);
    }
  }, 120_000);

  it(row('losses/cli-out-refusals'), async () => {
    const file = tmp('a-file');
    await fs.writeFile(file, 'mine');
    const foreign = tmp('foreign');
    await fs.mkdir(foreign);
    await fs.writeFile(join(foreign, 'notes.txt'), 'keep me');
    const before = await folderSnapshot(foreign);
    for (const command of [
      ['train', '--method', 'paco'],
      ['continual', '--method', 'grcl'],
    ]) {
      const a = captureIo();
      expect(await run([...command, '--data', tmp('nope'), '--out', file], a)).toBe(2);
      expect(a.errs.join('\n')).toMatch(/--out .*a-file is a file, not a folder/);
      const b = captureIo();
      expect(await run([...command, '--data', tmp('nope'), '--out', foreign], b)).toBe(2);
      expect(b.errs.join('\n')).toMatch(/--out .*foreign is a non-empty folder that is not a contrastive-losses run/);
    }
    expect(await fs.readFile(file, 'utf8')).toBe('mine');
    expect(await folderSnapshot(foreign)).toEqual(before);
  });

  it(row('losses/continual-kill-resume'), async () => {
    // 96 images over 3 domains: 32 per domain, 2 steps per epoch; 8 epochs per target domain.
    const args = ['continual', '--method', 'grcl', '--domains', 'upright,rot90,invert', ...CONTINUAL, '--epochs', '8', '--json'];
    const whole = captureIo();
    expect(await run([...args, '--out', tmp('whole')], whole), whole.errs.join('\n')).toBe(0);
    const expected = JSON.parse(whole.lines[0]!);

    const out = tmp('killed');
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'cli', 'main.ts'), ...args, '--out', out], {
      cwd: join(here, '..', '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    // Kill once a checkpoint inside the second target domain is on disk (the first stage's scores and memory in it).
    const deadline = Date.now() + 90_000;
    let at = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        at = (JSON.parse(await fs.readFile(join(out, 'checkpoint', 'checkpoint.json'), 'utf8')) as { meta: { epoch: number } }).meta.epoch;
      } catch {
        at = 0;
      }
      if (at >= 9) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(child.exitCode, `child ended early: ${stderr}`).toBeNull();
    child.kill('SIGKILL');
    await exited;
    expect(at).toBeGreaterThanOrEqual(9);
    expect(at).toBeLessThan(16);
    const resumed = captureIo();
    expect(await run(['continual', '--resume', '--out', out, '--json', '--no-progress'], resumed), resumed.errs.join('\n')).toBe(0);
    const got = JSON.parse(resumed.lines[0]!);
    expect(got.metrics).toEqual(expected.metrics);
    expect(got.finalLoss).toBe(expected.finalLoss);
    expect(got.steps).toBe(expected.steps);
  }, 180_000);
});
