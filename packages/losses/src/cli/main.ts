#!/usr/bin/env node
/** `contrastive-losses`: the commands; flags, help, run folder and summary come from `@contrastive/core/cli`. */
import { defineCli, isEntryModule, runMain } from '@contrastive/core/cli';
import { TOOL } from './help.js';
import { continualCommand } from './continual-command.js';
import { trainCommand, VERSION } from './train-command.js';

/** The CLI: `run(argv, io)` resolves to the exit code (tests pass an `io` that collects the lines). */
export const run = defineCli({
  tool: TOOL,
  version: VERSION,
  summary:
    'PaCo and its long-tail baselines (cross-entropy, logit adjustment, SupCon), JCL, and GRCL for continual domain adaptation, on TensorFlow.js',
  commands: {
    train: {
      summary: 'train a method on (long-tailed) labelled images; score overall and head / medium / tail accuracy',
      run: trainCommand,
    },
    continual: {
      summary: 'GRCL vs plain contrastive fine-tuning over a sequence of shifted domains; accuracy and forgetting per domain',
      run: continualCommand,
    },
  },
  examples: [
    `${TOOL} train --method paco --data bundled --long-tail-ratio 10 --epochs 5 --json`,
    `${TOOL} train --method ce --data /usr/share/datasets/fashion-mnist --long-tail-ratio 100`,
    `${TOOL} continual --method grcl --data bundled --epochs 2`,
  ],
});

/** Runs the CLI on the process's arguments and sets `process.exitCode` (what `bin/contrastive-losses.js` calls). */
export const main = (argv: readonly string[] = process.argv.slice(2)): Promise<void> => runMain(run, argv);

if (isEntryModule(import.meta.url)) void main();
