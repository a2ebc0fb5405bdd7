#!/usr/bin/env node
/** `contrastive-multimodal`: the commands; flags, help, run folder and summary come from `@contrastive/core/cli`. */
import { defineCli, isEntryModule, runMain } from '@contrastive/core/cli';
import { DATA_SUMMARY, dataCommand } from './data-command.js';
import { EVAL_SUMMARY, evalCommand } from './eval-command.js';
import { TOOL } from './help.js';
import { SEARCH_SUMMARY, searchCommand } from './search-command.js';
import { trainCommand, VERSION } from './train-command.js';

/** The CLI: `run(argv, io)` resolves to the exit code (tests pass an `io` that collects the lines). */
export const run = defineCli({
  tool: TOOL,
  version: VERSION,
  summary: 'image–text contrastive learning (CLIP loss, LiT with a locked USE-lite text tower) on TensorFlow.js',
  commands: {
    data: { summary: DATA_SUMMARY, run: dataCommand },
    train: { summary: 'train an image and a text tower into one space; score image↔text retrieval', run: trainCommand },
    eval: { summary: EVAL_SUMMARY, run: evalCommand },
    search: { summary: SEARCH_SUMMARY, run: searchCommand },
  },
  examples: [
    `${TOOL} data --source tuxpaint --out data/tuxpaint`,
    `${TOOL} train --method lit --data data/tuxpaint --json`,
    `${TOOL} train --method clip --data data/tuxpaint --out runs/clip`,
    `${TOOL} search --checkpoint runs/clip --images data/tuxpaint --query "a red apple"`,
  ],
});

/** Runs the CLI on the process's arguments and sets `process.exitCode` (what `bin/contrastive-multimodal.js` calls). */
export const main = (argv: readonly string[] = process.argv.slice(2)): Promise<void> => runMain(run, argv);

if (isEntryModule(import.meta.url)) void main();
