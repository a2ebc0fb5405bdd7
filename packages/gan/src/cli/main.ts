#!/usr/bin/env node
/** `contrastive-gan`: the commands; flags, help, run folder and summary come from `@contrastive/core/cli`. */
import { defineCli, isEntryModule, runMain } from '@contrastive/core/cli';
import { TOOL } from './help.js';
import { probeCommand } from './probe-command.js';
import { sampleCommand } from './sample-command.js';
import { scoreCommand } from './score-command.js';
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
    sample: { summary: "generate images with a run's generator (a folder of PNGs, or one grid)", run: sampleCommand },
    score: { summary: 'fid-fmnist, kid-fmnist and is-fmnist of any image folder against Fashion-MNIST test', run: scoreCommand },
    probe: { summary: "linear probe and kNN of a run's discriminator features, beside random-init D and raw pixels", run: probeCommand },
  },
  examples: [
    `${TOOL} train --method contrad --data bundled --epochs 5 --json`,
    `${TOOL} train --method gan --data /usr/share/datasets/fashion-mnist`,
    `${TOOL} sample --checkpoint runs/contrad --count 2000 --out runs/contrad-samples`,
    `${TOOL} score --images runs/contrad-samples --reference /usr/share/datasets/fashion-mnist`,
    `${TOOL} probe --checkpoint runs/contrad --data /usr/share/datasets/fashion-mnist`,
  ],
});

/** Runs the CLI on the process's arguments and sets `process.exitCode` (what `bin/contrastive-gan.js` calls). */
export const main = (argv: readonly string[] = process.argv.slice(2)): Promise<void> => runMain(run, argv);

if (isEntryModule(import.meta.url)) void main();
