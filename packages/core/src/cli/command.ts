/**
 * Commands and the CLI around them.
 *
 * Stream rule, the same in every tool: **stdout carries only results** — the JSON summary line with
 * `--json`, an encoder's JSONL output, or (without `--json`) a human-readable report — and **every log line
 * goes to stderr** (progress, backend choice, warnings, errors). So `tool train --json | jq` always works.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFlags, UsageError, type FlagSpec, type FlagValues } from './args.js';
import { formatMainHelp } from './help.js';

/** Where a CLI writes: one call per line, without the trailing newline. Tests pass arrays' `push`. */
export interface CliIo {
  /** A result line (stdout). */
  out(line: string): void;
  /** A log or error line (stderr). */
  err(line: string): void;
}

/** The process's streams: `out` → stdout, `err` → stderr, each line followed by a newline. */
export const processIo: CliIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/** What a command starts from (see {@link startCommand}). */
export interface CommandContext {
  /** The parsed flags; read them with the typed readers (`intFlag`, `readCommonFlags`, …). */
  values: FlagValues;
  /** `--json`: stdout carries only the final JSON line. */
  json: boolean;
  /** `false` with `--no-progress` (pass it to core's `train({ progress })`). */
  progress: boolean;
  /**
   * A log line: **always stderr** (`io.err`), with or without `--json`. Pass it wherever a library logs, e.g.
   * `initBackend({ log })` and `train({ log })`, so nothing but results reaches stdout.
   */
  log: (line: string) => void;
  /** `performance.now()` when the command started, for the summary's wall `seconds`. */
  started: number;
}

/** True when `argv` asks for help (`--help` or `-h` before a `--`), whatever else it holds. */
function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/**
 * Starts a command: `--help`/`-h` anywhere prints `help` on `io.out` and returns `null` (the command then
 * returns exit code 0) even next to a bad flag; otherwise parses `argv` strictly against `spec` (a
 * `help`/`-h` flag is added when missing) and returns the {@link CommandContext}.
 *
 * @example
 * const ctx = startCommand(argv, SPEC, TRAIN_HELP, io);
 * if (!ctx) return 0;
 * const common = readCommonFlags(ctx.values, { epochs: 10, batchSize: 256, lr: 1e-3, outPrefix: method });
 */
export function startCommand(argv: readonly string[], spec: FlagSpec, help: string, io: CliIo): CommandContext | null {
  if (wantsHelp(argv)) {
    io.out(help);
    return null;
  }
  const values = parseFlags(argv, 'help' in spec ? spec : { ...spec, help: { type: 'boolean', short: 'h' } });
  return {
    values,
    json: values.json === true,
    progress: values['no-progress'] !== true,
    log: (line) => io.err(line),
    started: performance.now(),
  };
}

/** One command of a CLI. */
export interface CliCommand {
  /** One line for the main help's command list. */
  summary: string;
  /** Runs the command on the arguments after its name; resolves to the exit code. Throws {@link UsageError} for usage mistakes. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** What {@link defineCli} builds a CLI from. */
export interface CliDefinition {
  /** The executable's name, e.g. `'contrastive-vision'`. */
  tool: string;
  /** Printed by `--version` (the package's version). */
  version: string;
  /** One line saying what the tool does. */
  summary: string;
  /** The commands by name, in help order. */
  commands: Record<string, CliCommand>;
  /** Free text after the command list in the main help (data formats, quick start). */
  details?: string;
  /** Example command lines for the main help. */
  examples?: readonly string[];
}

/** A CLI: runs `argv` (without `node` and the script) and resolves to the exit code; never rejects. */
export type Cli = (argv: readonly string[], io?: CliIo) => Promise<number>;

/**
 * Builds a CLI from its commands. Exit codes and streams:
 *
 * - no command → the main help on stderr, exit 2;
 * - `--help`, `-h`, `help` → the main help on stdout, exit 0; `help <command>` → that command's `--help`;
 * - `--version` → the version on stdout, exit 0;
 * - an unknown command → a usage error listing the valid ones;
 * - a {@link UsageError} → `tool: message` and `Run 'tool <command> --help' for usage.` on stderr, exit 2;
 * - any other error → `tool: message` on stderr (with the stack when env `CONTRASTIVE_DEBUG=1`), exit 1;
 * - otherwise the command's own exit code.
 */
export function defineCli(def: CliDefinition): Cli {
  const names = Object.keys(def.commands);
  const mainHelp = (): string =>
    formatMainHelp({
      tool: def.tool,
      summary: def.summary,
      commands: names.map((name) => ({ name, summary: def.commands[name]!.summary })),
      ...(def.details === undefined ? {} : { details: def.details }),
      ...(def.examples === undefined ? {} : { examples: def.examples }),
    });
  return async (argv, io = processIo) => {
    let [name, ...rest] = argv;
    try {
      if (name === undefined) {
        io.err(mainHelp());
        return 2;
      }
      if (name === 'help' && rest[0] !== undefined) [name, rest] = [rest[0], ['--help']];
      if (name === '--help' || name === '-h' || name === 'help') {
        io.out(mainHelp());
        return 0;
      }
      if (name === '--version') {
        io.out(def.version);
        return 0;
      }
      const command = Object.hasOwn(def.commands, name) ? def.commands[name] : undefined;
      if (!command) {
        const valid = names.map((n) => `'${n}'`).join(', ');
        throw new UsageError(`unknown command '${name}' (expected one of ${valid})`);
      }
      return await command.run(rest, io);
    } catch (e) {
      if (e instanceof UsageError) {
        const known = name !== undefined && Object.hasOwn(def.commands, name);
        io.err(`${def.tool}: ${e.message}`);
        io.err(`Run '${def.tool} ${known ? `${name} ` : ''}--help' for usage.`);
        return e.exitCode;
      }
      io.err(`${def.tool}: ${e instanceof Error ? e.message : String(e)}`);
      if (process.env.CONTRASTIVE_DEBUG === '1' && e instanceof Error && e.stack) io.err(e.stack);
      return 1;
    }
  };
}

/**
 * True when the module at `importMetaUrl` is the process's entry script — run directly (`node dist/cli/main.js`)
 * or through the package's bin symlink (`node_modules/.bin/contrastive-vision`), which is why both paths are
 * compared after resolving symlinks.
 *
 * @example if (isEntryModule(import.meta.url)) runMain(cli);
 */
export function isEntryModule(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(importMetaUrl));
  } catch {
    return false;
  }
}

/** Runs `cli` on the process's arguments and sets `process.exitCode` (never `process.exit`, so pending output is flushed). */
export async function runMain(cli: Cli, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  try {
    process.exitCode = await cli(argv);
  } catch (e) {
    // A Cli from defineCli never rejects; this guards a hand-written one.
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
}
