#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';
import { ENCODE_HELP, encodeCommand } from './encode-command.js';
import { EVAL_HELP, evalCommand } from './eval-command.js';
import { TRAIN_HELP, trainCommand } from './train-command.js';
import { WORDNET_HELP, wordnetCommand } from './wordnet-command.js';

const HELP = `contrastive-text — SimCSE / ConSERT sentence encoders on TensorFlow.js

usage:
  contrastive-text train  --method simcse|simcse-sup|consert --corpus FILE [--model DIR | --config tiny|small] [--eval-pairs FILE] ...
  contrastive-text eval   --checkpoint DIR --task retrieval|sts --pairs FILE [--json]
  contrastive-text encode --checkpoint DIR --input FILE [--output FILE]
  contrastive-text wordnet-data --out DIR [--eval-size N] [--max-train N]
  contrastive-text <command> --help

Models and tokenizers are read from local folders only; nothing is downloaded.`;

const COMMANDS: Record<string, { run: (argv: string[], out: (l: string) => void) => Promise<void>; help: string }> = {
  train: { run: trainCommand, help: TRAIN_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
  encode: { run: encodeCommand, help: ENCODE_HELP },
  'wordnet-data': { run: wordnetCommand, help: WORDNET_HELP },
};

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    out(HELP);
    return cmd === undefined ? 2 : 0;
  }
  const c = COMMANDS[cmd];
  if (!c) {
    process.stderr.write(`unknown command '${cmd}' (expected ${Object.keys(COMMANDS).join(', ')})\n\n${HELP}\n`);
    return 2;
  }
  try {
    await c.run(rest, out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${c.help}\n`);
      return 2;
    }
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
