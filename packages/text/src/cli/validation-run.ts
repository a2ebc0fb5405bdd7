import { cpSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TrainCallbacks } from '@contrastive/core';
import type { RetrievalPair } from '../data/parse-corpus.js';
import type { TextEmbedder } from '../encoders/sentence-encoder.js';
import { ValidationTracker, validationWarnings, type ValidationOutcome } from '../validation/tracker.js';
import type { TaskMetrics } from './tasks.js';

/** Validation passes over a run when `--validate-every` is not given (plus one before the first step). */
export const VALIDATIONS_PER_RUN = 10;
/** The run folder's validation scores and best encoder so far (kept for --resume). */
export const VALIDATION_DIR = 'validation';
/** Where model/ is assembled before it replaces model/ (a crash never leaves a half-written model/). */
export const MODEL_TMP = 'model.tmp';
/** Which encoder model/ keeps: the best on the validation slice (default), or the last. */
export const SELECTIONS = ['best', 'final'] as const;
export type Selection = (typeof SELECTIONS)[number];

/**
 * A training run's validation: the tracker (or none), its callbacks for core's `train()` — score before step 1 (a
 * resumed run keeps the recorded start), every `every` steps and after the last — and how model/ is chosen at the end.
 */
export class RunValidation {
  readonly tracker: ValidationTracker | null;
  readonly every: number;

  constructor(
    private readonly out: string,
    validation: { pairs: RetrievalPair[]; source: string } | null,
    private readonly totalSteps: number,
    every: number | undefined,
    private readonly scorer: TextEmbedder,
    save: (folder: string) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {
    this.every = every ?? Math.max(1, Math.ceil(totalSteps / VALIDATIONS_PER_RUN));
    this.tracker = validation ? new ValidationTracker(path.join(out, VALIDATION_DIR), validation.pairs, validation.source, save) : null;
    if (validation) log(`validation: ${validation.source}; ${validation.pairs.length} pairs scored every ${this.every} steps (MRR@10)`);
    else log('no validation slice (too few training items, or --validation 0): model/ is the final encoder');
  }

  private async validate(step: number): Promise<void> {
    if (!this.tracker) return;
    const p = await this.tracker.score(this.scorer, step);
    this.log(
      `validation step ${step}: MRR@10 ${p.mrrAt10.toFixed(4)}  R@1 ${p.recallAt1.toFixed(4)}  R@10 ${p.recallAt10.toFixed(4)}  (${p.participation} dims used)`,
    );
  }

  /** Callbacks for core's `train()`. */
  callbacks(): TrainCallbacks {
    return {
      onTrainBegin: async (info) => {
        if (info.resumed) this.tracker?.restore(info.globalStep);
        if (info.globalStep === 0) await this.validate(0);
      },
      onStepEnd: async (g) => {
        if ((g + 1) % this.every === 0 || g + 1 === this.totalSteps) await this.validate(g + 1);
      },
    };
  }

  /**
   * Writes model/: the best encoder's folder (copied) or `saveFinal`'s, assembled in model.tmp/ and renamed over
   * model/. Returns what was kept and the warnings of the validation scores.
   */
  async writeModel(
    modelDir: string,
    selection: Selection,
    saveFinal: (dir: string) => Promise<void>,
  ): Promise<{ outcome: ValidationOutcome | null; useBest: boolean; notes: string[] }> {
    const outcome = this.tracker?.outcome() ?? null;
    const useBest = outcome !== null && selection === 'best' && outcome.best.step !== outcome.final.step;
    const tmp = path.join(this.out, MODEL_TMP);
    rmSync(tmp, { recursive: true, force: true });
    if (useBest) cpSync(outcome.bestFolder!, tmp, { recursive: true });
    else await saveFinal(tmp);
    rmSync(modelDir, { recursive: true, force: true });
    renameSync(tmp, modelDir);
    const notes: string[] = [];
    if (outcome) {
      const { start, best, final } = outcome;
      this.log(
        `validation MRR@10: start ${start.mrrAt10.toFixed(4)}, best ${best.mrrAt10.toFixed(4)} (step ${best.step}), final ${final.mrrAt10.toFixed(4)}`,
      );
      notes.push(...validationWarnings(outcome, { kept: useBest || outcome.best.step === outcome.final.step ? 'best' : 'final' }));
    }
    return { outcome, useBest, notes };
  }
}

/** The summary's validation metrics and which encoder was kept. */
export function validationMetrics(outcome: ValidationOutcome | null, useBest: boolean): Record<string, number | string> {
  return {
    ...(outcome
      ? {
          validationStart: outcome.start.mrrAt10,
          validationBest: outcome.best.mrrAt10,
          validationFinal: outcome.final.mrrAt10,
          validationBestStep: outcome.best.step,
        }
      : {}),
    selected: useBest ? 'best' : 'final',
  };
}

/** A warning when the saved encoder scores below the untrained one on the --eval-pairs task. */
export function evalWarnings(untrained: TaskMetrics | undefined, trained: TaskMetrics | undefined): string[] {
  if (!untrained || !trained) return [];
  if ('mrrAt10' in trained && 'mrrAt10' in untrained && trained.mrrAt10 < untrained.mrrAt10 - 0.002)
    return [`the saved encoder scores below the untrained one on --eval-pairs (MRR@10 ${trained.mrrAt10} vs ${untrained.mrrAt10})`];
  if ('spearman' in trained && 'spearman' in untrained && trained.spearman < untrained.spearman - 0.002)
    return [`the saved encoder scores below the untrained one on --eval-pairs (Spearman ${trained.spearman} vs ${untrained.spearman})`];
  return [];
}
