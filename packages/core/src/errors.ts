/**
 * The typed errors of core's training loop and checkpoints (browser-safe: no `node:` import). Each names what
 * failed, where, and what to do about it, and carries the values as fields so a CLI or a script can react to
 * the class rather than parse the message.
 */

/** A variable (or optimizer slot) holding NaN or ±Infinity values, as found by `nonFiniteVariables`. */
export interface NonFiniteVariable {
  /** The variable's name (`stateTensors()` key), or the optimizer slot's name. */
  name: string;
  /** `'variable'`, or `"optimizer '<key>'"` for an optimizer slot. */
  owner: string;
  /** How many values are NaN. */
  nan: number;
  /** How many values are +Infinity or -Infinity. */
  inf: number;
  /** How many values the tensor has. */
  size: number;
}

/** `'w' (3 NaN, 1 Inf of 12)`, `optimizer 'adam' slot 'w/m' (12 NaN of 12)`, the first few, then `… and 4 more`. */
export function describeNonFinite(found: readonly NonFiniteVariable[], max = 4): string {
  const one = (v: NonFiniteVariable): string => {
    const counts = [v.nan > 0 ? `${v.nan} NaN` : '', v.inf > 0 ? `${v.inf} Inf` : ''].filter((s) => s !== '').join(', ');
    const what = v.owner === 'variable' ? `'${v.name}'` : `${v.owner} slot '${v.name}'`;
    return `${what} (${counts} of ${v.size})`;
  };
  const shown = found.slice(0, max).map(one).join(', ');
  return found.length > max ? `${shown} and ${found.length - max} more` : shown;
}

/**
 * The model's state is not finite: a variable or an optimizer slot holds NaN or ±Infinity. Thrown by
 * `saveCheckpoint` (before anything is written, so the previous checkpoint stays as it was) and by
 * `assertFiniteState` (which CLIs call before saving or scoring a final model).
 */
export class NonFiniteStateError extends Error {
  /** Always `'ENONFINITE'`. */
  readonly code = 'ENONFINITE';
  /** Every non-finite variable and slot. */
  readonly variables: NonFiniteVariable[];
  constructor(variables: readonly NonFiniteVariable[], what = 'the model') {
    super(
      `${what} is not finite: ${describeNonFinite(variables)}. Training has probably diverged: ` +
        'try a learning rate ten times smaller, check the inputs for NaN/Inf values, or use a larger temperature',
    );
    this.name = 'NonFiniteStateError';
    this.variables = [...variables];
  }
}

/** Where in the run {@link TrainingDivergedError} was detected. */
export interface DivergedAt {
  /** Step within the epoch (0-based). */
  step: number;
  /** Epoch (0-based). */
  epoch: number;
  /** Step over the whole run (0-based). */
  globalStep: number;
}

/**
 * Training diverged: the loss of a step was NaN or ±Infinity (`value`), or — found when saving a checkpoint —
 * the weights were no longer finite while the loss still was (`variables` is then set). Thrown by `train()`,
 * which stops at that step; no checkpoint is written after it (the last good one stays as it was), while the
 * loss history (losses.csv, the curve) is still written for diagnosis.
 */
export class TrainingDivergedError extends Error {
  /** Always `'EDIVERGED'`. */
  readonly code = 'EDIVERGED';
  /** Step within the epoch (0-based). */
  readonly step: number;
  /** Epoch (0-based). */
  readonly epoch: number;
  /** Step over the whole run (0-based). */
  readonly globalStep: number;
  /** The loss of that step (NaN or ±Infinity when the loss diverged; finite when only the weights did). */
  readonly value: number;
  /** The non-finite variables, when the weights diverged while the loss stayed finite. */
  readonly variables?: NonFiniteVariable[];
  /** Where the last good checkpoint is (its location), if the run had one. */
  readonly checkpoint?: string;
  constructor(
    at: DivergedAt,
    value: number,
    options: { variables?: readonly NonFiniteVariable[]; checkpoint?: string; lastSavedStep?: number; cause?: unknown } = {},
  ) {
    const where = `step ${at.step + 1} of epoch ${at.epoch + 1} (global step ${at.globalStep + 1})`;
    const what =
      options.variables === undefined
        ? `the loss is ${String(value)} at ${where}`
        : `the weights are not finite after ${where} although the loss was ${String(value)}: ${describeNonFinite(options.variables)}`;
    const kept =
      options.checkpoint === undefined
        ? ''
        : options.lastSavedStep === undefined
          ? `. Nothing was saved to '${options.checkpoint}' after it`
          : `. The checkpoint in '${options.checkpoint}' still holds the last good state (saved after global step ${options.lastSavedStep})`;
    super(
      `training diverged: ${what}. Likely causes: a learning rate too high (try one ten times smaller), ` +
        `non-finite values (NaN/Inf) in the inputs, or a temperature too small${kept}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'TrainingDivergedError';
    this.step = at.step;
    this.epoch = at.epoch;
    this.globalStep = at.globalStep;
    this.value = value;
    if (options.variables !== undefined) this.variables = [...options.variables];
    if (options.checkpoint !== undefined) this.checkpoint = options.checkpoint;
  }
}

/**
 * A checkpoint that is present but cannot be used: its manifest is not valid JSON or not a valid manifest, a
 * tensor entry does not fit the weights file, the weights file's checksum does not match, or it holds
 * non-finite values. Never treated as "no checkpoint yet": resuming from it is refused (delete the folder, or
 * pass `--overwrite` to a CLI, to start again). `file` names the offending file.
 */
export class CheckpointCorruptError extends Error {
  /** Always `'ECORRUPTCHECKPOINT'`. */
  readonly code = 'ECORRUPTCHECKPOINT';
  /** The file at fault (the manifest or the weights file). */
  readonly file: string;
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(
      `corrupt checkpoint '${file}': ${problem}; delete the checkpoint folder (or pass --overwrite to the CLI) to start again`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'CheckpointCorruptError';
    this.file = file;
  }
}

/**
 * A valid checkpoint that does not fit the state it is loaded into: a variable or optimizer missing, a shape,
 * dtype or optimizer class that differs (the model was built with other settings). `dir` names the checkpoint.
 */
export class CheckpointMismatchError extends Error {
  /** Always `'ECHECKPOINTMISMATCH'`. */
  readonly code = 'ECHECKPOINTMISMATCH';
  /** The checkpoint (its folder or store location). */
  readonly dir: string;
  constructor(dir: string, problem: string) {
    super(`checkpoint '${dir}' does not fit this model: ${problem}`);
    this.name = 'CheckpointMismatchError';
    this.dir = dir;
  }
}
