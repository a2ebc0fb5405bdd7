/**
 * Flag parsing and typed flag readers shared by every `contrastive-*` CLI.
 *
 * Parsing is `node:util` `parseArgs` in strict mode with no positionals: every input is a named flag, so
 * a typo is an error instead of a silently ignored word. The readers turn the raw strings into checked
 * values; each failure is a {@link UsageError} that names the flag, the value given and what was expected,
 * e.g. `--epochs must be an integer >= 1, got '0'`.
 */
import { parseArgs } from 'node:util';

/**
 * A mistake on the command line (unknown flag, bad value, conflicting flags, an `--out` that would be
 * overwritten). The CLI prints its message with a `--help` hint and exits with {@link UsageError.exitCode}
 * (2), so scripts can tell "you called it wrong" from a failure while running (exit 1).
 */
export class UsageError extends Error {
  /** The process exit code of a usage error: 2, as for most Unix tools. */
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The flags a command accepts, keyed by name without the dashes (`'batch-size'` is `--batch-size`). Every
 * value flag is a `'string'` (the readers convert it); `short` is a one-letter alias (`h` for `-h`);
 * `multiple` collects repeated occurrences into a `string[]`.
 */
export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Parsed flags as `parseArgs` returns them: absent flags are `undefined`. Read them with the typed readers. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses `argv` (the arguments after the command name) against `spec`, strictly: an unknown flag, a value
 * flag without its value, a value given to a boolean flag or a positional argument is a {@link UsageError}
 * with Node's message (without its `TypeError [ERR_PARSE_ARGS_…]:` prefix), plus a "did you mean" for a
 * near-miss flag name.
 */
export function parseFlags(argv: readonly string[], spec: FlagSpec): FlagValues {
  try {
    const { values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false });
    return values as FlagValues;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).replace(/^TypeError \[[A-Z_]+\]: /, '').replace(/\s*\n\s*/g, ' ');
    const unknown = /^Unknown option '--?([^']+)'/.exec(message)?.[1];
    const near = unknown === undefined ? undefined : closestFlag(unknown, Object.keys(spec));
    throw new UsageError(near === undefined ? message : `${message} (did you mean --${near}?)`);
  }
}

/** The flag in `names` within edit distance 2 of `given` (the nearest), or `undefined`. */
function closestFlag(given: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = editDistance(given, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (flag names are short, so the quadratic table is fine). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The raw string of a value flag, or `undefined` when absent. A flag declared `boolean` or `multiple`
 * read as a single string is a programming error (plain `Error`, exit 1), not the user's mistake.
 */
function rawString(values: FlagValues, name: string): string | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new Error(`flag --${name} is not a single-valued string flag in this command's FlagSpec`);
  return raw;
}

/**
 * An integer flag in `[min, max]` (`max` optional), or `undefined` when absent. Only plain decimal integers
 * are accepted (`'1e3'`, `'0x10'`, `'2.0'` are refused) so that what was typed is what is used.
 *
 * @example intFlag(values, 'epochs', 1) // --epochs 0 → "--epochs must be an integer >= 1, got '0'"
 */
export function intFlag(values: FlagValues, name: string, min: number, max?: number): number | undefined {
  const raw = rawString(values, name);
  if (raw === undefined) return undefined;
  const v = /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(v) || v < min || (max !== undefined && v > max)) {
    const expected = max === undefined ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`--${name} must be ${expected}, got '${raw}'`);
  }
  return v;
}

/** Bounds of {@link numFlag}. */
export interface NumFlagRange {
  /** Lower bound. Default: `0`, exclusive (so the default range is "> 0"). */
  min?: number;
  /** Upper bound (inclusive unless `exclusiveMax`). Default: none. */
  max?: number;
  /** Whether `min` itself is refused. Default: `true` when `min` is omitted (> 0), else `false` (>= min). */
  exclusiveMin?: boolean;
  /** Whether `max` itself is refused (e.g. a fraction in `(0, 1)`). Default `false`. */
  exclusiveMax?: boolean;
}

/**
 * A finite number flag within `range` (default: > 0), or `undefined` when absent.
 *
 * @example numFlag(values, 'lr') // --lr 0 → "--lr must be a number > 0, got '0'"
 * @example numFlag(values, 'eval-split', { max: 1, exclusiveMax: true }) // a number in (0, 1)
 */
export function numFlag(values: FlagValues, name: string, range: NumFlagRange = {}): number | undefined {
  const raw = rawString(values, name);
  if (raw === undefined) return undefined;
  const min = range.min ?? 0;
  const exclusiveMin = range.exclusiveMin ?? range.min === undefined;
  const { max, exclusiveMax = false } = range;
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  const ok = Number.isFinite(v) && (exclusiveMin ? v > min : v >= min) && (max === undefined || (exclusiveMax ? v < max : v <= max));
  if (!ok) {
    const expected =
      max === undefined
        ? `a number ${exclusiveMin ? '>' : '>='} ${min}`
        : `a number in ${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}`;
    throw new UsageError(`--${name} must be ${expected}, got '${raw}'`);
  }
  return v;
}

/**
 * An optional string flag, or `undefined` when absent. An empty value (`--out ""`, typically an unset shell
 * variable) is a {@link UsageError} rather than a silent empty path.
 */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const raw = rawString(values, name);
  if (raw === undefined) return undefined;
  if (raw.length === 0) throw new UsageError(`--${name} must not be empty, got ''`);
  return raw;
}

/**
 * A required string flag: absent or empty is a {@link UsageError} `--name is required`, followed by
 * `hint` in parentheses when given (e.g. the valid choices).
 */
export function requiredFlag(values: FlagValues, name: string, hint?: string): string {
  const raw = rawString(values, name);
  if (raw === undefined || raw.length === 0) throw new UsageError(`--${name} is required${hint ? ` (${hint})` : ''}`);
  return raw;
}

/**
 * A string flag restricted to `allowed`: `fallback` (or `undefined` without one) when absent; any other
 * value is a {@link UsageError} listing the choices.
 */
export function oneOfFlag<T extends string>(values: FlagValues, name: string, allowed: readonly T[], fallback: T): T;
export function oneOfFlag<T extends string>(values: FlagValues, name: string, allowed: readonly T[], fallback?: T): T | undefined;
export function oneOfFlag<T extends string>(values: FlagValues, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const raw = rawString(values, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  return raw as T;
}

/** A boolean flag: `true` when given, else `false`. Reading a string flag this way is a programming error. */
export function boolFlag(values: FlagValues, name: string): boolean {
  const raw = values[name];
  if (raw === undefined || raw === false) return false;
  if (raw === true) return true;
  throw new Error(`flag --${name} is not a boolean flag in this command's FlagSpec`);
}
