#!/usr/bin/env node
/** `contrastive-graph`: the commands; flags, help, run folder and summary come from `@contrastive/core/cli`. */
import type { CliIo } from '@contrastive/core/cli';
import { defineCli, isEntryModule, runMain, startCommand } from '@contrastive/core/cli';
import { isNodeMethod } from '../methods/registry.js';
import { dataCommand } from './data-command.js';
import { EVAL_SPEC, TRAIN_SPEC } from './flags.js';
import { EVAL_HELP, MAIN_DETAILS, TRAIN_HELP } from './help.js';
import { evalMolecules, trainMolecules } from './molecule-run.js';
import { trainNodes } from './node-run.js';
import { openTrainRun, TOOL, VERSION } from './run-setup.js';

async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, TRAIN_SPEC, TRAIN_HELP, io);
  if (!ctx) return 0;
  const run = await openTrainRun(ctx, io);
  return isNodeMethod(run.method) ? trainNodes(run) : trainMolecules(run);
}

async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, EVAL_SPEC, EVAL_HELP, io);
  if (!ctx) return 0;
  return evalMolecules(ctx, io);
}

/** The CLI: `run(argv, io)` resolves to the exit code (tests pass an `io` that collects the lines). */
export const run = defineCli({
  tool: TOOL,
  version: VERSION,
  summary: 'graph contrastive learning (GraphCL, JOAO, JOAOv2, MoCL, CG3) on TensorFlow.js',
  commands: {
    train: { summary: 'train a method, write the run folder, report its score beside a baseline', run: trainCommand },
    eval: { summary: 'probe a trained graph-level run (--checkpoint DIR = its run folder)', run: evalCommand },
    data: {
      summary: 'build a real node-classification graph (man pages, WordNet) for train --edges/--labels/--features',
      run: dataCommand,
    },
  },
  details: MAIN_DETAILS,
  examples: [
    `${TOOL} train --method graphcl --epochs 10 --json`,
    `${TOOL} train --method cg3 --repeats 10 --json`,
    `${TOOL} eval --checkpoint runs/graphcl-seed0`,
  ],
});

/**
 * Runs the CLI on the process's arguments and sets `process.exitCode`: what `bin/contrastive-graph.js` (the
 * installed command) calls. `node dist/cli/main.js …` runs it too, through the entry check below; the bin shim
 * is a different file, so the check is false there and the CLI runs once.
 */
export const main = (argv: readonly string[] = process.argv.slice(2)): Promise<void> => runMain(run, argv);

if (isEntryModule(import.meta.url)) void main();
