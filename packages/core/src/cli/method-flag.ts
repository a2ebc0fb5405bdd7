import type { FlagValues } from './args.js';
import { oneOfFlag, stringFlag, UsageError } from './args.js';
import { readRunConfig } from './run-folder.js';

/**
 * The method a command runs: `--method` (one of `methods`), else — with `--resume --out DIR` — the method DIR's
 * run.json recorded (a run of `tool`), else a {@link UsageError} listing the methods.
 */
export async function methodOrResumed<M extends string>(values: FlagValues, methods: readonly M[], tool: string): Promise<M> {
  const method = oneOfFlag(values, 'method', methods);
  if (method !== undefined) return method;
  const out = stringFlag(values, 'out');
  if (values.resume === true && out !== undefined) return (await readRunConfig(out, 'out', { tool })).method as M;
  throw new UsageError(`--method is required (${methods.join('|')})`);
}

/**
 * Refuses a flag given for a method it does not apply to: `applies` maps a flag name (without dashes) to the
 * methods that read it, e.g. `{ alpha: ['paco'] }` refuses `--alpha` with `--method ce`.
 */
export function refuseFlagsOfOtherMethods(values: FlagValues, applies: Readonly<Record<string, readonly string[]>>, method: string): void {
  for (const [flag, methods] of Object.entries(applies)) {
    if (values[flag] !== undefined && !methods.includes(method))
      throw new UsageError(`--${flag} applies to ${methods.join(', ')} only, not ${method}`);
  }
}
