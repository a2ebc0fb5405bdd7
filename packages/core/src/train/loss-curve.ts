import * as path from 'node:path';
import { makeDir, writeFileAtomic } from '../io/fs-utils.js';
import { lineChartPng } from '../plot/index.js';
import { movingAverage } from './moving-average.js';

/**
 * Writes the per-step loss curve (plus a moving average once there are ≥ 20 steps, window ≈ 2% of the
 * run) as a PNG at `file`, atomically. Non-finite losses are left out of the plot.
 */
export async function writeLossCurve(file: string, losses: readonly number[], title = 'training loss'): Promise<void> {
  const finite = losses.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return;
  const series = [{ name: 'loss', values: finite }];
  if (finite.length >= 20) {
    const window = Math.max(5, Math.round(finite.length / 50));
    series.push({ name: `moving average (${window})`, values: movingAverage(finite, window) });
  }
  await writeCreatingFolder(file, lineChartPng(series, { title, xLabel: 'step', yLabel: 'loss' }));
}

/**
 * Writes every step's loss as CSV (`step,loss`, steps numbered from 1 over the whole run, the losses as
 * recorded: a non-finite one reads `NaN` or `Infinity`), atomically, for plotting or monitoring elsewhere.
 */
export async function writeLossCsv(file: string, losses: readonly number[]): Promise<void> {
  const rows = losses.map((v, i) => `${i + 1},${v}`);
  await writeCreatingFolder(file, `step,loss\n${rows.join('\n')}${rows.length ? '\n' : ''}`);
}

/** `writeFileAtomic`, creating the file's folder first. */
async function writeCreatingFolder(file: string, data: Uint8Array | string): Promise<void> {
  await makeDir(path.dirname(path.resolve(file)));
  await writeFileAtomic(file, data);
}
