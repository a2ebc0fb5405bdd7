import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { TrainCallbacks } from '@contrastive/core';
import { writeFileAtomic } from '@contrastive/core/node';
import { corpusNll } from '../../seq2seq/evaluate/valid-nll.js';
import type { Seq2SeqModel } from '../../seq2seq/model/seq2seq-model.js';
import type { EncodedPairs } from '../../seq2seq/data/index.js';

/** One validation score. */
export interface NllPoint {
  step: number;
  nll: number;
}

/** `validation/validation.json`. */
interface NllRecord {
  history: NllPoint[];
  best?: NllPoint;
}

/**
 * Validation NLL during a seq2seq run, and the best model on it (fairseq's `checkpoint_best`): scored before step 1,
 * every `every` steps and after the last; a new best is written whole to `validation/best.tmp/`, renamed to
 * `validation/best/`, then recorded in `validation.json` (so a crash leaves either the old or the new best, and the
 * record never names a model that is not there). `--resume` continues the record.
 */
export class NllValidation {
  private record: NllRecord = { history: [] };
  private readonly dir: string;

  constructor(
    out: string,
    private readonly model: Seq2SeqModel,
    private readonly pairs: EncodedPairs,
    private readonly every: number,
    private readonly totalSteps: number,
    private readonly save: (dir: string) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {
    this.dir = path.join(out, 'validation');
  }

  get best(): NllPoint | undefined {
    return this.record.best;
  }

  get history(): readonly NllPoint[] {
    return this.record.history;
  }

  /** The best model's folder (present once a best was recorded). */
  get bestDir(): string {
    return path.join(this.dir, 'best');
  }

  callbacks(): TrainCallbacks {
    return {
      onTrainBegin: async (info) => {
        const file = path.join(this.dir, 'validation.json');
        if (info.resumed && existsSync(file)) {
          this.record = JSON.parse(await readFile(file, 'utf8')) as NllRecord;
          this.record.history = this.record.history.filter((p) => p.step <= info.globalStep);
          if (this.record.best && !existsSync(this.bestDir)) delete this.record.best;
        }
        if (info.globalStep === 0) await this.validate(0);
      },
      onStepEnd: async (g) => {
        if ((g + 1) % this.every === 0 || g + 1 === this.totalSteps) await this.validate(g + 1);
      },
    };
  }

  private async validate(step: number): Promise<void> {
    if (this.pairs.sources.length === 0) return;
    const nll = corpusNll(this.model, this.pairs);
    this.record.history.push({ step, nll });
    const improved = Number.isFinite(nll) && (this.record.best === undefined || nll < this.record.best.nll);
    this.log(`validation step ${step}: NLL ${nll.toFixed(4)} nats/token${improved ? ' (best)' : ''}`);
    if (improved) {
      const tmp = path.join(this.dir, 'best.tmp');
      await rm(tmp, { recursive: true, force: true });
      await this.save(tmp);
      await rm(this.bestDir, { recursive: true, force: true });
      await rename(tmp, this.bestDir);
      this.record.best = { step, nll };
    }
    await writeFileAtomic(path.join(this.dir, 'validation.json'), `${JSON.stringify(this.record, null, 2)}\n`);
  }
}
