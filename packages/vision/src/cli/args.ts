import { parseArgs } from 'node:util';

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {}

type Spec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parses `argv` strictly: an unknown flag or a missing value names the flag. */
export function parse(argv: string[], spec: Spec): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false });
    return values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** An integer flag ≥ `min`, or `undefined` when absent. */
export function intFlag(values: Record<string, unknown>, name: string, min: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${String(raw)}'`);
  return v;
}

/** A positive number flag, or `undefined` when absent. */
export function numFlag(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new UsageError(`--${name} must be a number > 0, got '${String(raw)}'`);
  return v;
}

/** A string flag restricted to `allowed`. */
export function oneOf<T extends string>(values: Record<string, unknown>, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${String(raw)}'`);
  return raw as T;
}

/** A required string flag. */
export function required(values: Record<string, unknown>, name: string): string {
  const raw = values[name];
  if (typeof raw !== 'string' || raw.length === 0) throw new UsageError(`--${name} is required`);
  return raw;
}

/** What every command starts from (see {@link startCommand}). */
export interface CommandStart {
  /** The parsed flags. */
  v: Record<string, string | boolean | undefined>;
  /** `--json`: stdout carries only the final JSON line. */
  json: boolean;
  /** Where progress messages go: stderr under `--json`, else stdout. */
  log: (s: string) => void;
  /** `performance.now()` at the start, for the summary's `seconds`. */
  started: number;
}

/** Parses a command's flags; prints `help` and returns `null` for `--help`. */
export function startCommand(argv: string[], spec: Spec, help: string, out: (s: string) => void, err: (s: string) => void): CommandStart | null {
  const v = parse(argv, spec);
  if (v.help) {
    out(help);
    return null;
  }
  const json = v.json === true;
  return { v, json, log: json ? err : out, started: performance.now() };
}
