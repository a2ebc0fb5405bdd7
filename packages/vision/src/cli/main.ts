#!/usr/bin/env node
import { UsageError } from './args.js';
import { evalCommand } from './eval-command.js';
import { MAIN_HELP } from './help.js';
import { trainCommand } from './train-command.js';

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function run(argv: string[], out = (s: string) => process.stdout.write(`${s}\n`), err = (s: string) => process.stderr.write(`${s}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === 'train') return await trainCommand(rest, out, err);
    if (command === 'eval') return await evalCommand(rest, out, err);
    throw new UsageError(`unknown command '${command}' (expected 'train' or 'eval')`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`contrastive-vision: ${e.message}\nRun 'contrastive-vision ${command === 'eval' ? 'eval ' : command === 'train' ? 'train ' : ''}--help' for usage.`);
      return 2;
    }
    err(`contrastive-vision: ${(e as Error).message}`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain || process.argv[1]?.endsWith('contrastive-vision')) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
