#!/usr/bin/env node
import { initBackend } from '@contrastive/core';
import type { BackendName } from '@contrastive/core';
import { UsageError, oneOf, parse, str } from './args.js';
import { HELP } from './help.js';
import { moleculeCommand } from './molecule-run.js';
import { nodeCommand } from './node-run.js';

const METHODS = ['graphcl', 'joao', 'joaov2', 'mocl', 'cg3'] as const;

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function run(
  argv: string[],
  out = (s: string): void => void process.stdout.write(`${s}\n`),
  err = (s: string): void => void process.stderr.write(`${s}\n`),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command !== 'train' && command !== 'eval') throw new UsageError(`unknown command '${command}' (expected 'train' or 'eval')`);
    const flags = parse(rest);
    if (flags.help) {
      out(HELP);
      return 0;
    }
    const method = str(flags, 'method');
    if (method === undefined) throw new UsageError(`--method is required (${METHODS.join('|')})`);
    const m = oneOf(method, METHODS, 'method', 'graphcl');
    const requested = str(flags, 'backend');
    const backend = await initBackend({
      ...(requested ? { backend: oneOf(requested, ['tensorflow', 'wasm', 'cpu'] as const, 'backend', 'wasm') as BackendName } : {}),
      log: (l: string) => err(l),
    });
    if (m === 'cg3') {
      if (command === 'eval') throw new UsageError("cg3 evaluates at the end of 'train' (test accuracy on the unlabelled nodes); use 'train --method cg3'");
      return await nodeCommand(flags, backend, out, err);
    }
    return await moleculeCommand(command, m, flags, backend, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`contrastive-graph: ${e.message}\nRun 'contrastive-graph --help' for usage.`);
      return 2;
    }
    err(`contrastive-graph: ${(e as Error).message}`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain || process.argv[1]?.endsWith('contrastive-graph')) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
