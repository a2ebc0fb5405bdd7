import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@contrastive/core/node';
import type { RetrievalPair } from '../data/parse-corpus.js';
import type { TextEmbedder } from '../encoders/sentence-encoder.js';
import { assertFiniteEmbeddings } from '../errors.js';
import { denseRanks, metricsFromRanks, retrievalTask } from '../eval/retrieval.js';
import { participationRatio } from './participation-ratio.js';

/** One validation score: retrieval on the held-out pairs after `step` optimizer steps (0 = before training). */
export interface ValidationPoint {
  step: number;
  mrrAt10: number;
  recallAt1: number;
  recallAt10: number;
  /** Participation ratio of the validation documents' embeddings (see `participationRatio`): < 2 = collapsed. */
  participation: number;
}

/** What validation.json holds (in the run's validation/ folder, so `--resume` continues it). */
export interface ValidationRecord {
  /** How the held-out pairs were made, e.g. `"500 corpus passages split in halves (seed 0)"`. */
  source: string;
  pairs: number;
  history: ValidationPoint[];
  /** The best point so far and the folder (beside validation.json) holding its encoder. */
  best: { step: number; mrrAt10: number; folder: string } | null;
}

/** start / best / final of a run, for the summary. */
export interface ValidationOutcome {
  start: ValidationPoint;
  best: ValidationPoint;
  final: ValidationPoint;
  /** The folder holding the best encoder (absent when the best is the final, unsaved state). */
  bestFolder: string | null;
}

const FILE = 'validation.json';
const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Scores the encoder under training on held-out retrieval pairs, keeps the encoder of the best MRR@10 in
 * `<dir>/best-<step>/` (written whole, then recorded in validation.json, then older ones removed, so a crash
 * never leaves validation.json pointing at a half-written folder), and remembers every score. With `--resume` it
 * re-reads validation.json and forgets scores after the step the run resumes from (they are recomputed — the
 * same, as training is deterministic). Ties keep the earlier step.
 */
export class ValidationTracker {
  private record: ValidationRecord;

  constructor(
    private readonly dir: string,
    private readonly pairs: readonly RetrievalPair[],
    source: string,
    private readonly save: (folder: string) => Promise<void>,
  ) {
    this.record = { source, pairs: pairs.length, history: [], best: null };
  }

  /** Restores validation.json of a resumed run, dropping scores after `resumedStep`. */
  restore(resumedStep: number): void {
    const file = path.join(this.dir, FILE);
    if (!existsSync(file)) return;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as ValidationRecord;
    const history = saved.history.filter((p) => p.step <= resumedStep);
    const keep = saved.best && saved.best.step <= resumedStep && existsSync(path.join(this.dir, saved.best.folder)) ? saved.best : null;
    this.record = { ...this.record, history, best: keep };
  }

  get history(): readonly ValidationPoint[] {
    return this.record.history;
  }

  /** Scores the encoder now (after `step` steps); saves it when it is the best so far. Returns the point. */
  async score(encoder: TextEmbedder, step: number): Promise<ValidationPoint> {
    mkdirSync(this.dir, { recursive: true });
    const { queries, documents, gold } = retrievalTask(this.pairs);
    const quiet = { normalize: true, warn: () => {} }; // truncation was reported once for the training texts
    const docEmb = await encoder.encode(documents, quiet);
    assertFiniteEmbeddings(docEmb, 'validation document');
    const qEmb = await encoder.encode(queries, quiet);
    assertFiniteEmbeddings(qEmb, 'validation query');
    const m = metricsFromRanks(await denseRanks(qEmb, docEmb, gold), documents.length);
    const point: ValidationPoint = {
      step,
      mrrAt10: round(m.mrrAt10),
      recallAt1: round(m.recallAt1),
      recallAt10: round(m.recallAt10),
      participation: Math.round(participationRatio(docEmb) * 100) / 100,
    };
    this.record.history = [...this.record.history.filter((p) => p.step !== step), point];
    const best = this.record.best;
    if (best === null || point.mrrAt10 > best.mrrAt10) {
      const folder = `best-${step}`;
      rmSync(path.join(this.dir, folder), { recursive: true, force: true });
      await this.save(path.join(this.dir, folder));
      this.record.best = { step, mrrAt10: point.mrrAt10, folder };
      await this.write();
      for (const name of readdirSync(this.dir))
        if (name.startsWith('best-') && name !== folder) rmSync(path.join(this.dir, name), { recursive: true, force: true });
    } else await this.write();
    return point;
  }

  /** start / best / final, or null before two scores. */
  outcome(): ValidationOutcome | null {
    const h = [...this.record.history].sort((a, b) => a.step - b.step);
    const best = this.record.best;
    if (h.length === 0 || best === null) return null;
    const bestPoint = h.find((p) => p.step === best.step)!;
    return { start: h[0]!, best: bestPoint, final: h.at(-1)!, bestFolder: path.join(this.dir, best.folder) };
  }

  private async write(): Promise<void> {
    await writeFileAtomic(path.join(this.dir, FILE), `${JSON.stringify(this.record, null, 2)}\n`);
  }
}

/** Which encoder a run keeps, for {@link validationWarnings}. */
export type KeptModel = 'best' | 'final';

/**
 * Warnings a reader of a run needs: training did not beat its start on validation, the gain is within noise, the
 * score fell after its best, or the embeddings collapsed. `kept` says which encoder the run saved (the messages say
 * what that means); `tolerance` absorbs noise in MRR@10 (absolute).
 */
export function validationWarnings(outcome: ValidationOutcome, options: { kept?: KeptModel; tolerance?: number } = {}): string[] {
  const { kept = 'best', tolerance = 0.002 } = options;
  const out: string[] = [];
  const { start, best, final } = outcome;
  if (best.step === start.step)
    out.push(
      `training did not improve validation MRR@10 (start ${start.mrrAt10}, final ${final.mrrAt10}): ` +
        (kept === 'best'
          ? 'the saved model is the untrained encoder — try another method, pooling, learning rate or more data'
          : `the final encoder was saved anyway (the untrained one is in validation/best-${best.step}/)`),
    );
  else if (best.mrrAt10 <= start.mrrAt10 + tolerance)
    out.push(
      `validation MRR@10 barely moved (start ${start.mrrAt10}, best ${best.mrrAt10} at step ${best.step}, final ${final.mrrAt10}): ` +
        'the gain is within noise, training may not have helped',
    );
  else if (final.mrrAt10 < best.mrrAt10 - tolerance)
    out.push(
      `validation MRR@10 fell after step ${best.step} (best ${best.mrrAt10}, final ${final.mrrAt10}): ` +
        (kept === 'best'
          ? `the model of step ${best.step} is kept`
          : `the final encoder was saved (step ${best.step}'s is in validation/best-${best.step}/)`),
    );
  if (final.participation < 2 && start.participation >= 2)
    out.push(
      `the embeddings collapsed: their participation ratio fell from ${start.participation} to ${final.participation} dimensions (every text maps to nearly one direction)`,
    );
  return out;
}
