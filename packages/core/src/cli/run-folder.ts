/**
 * The run folder: one layout for every domain, so a vision, text or graph run can be inspected, resumed and
 * compared the same way.
 *
 * ```
 * <out>/
 *   run.json        what was run: { tool, version, domain, method, createdAt, config }   (written first)
 *   checkpoint/     the latest training checkpoint (what --resume continues from)
 *   model/          the trained model (written at the end)
 *   losses.csv      step,loss
 *   loss-curve.png  the loss curve
 *   summary.json    the final RunSummary (written last: its presence means the run finished)
 * ```
 *
 * Call {@link prepareRunFolder} before anything trains (so a refused `--out` never costs a training run), then
 * {@link writeRunConfig}, then train.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fsError, withFsError } from '../io/fs-errors.js';
import { makeDir, writeFileAtomic } from '../io/fs-utils.js';
import { UsageError } from './args.js';

/** File and folder names of the run layout, relative to the run folder. */
export const RUN_FILES = {
  config: 'run.json',
  checkpoint: 'checkpoint',
  model: 'model',
  losses: 'losses.csv',
  lossCurve: 'loss-curve.png',
  summary: 'summary.json',
} as const;

/** Absolute paths of a run folder's files (see {@link runPaths}). */
export type RunPaths = { readonly dir: string } & { readonly [K in keyof typeof RUN_FILES]: string };

/** Absolute paths of the run layout inside `dir` (`dir` itself is resolved against the working directory). */
export function runPaths(dir: string): RunPaths {
  const root = path.resolve(dir);
  const entries = Object.entries(RUN_FILES).map(([k, name]) => [k, path.join(root, name)]);
  return { dir: root, ...Object.fromEntries(entries) } as RunPaths;
}

/** What {@link prepareRunFolder} is told. */
export interface PrepareRunFolderOptions {
  /** The executable, for messages (`'contrastive-vision'`); a run of another tool is not resumed. */
  tool: string;
  /** `--resume`: the folder must hold a run (a run.json) of this tool. */
  resume: boolean;
  /** `--overwrite`: replace the run files in the folder (other files are kept). */
  overwrite: boolean;
  /**
   * Further names (relative to the folder) this tool writes into its runs beyond {@link RUN_FILES}, e.g.
   * `['baseline.json', 'embeddings.csv']`: removed with `--overwrite` too, so a fresh run never reads a stale one.
   */
  extraFiles?: readonly string[];
  /** The flag naming the folder, for messages. Default `'out'`. */
  flag?: string;
}

/** Names of our atomic-write temporaries (`.run.json.tmp-<pid>-<hex>`): leftovers of a crash, not user files. */
const TMP_FILE = /^\..+\.tmp-\d+-[0-9a-f]{8}$/;

/**
 * Checks and prepares the run folder `dir` before anything trains, and says whether this is a new run or a
 * resumed one. Every refusal is a {@link UsageError} naming the folder and the flag that would proceed:
 *
 * - `dir` exists and is a file → refused;
 * - `resume` and `overwrite` together → refused (one continues the run, the other deletes it);
 * - `resume` without a run.json in `dir` → refused, suggesting to drop `--resume`; a run.json written by
 *   another tool → refused; otherwise `'resume'`;
 * - a non-empty folder without run.json (the user's folder, not a run) → refused unless `overwrite`
 *   ("choose another --out or pass --overwrite");
 * - a folder holding a run (finished, with summary.json, or partial) → refused unless `overwrite`
 *   ("pass --resume to continue it or --overwrite to replace it");
 * - with `overwrite`, the entries named in {@link RUN_FILES} and `extraFiles` (and crash leftovers of our
 *   atomic writes) are removed, run.json first, so a new run cannot mix with the old one's checkpoint,
 *   losses or summary. **Nothing else in the folder is touched**: `--overwrite` on a folder that also holds
 *   the user's notes or data keeps them.
 *
 * The folder is then created (with its parents) and `'new'` returned.
 */
export async function prepareRunFolder(dir: string, opts: PrepareRunFolderOptions): Promise<'new' | 'resume'> {
  const flag = `--${opts.flag ?? 'out'}`;
  let stat: import('node:fs').Stats | null = null;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(err, `read ${flag}`, dir);
  }
  if (stat && !stat.isDirectory()) throw new UsageError(`${flag} ${dir} is a file, not a folder; choose another ${flag}`);
  if (opts.resume && opts.overwrite) {
    throw new UsageError('--resume and --overwrite contradict each other: --resume continues the run in --out, --overwrite replaces it');
  }
  const entries = stat ? (await withFsError(`list ${flag}`, dir, () => fs.readdir(dir))).filter((e) => !TMP_FILE.test(e)) : [];
  const isRun = entries.includes(RUN_FILES.config);

  if (opts.resume) {
    if (!isRun) {
      const why = stat ? `no ${RUN_FILES.config} in it` : 'the folder does not exist';
      throw new UsageError(`--resume: ${dir} holds no run to resume (${why}); drop --resume to start a new run`);
    }
    const record = await readRunConfig(dir, opts.flag ?? 'out');
    if (record.tool !== opts.tool) {
      throw new UsageError(`--resume: ${dir} is a ${record.tool} run, not a ${opts.tool} run; choose another ${flag}`);
    }
    return 'resume';
  }

  if (entries.length > 0 && !opts.overwrite) {
    if (!isRun) {
      throw new UsageError(
        `${flag} ${dir} is a non-empty folder that is not a ${opts.tool} run (no ${RUN_FILES.config}); ` +
          `choose another ${flag} or pass --overwrite (which removes only the run files it would write)`,
      );
    }
    const state = entries.includes(RUN_FILES.summary) ? 'a finished run' : 'a partial run (no summary.json yet)';
    throw new UsageError(`${flag} ${dir} already holds ${state}; pass --resume to continue it or --overwrite to replace it`);
  }

  if (opts.overwrite && stat) await removeRunFiles(dir, opts.extraFiles ?? []);
  await makeDir(dir);
  return 'new';
}

/** Removes our layout's entries from `dir` (run.json first, so an interrupted removal leaves no half-run that looks resumable). */
async function removeRunFiles(dir: string, extraFiles: readonly string[]): Promise<void> {
  const names = [RUN_FILES.config, ...Object.values(RUN_FILES).filter((n) => n !== RUN_FILES.config), ...extraFiles];
  for (const name of names) {
    const target = path.resolve(dir, name);
    // extraFiles come from code, but a name escaping the folder would delete the user's files elsewhere.
    if (path.dirname(target) !== path.resolve(dir)) throw new Error(`run file '${name}' is not a plain name inside the run folder`);
    await withFsError('remove', target, () => fs.rm(target, { recursive: true, force: true }));
  }
  const leftovers = (await withFsError('list', dir, () => fs.readdir(dir))).filter(
    (e) => TMP_FILE.test(e) && names.some((n) => e.startsWith(`.${n}.tmp-`)),
  );
  for (const e of leftovers) await withFsError('remove', path.join(dir, e), () => fs.rm(path.join(dir, e), { force: true }));
}

/**
 * Largest run.json read (bytes). A run record is a few hundred bytes of settings; 16 MiB leaves room for any
 * config a tool could record (e.g. long lists of file names) while never reading a huge file by mistake.
 */
const MAX_RUN_RECORD_BYTES = 16 * 1024 * 1024;

/** What run.json records: which tool and method produced the run and the settings to rebuild it. */
export interface RunRecord<C = Record<string, unknown>> {
  /** The executable that wrote it, e.g. `'contrastive-vision'`. */
  tool: string;
  /** That tool's package version. */
  version?: string;
  /** `'vision'`, `'text'`, `'graph'`, … */
  domain: string;
  /** The method, e.g. `'simclr'`. */
  method: string;
  /** ISO-8601 time the run was started. */
  createdAt: string;
  /** Everything needed to rebuild the model and continue training (domain-specific). */
  config: C;
}

/** Writes `record` to `dir`/run.json atomically (a crash leaves the old file or the new one, never half of one). */
export async function writeRunConfig<C>(dir: string, record: RunRecord<C>): Promise<void> {
  await writeFileAtomic(path.join(dir, RUN_FILES.config), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Reads `dir`/run.json. A missing file, invalid JSON or a record without `tool`, `domain`, `method`,
 * `createdAt` (strings) and `config` (an object) is a {@link UsageError} naming the flag (`--<flagName>`), the
 * file and what should have produced it (`<tool> train --out` when `tool` is given). With `tool`, a run of
 * another tool is refused too.
 */
export async function readRunConfig<C = Record<string, unknown>>(
  dir: string,
  flagName: string,
  opts: { tool?: string } = {},
): Promise<RunRecord<C>> {
  const file = path.join(dir, RUN_FILES.config);
  const producer = opts.tool ? `'${opts.tool} train --out'` : "a contrastive CLI's 'train --out'";
  let text: string;
  try {
    const { size } = await fs.stat(file);
    if (size > MAX_RUN_RECORD_BYTES) {
      throw new UsageError(
        `--${flagName} ${file}: ${size} bytes, more than the ${MAX_RUN_RECORD_BYTES} a run record may have; expected one written by ${producer}`,
      );
    }
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(err, 'read', file);
    throw new UsageError(`--${flagName} ${dir}: no ${RUN_FILES.config} (expected a run folder written by ${producer})`);
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--${flagName} ${file}: invalid JSON (${(err as Error).message}); expected a run record written by ${producer}`);
  }
  const r = record as Partial<Record<keyof RunRecord, unknown>> | null;
  const missing =
    r === null || typeof r !== 'object' || Array.isArray(r)
      ? ['tool', 'domain', 'method', 'createdAt', 'config']
      : [
          ...(['tool', 'domain', 'method', 'createdAt'] as const).filter((k) => typeof r[k] !== 'string'),
          ...(typeof r.config === 'object' && r.config !== null && !Array.isArray(r.config) ? [] : ['config']),
          ...(r.version === undefined || typeof r.version === 'string' ? [] : ['version']),
        ];
  if (missing.length > 0) {
    throw new UsageError(
      `--${flagName} ${file}: not a run record (missing or invalid: ${missing.join(', ')}); expected one written by ${producer}`,
    );
  }
  const rec = record as RunRecord<C>;
  if (opts.tool !== undefined && rec.tool !== opts.tool) {
    throw new UsageError(`--${flagName} ${dir}: a ${rec.tool} run, not a ${opts.tool} run`);
  }
  return rec;
}

/**
 * With `--resume`, refuses a flag given with a value other than the one run.json recorded (`recorded`;
 * `undefined` = the run was made without it), since the checkpoint was trained with the recorded one. A flag
 * not given (`given === undefined`) is fine: the recorded value is used.
 *
 * @example checkResumeFlag(out, 'temperature', numFlag(values, 'temperature'), record.config.temperature)
 */
export function checkResumeFlag(dir: string, flag: string, given: unknown, recorded: unknown): void {
  if (given === undefined || given === recorded) return;
  const was = recorded === undefined ? `without --${flag}` : `with --${flag} ${String(recorded)}`;
  throw new UsageError(
    `--resume: ${dir} was trained ${was}, not --${flag} ${String(given)}; drop --${flag} to continue it as it was, or start a new run in another --out`,
  );
}
