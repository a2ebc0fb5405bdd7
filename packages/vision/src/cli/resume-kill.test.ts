import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './main.js';

// A real interruption: the CLI runs in a child process that is SIGKILLed mid-training (no chance to
// clean up), then `--resume` continues from the last epoch checkpoint on disk.
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'vision-kill-'));
  for (const [cls, v] of [['a', 220], ['b', 30]] as const) {
    await mkdir(join(root, 'img', cls), { recursive: true });
    for (let i = 0; i < 8; i++) {
      await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: v + i, g: v, b: v - i } } }).png().toFile(join(root, 'img', cls, `${i}.png`));
    }
  }
});
afterAll(async () => rm(root, { recursive: true, force: true }));

async function checkpointEpoch(out: string): Promise<number | null> {
  try {
    const meta = JSON.parse(await readFile(join(out, 'checkpoint', 'checkpoint.json'), 'utf8')) as { epoch?: number; meta?: { epoch?: number } };
    return meta.epoch ?? meta.meta?.epoch ?? null;
  } catch {
    return null;
  }
}

describe('contrastive-vision train, killed mid-run', () => {
  it('resumes from the last checkpoint after SIGKILL and finishes the requested epochs', async () => {
    const out = join(root, 'run');
    const args = ['--method', 'simclr', '--data', join(root, 'img'), '--eval-data', join(root, 'img'), '--image-size', '8', '--channels', '1',
      '--batch-size', '8', '--backend', 'cpu', '--probe-epochs', '2', '--no-baseline', '--out', out];
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'main.ts'), 'train', ...args, '--epochs', '500'], {
      cwd: packageDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // Wait until at least two epochs are on disk, then kill without warning.
    const deadline = Date.now() + 90_000;
    let epoch: number | null = null;
    while (Date.now() < deadline && child.exitCode === null) {
      epoch = await checkpointEpoch(out);
      if (epoch !== null && epoch >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(child.exitCode, `child ended early: ${stderr}`).toBeNull();
    child.kill('SIGKILL');
    await exited;
    const killedAt = await checkpointEpoch(out);
    expect(killedAt).not.toBeNull();
    expect(killedAt!).toBeGreaterThanOrEqual(2);
    expect(killedAt!).toBeLessThan(500);

    // Resume to two epochs past the checkpoint: only those run, and the run completes.
    const lines: string[] = [];
    const errs: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const target = killedAt! + 2;
    const code = await run(['train', ...args, '--resume', '--epochs', String(target), '--json'], (s) => lines.push(s), (s) => errs.push(s));
    expect(code, errs.join('\n')).toBe(0);
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary.epochs).toBe(target);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(await checkpointEpoch(out)).toBe(target);
    expect(errs.join('\n')).toMatch(new RegExp(`resum\\w* .*epoch ${killedAt}`, 'i'));
  }, 180_000);
});
