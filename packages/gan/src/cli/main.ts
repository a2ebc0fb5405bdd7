#!/usr/bin/env node
/** `contrastive-gan`: the commands; flags, help, run folder and summary come from `@contrastive/core/cli`. */
import { defineCli, isEntryModule, runMain } from '@contrastive/core/cli';
import { TOOL } from './help.js';
import { trainCommand, VERSION } from './train-command.js';

/** The CLI: `run(argv, io)` resolves to the exit code (tests pass an `io` that collects the lines). */
export const run = defineCli({
  tool: TOOL,
  version: VERSION,
  summary: 'ContraD and GAN baselines on TensorFlow.js, scored with fid-fmnist / kid-fmnist / is-fmnist',
  commands: {
    train: {
      summary: 'train ContraD or a GAN baseline on images; sample grids each epoch; scores as it trains',
      run: trainCommand,
    },
  },
  examples: [
    `${TOOL} train --method contrad --data bundled --epochs 5 --json`,
    `${TOOL} train --method gan --data /usr/share/datasets/fashion-mnist`,
  ],
});

/** Runs the CLI on the process's arguments and sets `process.exitCode` (what `bin/contrastive-gan.js` calls). */
export const main = (argv: readonly string[] = process.argv.slice(2)): Promise<void> => runMain(run, argv);

if (isEntryModule(import.meta.url)) void main();
