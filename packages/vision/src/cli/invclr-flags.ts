import { intFlag, numFlag, UsageError, type FlagHelp, type FlagSpec, type FlagValues } from '@contrastive/core/cli';
import type { MethodName } from '../methods/registry.js';
import type { VisionRecipeOptions } from '../recipes.js';

/** `--eval-passes M`: test-time feature averaging (train and eval). */
export const EVAL_PASSES_FLAG = { 'eval-passes': { type: 'string' } } as const satisfies FlagSpec;

/** InvCLR's penalty flags and `--eval-passes`, as the train command declares them. */
export const INVCLR_FLAGS = {
  'gp-weight': { type: 'string' },
  'gp-samples': { type: 'string' },
  'gp-upper-limit': { type: 'string' },
  ...EVAL_PASSES_FLAG,
} as const satisfies FlagSpec;

/** Largest `--eval-passes`: M = 100 is the paper's; 1,000 passes over a data set is already hours on CPU. */
export const MAX_EVAL_PASSES = 1000;

export const EVAL_PASSES_HELP: FlagHelp = {
  name: 'eval-passes',
  arg: 'M',
  help: `test-time feature averaging (InvCLR, Foster et al. 2021): embed every image as the mean of M passes through the run's training views (crop, flip, colour), seeded by --seed, then kNN / probe as usual; M > 1 also reports metrics.conditionalVariance (Σ_d Var[ĥ_d | x] of the normalised representation under re-sampled views, mean over the test set; lower = more invariant). 1 to ${MAX_EVAL_PASSES}`,
  default: '1 (the plain images)',
};

export const INVCLR_FLAG_HELP: FlagHelp[] = [
  {
    name: 'gp-weight',
    arg: 'λ',
    help: 'invclr only: weight of the gradient penalty (0 = SimCLR on the same views), >= 0',
    default: '0.1 (the paper’s CIFAR value)',
  },
  {
    name: 'gp-samples',
    arg: 'K',
    help: 'invclr only: resampled colour parameters α′ per image in the penalty, 1 to 10000 (they cost no forward pass)',
    default: '100 (the paper’s)',
  },
  { name: 'gp-upper-limit', arg: 'X', help: 'invclr only: clamp of the penalty, > 0', default: '1' },
  EVAL_PASSES_HELP,
];

/** The InvCLR flags as given (undefined when absent). */
export interface InvclrFlagValues {
  gpWeight?: number;
  gpSamples?: number;
  gpUpperLimit?: number;
}

/** Reads and validates `--gp-weight`, `--gp-samples`, `--gp-upper-limit`. */
export function readInvclrFlags(values: FlagValues): InvclrFlagValues {
  const gpWeight = numFlag(values, 'gp-weight', { min: 0, exclusiveMin: false });
  const gpSamples = intFlag(values, 'gp-samples', 1, 10000);
  const gpUpperLimit = numFlag(values, 'gp-upper-limit');
  return {
    ...(gpWeight === undefined ? {} : { gpWeight }),
    ...(gpSamples === undefined ? {} : { gpSamples }),
    ...(gpUpperLimit === undefined ? {} : { gpUpperLimit }),
  };
}

/** `--eval-passes` (default 1). */
export function readEvalPasses(values: FlagValues): number {
  return intFlag(values, 'eval-passes', 1, MAX_EVAL_PASSES) ?? 1;
}

/** Refuses the penalty flags for methods other than invclr, naming the flag. */
export function checkInvclrFlags(method: MethodName, flags: InvclrFlagValues): void {
  if (method === 'invclr') return;
  const given = (
    [
      ['gp-weight', flags.gpWeight],
      ['gp-samples', flags.gpSamples],
      ['gp-upper-limit', flags.gpUpperLimit],
    ] as const
  ).find(([, v]) => v !== undefined);
  if (given) throw new UsageError(`--${given[0]} applies to --method invclr only (got --method ${method})`);
}

/** run.json's InvCLR settings: the flags over the recipe's. */
export function invclrConfig(
  flags: InvclrFlagValues,
  recipe: Partial<VisionRecipeOptions>,
): { gpWeight: number; gpSamples: number; gpUpperLimit: number } {
  return {
    gpWeight: flags.gpWeight ?? recipe.gpWeight ?? 0.1,
    gpSamples: flags.gpSamples ?? recipe.gpSamples ?? 100,
    gpUpperLimit: flags.gpUpperLimit ?? recipe.gpUpperLimit ?? 1,
  };
}

/** The summary metrics of feature averaging: `evalPasses` always, `conditionalVariance` when M > 1. */
export function passMetrics(evalPasses: number, conditionalVariance: number | undefined): Record<string, number> {
  return { evalPasses, ...(conditionalVariance === undefined ? {} : { conditionalVariance }) };
}
