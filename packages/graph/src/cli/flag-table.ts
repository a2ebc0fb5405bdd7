/**
 * The kit of the graph CLI's flag tables: a flag's type (parser, methods, help, default, method option) and the
 * helpers that declare one row. The tables themselves are in `flags.ts` (node and method flags) and
 * `molecule-flags.ts` (molecule input).
 */
import type { FlagHelp, FlagValues, NumFlagRange } from '@contrastive/core/cli';
import { intFlag, numFlag, oneOfFlag, stringFlag } from '@contrastive/core/cli';
import type { GraphRecipeOptions } from '../recipes.js';

/** A value a setting takes (what run.json records). */
export type SettingValue = string | number;
/** Resolved settings by flag name: what run.json's `config` holds and a resumed run reads back. */
export type Settings = Record<string, SettingValue | undefined>;

/** A flag of the graph CLI (see the tables below). */
export interface GraphFlag {
  /** The flag's name without dashes. */
  name: string;
  /** Methods it applies to; given with another method it is refused. */
  methods: readonly string[];
  /** Reads and checks the flag (`undefined` when absent). */
  read(values: FlagValues): SettingValue | undefined;
  /** Help line. */
  help: FlagHelp;
  /** Value when neither the flag nor the recipe gives one. Default: none (the method's own default). */
  fallback?: SettingValue;
  /** The method option the value sets (method flags only), and the recipe's value for the default. */
  option?: {
    set(options: Record<string, unknown>, value: SettingValue): void;
    fromRecipe(recipe: GraphRecipeOptions): SettingValue | undefined;
  };
}

/** A flag that sets method option `key` to its value (recipe default: the recipe's `key`). */
export function plain(key: keyof GraphRecipeOptions): NonNullable<GraphFlag['option']> {
  return {
    set: (options, value) => {
      options[key] = value;
    },
    fromRecipe: (recipe) => recipe[key] as SettingValue | undefined,
  };
}

export type Reader = (values: FlagValues, name: string) => SettingValue | undefined;
export const text: Reader = (values, name) => stringFlag(values, name);
export const int =
  (min: number): Reader =>
  (values, name) =>
    intFlag(values, name, min);
export const num =
  (range: NumFlagRange = {}): Reader =>
  (values, name) =>
    numFlag(values, name, range);
export const choice =
  (allowed: readonly string[]): Reader =>
  (values, name) =>
    oneOfFlag(values, name, allowed);

/** One table row: `--name ARG` for `methods`, read by `read`, with its help, default and method option. */
export function flag(
  name: string,
  methods: readonly string[],
  read: Reader,
  help: Omit<FlagHelp, 'name'>,
  more: Pick<GraphFlag, 'option' | 'fallback'> = {},
): GraphFlag {
  return { name, methods, read: (values) => read(values, name), help: { name, ...help }, ...more };
}
