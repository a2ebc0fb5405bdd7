#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { UsageError } from './args.js';
import { embedCommand } from './embed-command.js';
import { evalCommand } from './eval-command.js';
import { MAIN_HELP } from './help.js';
import { trainCommand } from './train-command.js';

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function run(
  argv: string[],
  out: (s: string) => void = (s) => void process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => void process.stderr.write(`${s}\n`),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === 'train') return await trainCommand(rest, out, err);
    if (command === 'eval') return await evalCommand(rest, out, err);
    if (command === 'embed') return await embedCommand(rest, out, err);
    throw new UsageError(`unknown command '${command}' (expected 'train', 'eval' or 'embed')`);
  } catch (e) {
    if (e instanceof UsageError) {
      const sub = command === 'train' || command === 'eval' || command === 'embed' ? `${command} ` : '';
      err(`contrastive-vision: ${e.message}\nRun 'contrastive-vision ${sub}--help' for usage.`);
      return 2;
    }
    err(`contrastive-vision: ${(e as Error).message}`);
    return 1;
  }
}

/** True when this file is the process entry (directly, or through the `contrastive-vision` bin symlink). */
function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntry()) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
