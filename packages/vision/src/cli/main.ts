#!/usr/bin/env node
import { defineCli, isEntryModule, runMain, type Cli } from '@contrastive/core/cli';
import { dataCommand } from './data-command.js';
import { embedCommand } from './embed-command.js';
import { evalCommand } from './eval-command.js';
import { DATA_HELP, MAIN_EXAMPLES, SUMMARY } from './help.js';
import { TOOL, VERSION } from './tool.js';
import { trainCommand } from './train-command.js';

/** The `contrastive-vision` CLI: `run(argv, io)` resolves to the exit code (flags, help, streams and exit codes from core's toolkit). */
export const run: Cli = defineCli({
  tool: TOOL,
  version: VERSION,
  summary: SUMMARY,
  commands: {
    train: { summary: 'train an encoder without labels, then score it (kNN, linear probe, beside its baselines)', run: trainCommand },
    eval: { summary: "score a run's encoder again and draw its embedding map", run: evalCommand },
    embed: { summary: "write a run's embeddings of a data set to CSV", run: embedCommand },
    data: { summary: 'build a dataset from installed sources (word images for SeqCLR: data words --out DIR)', run: dataCommand },
  },
  details: DATA_HELP,
  examples: MAIN_EXAMPLES,
});

/**
 * Runs the CLI on the process's arguments and sets `process.exitCode`: what `bin/contrastive-vision.js` (the
 * installed command) calls. `node dist/cli/main.js …` runs it too, through the entry check below; the bin shim
 * is a different file, so the check is false there and the CLI runs once.
 */
export const main = (argv: readonly string[] = process.argv.slice(2)): Promise<void> => runMain(run, argv);

if (isEntryModule(import.meta.url)) void main();
