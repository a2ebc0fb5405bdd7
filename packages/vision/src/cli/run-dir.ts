import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from './build.js';
import { UsageError } from './args.js';

/** File that marks a folder as a contrastive-vision run and records how to rebuild it. */
export const RUN_FILE = 'run.json';

/**
 * Prepares `--out`: creates it if missing; refuses a non-empty folder that is not this tool's run unless
 * `overwrite`; refuses an existing run unless `resume` or `overwrite` (so a finished run is never lost).
 */
export async function prepareRunDir(dir: string, opts: { resume: boolean; overwrite: boolean }): Promise<'new' | 'resume'> {
  const s = await stat(dir).catch(() => null);
  if (s && !s.isDirectory()) throw new UsageError(`--out ${dir} exists and is not a folder`);
  const entries = s ? await readdir(dir) : [];
  const isRun = entries.includes(RUN_FILE);
  if (opts.resume) {
    if (!isRun) throw new UsageError(`--resume: ${dir} holds no run to resume (no ${RUN_FILE}); drop --resume to start one`);
    return 'resume';
  }
  if (entries.length > 0 && !opts.overwrite) {
    throw new UsageError(
      isRun
        ? `--out ${dir} already holds a run; pass --resume to continue it or --overwrite to replace it`
        : `--out ${dir} is a non-empty folder that is not a contrastive-vision run; choose another --out or pass --overwrite`,
    );
  }
  await mkdir(dir, { recursive: true });
  return 'new';
}

export async function writeRunConfig(dir: string, cfg: RunConfig): Promise<void> {
  await writeFile(join(dir, RUN_FILE), `${JSON.stringify(cfg, null, 2)}\n`);
}

export async function readRunConfig(dir: string, flag = 'checkpoint'): Promise<RunConfig> {
  const path = join(dir, RUN_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`--${flag} ${dir}: no ${RUN_FILE} (expected a folder written by 'contrastive-vision train --out')`);
  }
  try {
    return JSON.parse(text) as RunConfig;
  } catch (err) {
    throw new UsageError(`--${flag} ${path}: invalid JSON (${(err as Error).message})`);
  }
}
