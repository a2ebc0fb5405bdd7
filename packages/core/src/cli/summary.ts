/**
 * The end-of-run summary: one schema for every domain, written to `summary.json` and (with `--json`)
 * printed as the single line on stdout, so results from vision, text and graph runs can be collected by the
 * same script.
 */
import { belowBaselineWarnings } from './below-baseline.js';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/fs-utils.js';
import type { CliIo } from './command.js';
import { RUN_FILES } from './run-folder.js';

/**
 * The summary of one run.
 *
 * @example
 * {
 *   method: 'simclr', domain: 'vision', seed: 0, epochs: 10, steps: 460, seconds: 312.4, trainSeconds: 250.1,
 *   backend: 'wasm', out: 'runs/simclr-seed0', finalLoss: 4.1234,
 *   metrics: { knnAccuracy: 0.7812, linearProbeAccuracy: 0.8011, knnK: 200, knnKSource: 'default' },
 *   baselines: { randomInit: { knnAccuracy: 0.7011, linearProbeAccuracy: 0.7433 }, rawPixels: { knnAccuracy: 0.75 } },
 * }
 */
export interface RunSummary {
  /** The method, e.g. `'simclr'`. */
  method: string;
  /** `'vision'`, `'text'`, `'graph'`, … */
  domain: string;
  seed: number;
  /** Epochs trained in total (after a resume: all of them, not only this session's). */
  epochs: number;
  /** Optimizer steps in total. */
  steps: number;
  /** Wall time of this invocation, seconds (1 decimal). */
  seconds: number;
  /** Of which training, seconds (1 decimal). */
  trainSeconds: number;
  /** The tfjs backend that ran it. */
  backend: string;
  /** Threads that trained it (data-parallel replicas, `--workers`); absent for one. */
  workers?: number;
  /** The run folder (or output file). */
  out: string;
  /** Mean loss of the last epoch (4 decimals); `null` when nothing trained or it was not finite. */
  finalLoss: number | null;
  /** Scores of the trained model (`knnAccuracy`, `spearman`, …); strings for labels such as `knnKSource`. */
  metrics: Record<string, number | string | null>;
  /** The same scores for reference points to beat: `randomInit`, `rawPixels`, `bm25`, … */
  baselines: Record<string, Record<string, number | null>>;
  /** Caveats a reader of the numbers needs (short run, non-finite values, which k was used). */
  notes?: string[];
}

const round = (x: number, decimals: number): number => (Number.isFinite(x) ? Math.round(x * 10 ** decimals) / 10 ** decimals : x);

/**
 * A copy of `summary` with `finalLoss`, metrics and baselines rounded to 4 decimals and `seconds` /
 * `trainSeconds` to 1 (what the measurement supports; more digits are noise). Non-finite numbers are left
 * as they are (see {@link replaceNonFinite}).
 */
export function roundSummaryNumbers(summary: RunSummary): RunSummary {
  const r4 = (v: number | null): number | null => (v === null ? null : round(v, 4));
  return {
    ...summary,
    seconds: round(summary.seconds, 1),
    trainSeconds: round(summary.trainSeconds, 1),
    finalLoss: r4(summary.finalLoss),
    metrics: Object.fromEntries(Object.entries(summary.metrics).map(([k, v]) => [k, typeof v === 'number' ? round(v, 4) : v])),
    baselines: Object.fromEntries(
      Object.entries(summary.baselines).map(([name, scores]) => [
        name,
        Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, r4(v)])),
      ]),
    ),
  };
}

/** True for `NaN`, `Infinity` and `-Infinity` (a diverged loss or a score computed from one). */
export function isNonFinite(value: unknown): value is number {
  return typeof value === 'number' && !Number.isFinite(value);
}

/**
 * A copy of `summary` where every non-finite `finalLoss`, metric and baseline score is `null`, with one note
 * per replaced value (JSON has no NaN: it would silently become `null` with no trace). `nonFinite` lists the
 * replaced fields (`'finalLoss'`, `'metrics.knnAccuracy'`, `'baselines.randomInit.knnAccuracy'`).
 */
export function replaceNonFinite(summary: RunSummary): { summary: RunSummary; nonFinite: string[] } {
  const nonFinite: string[] = [];
  const notes = [...(summary.notes ?? [])];
  const check = <T>(field: string, v: T): T | null => {
    if (!isNonFinite(v)) return v;
    nonFinite.push(field);
    notes.push(
      `${field} was ${String(v)} (written as null)` +
        (field === 'finalLoss' ? ': training diverged; try a lower --lr or check the data for NaN/Inf values' : ''),
    );
    return null;
  };
  const out: RunSummary = {
    ...summary,
    finalLoss: check('finalLoss', summary.finalLoss),
    metrics: Object.fromEntries(Object.entries(summary.metrics).map(([k, v]) => [k, check(`metrics.${k}`, v)])),
    baselines: Object.fromEntries(
      Object.entries(summary.baselines).map(([name, scores]) => [
        name,
        Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, check(`baselines.${name}.${k}`, v)])),
      ]),
    ),
  };
  if (notes.length > 0) out.notes = notes;
  return { summary: out, nonFinite };
}

/** What {@link writeSummary} wrote. */
export interface WrittenSummary {
  /** The summary as written (rounded, non-finite values replaced by `null` with a note): print this one. */
  summary: RunSummary;
  /** Fields that were NaN/±Infinity. Non-empty means the run failed: exit non-zero (the file is still written). */
  nonFinite: string[];
  /** Absolute path of summary.json. */
  path: string;
}

/**
 * Rounds `summary` ({@link roundSummaryNumbers}), replaces non-finite values ({@link replaceNonFinite}) and
 * writes it atomically to `dir`/summary.json. A NaN loss or score does not stop the write — the record of
 * what happened is kept — but it is returned in `nonFinite`, and the CLI must then exit non-zero
 * ({@link finishRun} does all of this and returns the exit code):
 *
 * @example
 * const { summary: written, nonFinite } = await writeSummary(out, summary);
 * emitSummary(written, io, { json });
 * if (nonFinite.length > 0) throw new Error(`non-finite ${nonFinite.join(', ')}; see ${out}/summary.json`);
 */
export async function writeSummary(dir: string, summary: RunSummary): Promise<WrittenSummary> {
  const { summary: clean, nonFinite } = replaceNonFinite(roundSummaryNumbers(summary));
  const file = path.resolve(dir, RUN_FILES.summary);
  await writeFileAtomic(file, `${JSON.stringify(clean, null, 2)}\n`);
  return { summary: clean, nonFinite, path: file };
}

/** Options of {@link finishRun}. */
export interface FinishRunOptions {
  /** `--json`: print the summary as one JSON line on stdout. */
  json: boolean;
  /** The run folder: summary.json is written there. Without it (an `eval` that only prints) nothing is written. */
  dir?: string;
  /** The executable, to prefix the stderr line (`'contrastive-text'`). */
  tool?: string;
}

/**
 * The end of every command that reports a {@link RunSummary}: writes it to `dir`/summary.json (when `dir` is
 * given; rounded, non-finite values replaced by `null` with a note, see {@link writeSummary}), prints it
 * ({@link emitSummary}, one JSON line with `json`), and resolves to the exit code: **1 when any number was
 * NaN/±Infinity** — after one stderr line naming the fields, e.g. `contrastive-text: the run produced
 * non-finite values (finalLoss, metrics.recallAt1; written as null in /runs/a/summary.json); training probably
 * diverged: try a lower --lr` — else 0. No CLI may exit 0 on a non-finite result: return this. A metric below
 * the summary's `randomInit` baseline (see {@link belowBaselineWarnings}) adds a `warning:` note and a stderr line.
 *
 * @example
 * return finishRun(summary, io, { json: ctx.json, dir: out, tool: TOOL });
 */
export async function finishRun(summary: RunSummary, io: CliIo, options: FinishRunOptions): Promise<0 | 1> {
  // A trained model below its own random initialisation is a result a user must not miss: a note in
  // summary.json and a warning on stderr (the exit code stays 0: the run itself worked).
  const below = belowBaselineWarnings(roundSummaryNumbers(summary));
  if (below.length > 0) {
    summary = { ...summary, notes: [...(summary.notes ?? []), ...below.map((w) => `warning: ${w}`)] };
    for (const w of below) io.err(`${options.tool === undefined ? '' : `${options.tool}: `}warning: ${w}`);
  }
  const written =
    options.dir === undefined
      ? { ...replaceNonFinite(roundSummaryNumbers(summary)), path: undefined }
      : await writeSummary(options.dir, summary);
  emitSummary(written.summary, io, { json: options.json });
  if (written.nonFinite.length === 0) return 0;
  const where = written.path === undefined ? 'reported as null' : `written as null in ${written.path}`;
  const hint = written.nonFinite.includes('finalLoss')
    ? 'training probably diverged: try a lower --lr (ten times smaller) or check the data for NaN/Inf values'
    : 'the scores are not numbers: check the model and the evaluation data for NaN/Inf values';
  io.err(
    `${options.tool === undefined ? '' : `${options.tool}: `}the run produced non-finite values (${written.nonFinite.join(', ')}; ${where}); ${hint}`,
  );
  return 1;
}

/** `0.1234` as is, `null` as `–`, labels as they are. */
function show(v: number | string | null): string {
  return v === null ? '–' : String(v);
}

/**
 * Prints the result of a run. With `json`, the single line `JSON.stringify(summary)` on `io.out` (the only
 * thing on stdout, for scripts). Without, a readable report on `io.out` (results may go to stdout; logs never
 * do): method, time, final loss, each metric beside its baselines, notes.
 */
export function emitSummary(summary: RunSummary, io: CliIo, options: { json: boolean }): void {
  if (options.json) {
    io.out(JSON.stringify(summary));
    return;
  }
  const baselineNames = Object.keys(summary.baselines);
  const rows: [string, string][] = [['final loss', show(summary.finalLoss)]];
  for (const [k, v] of Object.entries(summary.metrics)) {
    const refs = baselineNames.filter((b) => k in summary.baselines[b]!).map((b) => `${b} ${show(summary.baselines[b]![k]!)}`);
    rows.push([k, refs.length > 0 ? `${show(v)}  (${refs.join(', ')})` : show(v)]);
  }
  for (const b of baselineNames) {
    const extra = Object.entries(summary.baselines[b]!).filter(([k]) => !(k in summary.metrics));
    if (extra.length > 0) rows.push([`baseline ${b}`, extra.map(([k, v]) => `${k} ${show(v)}`).join(', ')]);
  }
  rows.push(['time', `${summary.seconds} s (training ${summary.trainSeconds} s)`], ['out', summary.out]);
  const width = Math.max(...rows.map(([label]) => label.length));
  io.out(
    `${summary.method} (${summary.domain}): ${summary.epochs} epochs, ${summary.steps} steps, seed ${summary.seed}, backend ${summary.backend}`,
  );
  for (const [label, value] of rows) io.out(`  ${label.padEnd(width)}  ${value}`);
  for (const note of summary.notes ?? []) io.out(`  note: ${note}`);
}
