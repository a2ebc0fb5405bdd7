import type { NodeSplit } from '../data/node-split.js';

/** Accuracy of `predicted` against `truth` on the nodes `idx` (NaN for an empty set). */
export function accuracyOn(predicted: Int32Array, truth: Int32Array, idx: Int32Array): number {
  if (idx.length === 0) return Number.NaN;
  let right = 0;
  for (const i of idx) if (predicted[i] === truth[i]) right++;
  return right / idx.length;
}

/** The state of a {@link BestOfValidation} selection (what a checkpoint folder keeps for a resumed run). */
export interface SelectionState {
  /** Epoch (1-based: after that many epochs) of the best validation accuracy so far; 0 before any. */
  epoch: number;
  validation: number;
  /** Test accuracy at that epoch. */
  test: number;
}

/**
 * Model selection by validation accuracy, the protocol of every published GCN number: after each epoch
 * the predictions are scored on the validation and test nodes, and the test accuracy reported is the one
 * of the epoch with the highest validation accuracy (the first such epoch on ties).
 */
export class BestOfValidation {
  private state: SelectionState = { epoch: 0, validation: -1, test: Number.NaN };
  constructor(
    private readonly truth: Int32Array,
    private readonly split: Pick<NodeSplit, 'validation' | 'test'>,
  ) {}
  /** Scores the predictions after `epoch` (1-based) epochs; true when they are the new best. */
  observe(epoch: number, predicted: Int32Array): { validation: number; test: number; improved: boolean } {
    const validation = accuracyOn(predicted, this.truth, this.split.validation);
    const test = accuracyOn(predicted, this.truth, this.split.test);
    // Without validation nodes every epoch "improves": the last one is reported.
    const improved = this.split.validation.length === 0 || validation > this.state.validation;
    if (improved) this.state = { epoch, validation, test };
    return { validation, test, improved };
  }
  get best(): SelectionState {
    return { ...this.state };
  }
  /** Continues a selection saved by a previous run (resume). */
  restore(state: SelectionState): void {
    this.state = { ...state };
  }
}
