import { parseArgs } from 'node:util';

/** A CLI usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

export type Flags = Record<string, string | boolean | undefined>;

/** Parses `argv` against string/boolean flags; unknown flags are a {@link UsageError} naming them. */
export function parseFlags(argv: string[], spec: Record<string, 'string' | 'boolean'>): Flags {
  try {
    const { values } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(spec).map(([k, type]) => [k, { type }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Flags;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function str(flags: Flags, name: string, fallback?: string): string {
  const v = flags[name];
  if (typeof v === 'string') return v;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`--${name} is required`);
}

export function optStr(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function num(flags: Flags, name: string, fallback: number, options: { int?: boolean; min?: number } = {}): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const x = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(x) || (options.int && !Number.isInteger(x)) || (options.min !== undefined && x < options.min)) {
    throw new UsageError(`--${name} must be ${options.int ? 'an integer' : 'a number'}${options.min !== undefined ? ` >= ${options.min}` : ''}, got '${String(v)}'`);
  }
  return x;
}

export function oneOf<T extends string>(flags: Flags, name: string, allowed: readonly T[], fallback: T): T {
  const v = flags[name] ?? fallback;
  if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${String(v)}'`);
  return v as T;
}
