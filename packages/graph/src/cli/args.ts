import { parseArgs } from 'node:util';

/** A command-line mistake: printed with a usage hint, exit code 2. */
export class UsageError extends Error {}

export const OPTIONS = {
  method: { type: 'string' },
  data: { type: 'string' },
  'smiles-column': { type: 'string' },
  'value-column': { type: 'string' },
  threshold: { type: 'string' },
  limit: { type: 'string' },
  edges: { type: 'string' },
  labels: { type: 'string' },
  dataset: { type: 'string' },
  'labels-per-class': { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  hidden: { type: 'string' },
  layers: { type: 'string' },
  lr: { type: 'string' },
  temperature: { type: 'string' },
  'loss-variant': { type: 'string' },
  aug1: { type: 'string' },
  aug2: { type: 'string' },
  'aug-ratio': { type: 'string' },
  gamma: { type: 'string' },
  lambda: { type: 'string' },
  global: { type: 'string' },
  neighbours: { type: 'string' },
  dk: { type: 'string' },
  'local-aug': { type: 'string' },
  dropout: { type: 'string' },
  levels: { type: 'string' },
  'weight-decay': { type: 'string' },
  'test-fraction': { type: 'string' },
  repeats: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  checkpoint: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'boolean' },
  'loss-curve': { type: 'string' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Flags = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

export function parse(argv: string[]): Flags {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values as Flags;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A numeric flag: `undefined` when absent, else a finite number (integer if `int`), ≥ `min`. */
export function num(flags: Flags, name: keyof typeof OPTIONS, opts: { int?: boolean; min?: number } = {}): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(v) || (opts.int && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min)) {
    throw new UsageError(`--${name} must be ${opts.int ? 'an integer' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}, got '${String(raw)}'`);
  }
  return v;
}

export function str(flags: Flags, name: keyof typeof OPTIONS): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}
