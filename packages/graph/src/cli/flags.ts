/**
 * The graph CLI's own flags, declared once as tables: each flag's parser, which methods it applies to,
 * the option it sets and its help line. The common flags (`--epochs … --json`) come from core's toolkit.
 */
import type { FlagHelp, FlagSpec, FlagValues } from '@contrastive/core/cli';
import { COMMON_FLAGS, checkResumeFlag, UsageError } from '@contrastive/core/cli';
import { AUGMENTATION_NAMES } from '../augment/registry.js';
import { GRAPH_LEVEL_METHODS, NODE_METHODS } from '../methods/registry.js';
import type { GraphRecipeOptions } from '../recipes.js';
import { MAX_IDENTITY_NODES } from '../data/graph.js';
import { findGraphRecipe, splitRecipe } from '../recipes.js';
import type { GraphFlag, SettingValue, Settings } from './flag-table.js';
import { choice, flag, int, num, plain, text } from './flag-table.js';
import { MOLECULE_DATA_FLAGS } from './molecule-flags.js';

export type { GraphFlag, SettingValue, Settings } from './flag-table.js';
export { MOLECULE_DATA_FLAGS } from './molecule-flags.js';

const MOLECULE = GRAPH_LEVEL_METHODS;
const NODE = NODE_METHODS;
const GRAPHCL_JOAO = ['graphcl', 'joao', 'joaov2'] as const;
const JOAO = ['joao', 'joaov2'] as const;

/** `--aug1`/`--aug2`: one side of GraphCL's augmentation pair. */
function augmentationSide(side: 0 | 1): NonNullable<GraphFlag['option']> {
  return {
    set: (options, value) => {
      const pair = [...((options.augmentations as string[] | undefined) ?? ['nodeDrop', 'subgraph'])];
      pair[side] = value as string;
      options.augmentations = pair;
    },
    fromRecipe: (recipe) => recipe.augmentations?.[side],
  };
}

/** `--test N|all`: a positive integer or 'all'. */
const testSize: (values: FlagValues, name: string) => SettingValue | undefined = (values, name) => {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (raw === 'all') return 'all';
  return int(1)(values, name);
};

/** Node-graph input and the split protocol (cg3, gcn, mlp). */
export const NODE_DATA_FLAGS: readonly GraphFlag[] = [
  flag(
    'dataset',
    NODE,
    choice(['karate']),
    {
      arg: 'karate',
      help: "Zachary's karate club (34 nodes, 2 factions, one-hot node ids as features), unless --edges is given",
      default: 'karate',
    },
    { fallback: 'karate' },
  ),
  flag('edges', NODE, text, {
    arg: 'FILE',
    help: "undirected edge list, one 'u v' pair per line (integer ids, used as names; a 'v v' line declares an isolated node; '#' comments); needs --labels",
  }),
  flag('labels', NODE, text, { arg: 'FILE', help: "'node label' lines: the truth the split draws from" }),
  flag('features', NODE, text, {
    arg: 'FILE',
    help: "node features: dense lines 'node x1 … xF' (whitespace or commas), sparse lines 'node idx:value …' (0-based), or Matrix Market (row r = node id r−1); needs --edges",
    default: `one-hot node ids, only up to ${MAX_IDENTITY_NODES.toLocaleString('en-US')} nodes`,
  }),
  flag(
    'features-format',
    NODE,
    choice(['auto', 'dense', 'sparse', 'mtx']),
    {
      arg: 'auto|dense|sparse|mtx',
      help: 'how to read --features',
      default: 'auto (Matrix Market banner, else idx:value pairs, else dense)',
    },
    { fallback: 'auto' },
  ),
  flag(
    'labels-per-class',
    NODE,
    int(1),
    {
      arg: 'K',
      help: 'training labels per class, drawn by the seed (Planetoid: 20); capped at half the smallest class so every class keeps nodes to score',
      default: '20',
    },
    { fallback: 20 },
  ),
  flag(
    'validation',
    NODE,
    int(0),
    {
      arg: 'V',
      help: 'validation nodes for model selection (best-of-validation epoch); a third of the rest on small graphs',
      default: '500',
    },
    { fallback: 500 },
  ),
  flag(
    'test',
    NODE,
    testSize,
    {
      arg: 'T|all',
      help: "test nodes scored (the rest after validation on small graphs); 'all' = every remaining labelled node",
      default: '1000',
    },
    { fallback: 1000 },
  ),
  flag('eval-every', NODE, int(1), {
    arg: 'N',
    help: 'score validation/test every N epochs (and after the last) for the best-of-validation selection',
    default: '1 (graphcl-node: 10, each scoring fits a probe)',
  }),
  flag(
    'repeats',
    NODE,
    int(1),
    { arg: 'R', help: 'repeat with seeds seed..seed+R-1 (new split and init each) and report mean ± std', default: '1' },
    { fallback: 1 },
  ),
];

/** Method options (each applies to the methods its help names). */
export const METHOD_FLAGS: readonly GraphFlag[] = [
  flag(
    'hidden',
    [...MOLECULE, ...NODE],
    int(1),
    { arg: 'H', help: 'hidden width (GIN layers; the GCN/MLP of cg3/gcn/mlp)', default: '64' },
    { option: plain('hidden') },
  ),
  flag('layers', MOLECULE, int(1), { arg: 'L', help: 'GIN layers (graph-level methods)', default: '3' }, { option: plain('layers') }),
  flag(
    'temperature',
    [...MOLECULE, 'cg3', 'graphcl-node'],
    num(),
    { arg: 'T', help: 'τ of the contrastive loss', default: 'graphcl/joao 0.2, mocl/cg3/graphcl-node 0.5' },
    { option: plain('temperature') },
  ),
  flag(
    'loss-variant',
    GRAPHCL_JOAO,
    choice(['exclude-positive', 'nt-xent']),
    { arg: 'V', help: "graphcl/joao: 'exclude-positive' (GraphCL's code) or 'nt-xent'", default: 'exclude-positive' },
    { option: plain('lossVariant') },
  ),
  flag(
    'aug1',
    ['graphcl'],
    choice(AUGMENTATION_NAMES),
    { arg: 'A', help: `graphcl: augmentation of view 1 (${AUGMENTATION_NAMES.join('|')})`, default: 'nodeDrop' },
    { option: augmentationSide(0) },
  ),
  flag(
    'aug2',
    ['graphcl'],
    choice(AUGMENTATION_NAMES),
    { arg: 'A', help: 'graphcl: augmentation of view 2', default: 'subgraph' },
    { option: augmentationSide(1) },
  ),
  flag(
    'aug-ratio',
    MOLECULE,
    num({ min: 0, max: 1, exclusiveMax: true }),
    { arg: 'R', help: 'augmentation strength', default: '0.2' },
    { option: plain('augRatio') },
  ),
  flag(
    'gamma',
    JOAO,
    num({ min: 0 }),
    { arg: 'G', help: 'joao/joaov2: γ of the distribution regulariser', default: '0.1' },
    { option: plain('gamma') },
  ),
  flag(
    'lambda',
    ['mocl'],
    num({ min: 0 }),
    { arg: 'L', help: 'mocl: weight λ of the global loss', default: '5' },
    { option: plain('lambda') },
  ),
  flag(
    'global',
    ['mocl'],
    choice(['cl', 'ls']),
    { arg: 'cl|ls', help: 'mocl: contrastive or least-squares global loss', default: 'cl' },
    { option: plain('globalLoss') },
  ),
  flag(
    'neighbours',
    ['mocl'],
    int(1),
    { arg: 'K', help: 'mocl: Tanimoto neighbours per molecule', default: '50' },
    { option: plain('neighbours') },
  ),
  flag(
    'dk',
    ['mocl'],
    int(1),
    { arg: 'K', help: 'mocl: bioisosteric substitutions per view (DK_k)', default: '1' },
    { option: plain('dk') },
  ),
  flag(
    'local-aug',
    ['mocl'],
    choice(['domain', ...AUGMENTATION_NAMES]),
    { arg: 'A', help: `mocl: local views, 'domain' (bioisosteres) or ${AUGMENTATION_NAMES.join('|')}`, default: 'domain' },
    { option: plain('localAug') },
  ),
  flag(
    'dropout',
    ['cg3', 'gcn', 'mlp'],
    num({ min: 0, max: 1, exclusiveMax: true }),
    { arg: 'P', help: 'cg3/gcn/mlp: dropout on layer inputs', default: '0.6' },
    { option: plain('dropout') },
  ),
  flag(
    'contrast-nodes',
    ['cg3', 'graphcl-node'],
    int(2),
    {
      arg: 'K',
      help: 'cg3/graphcl-node: nodes the contrastive loss contrasts per step (a uniform sample on larger graphs)',
      default: '2048',
    },
    { option: plain('contrastNodes') },
  ),
  flag(
    'edge-drop-rate',
    ['graphcl-node'],
    num({ min: 0, max: 1, exclusiveMax: true }),
    { arg: 'P', help: 'graphcl-node: share of edges each view drops', default: '0.2' },
    { option: plain('edgeDropRate') },
  ),
  flag(
    'feature-mask-rate',
    ['graphcl-node'],
    num({ min: 0, max: 1, exclusiveMax: true }),
    { arg: 'P', help: 'graphcl-node: share of feature columns each view zeroes', default: '0.2' },
    { option: plain('featureMaskRate') },
  ),
  flag(
    'levels',
    ['cg3'],
    int(0),
    { arg: 'N', help: 'cg3: coarsening levels of the global view', default: '2' },
    { option: plain('levels') },
  ),
  flag(
    'weight-decay',
    NODE,
    num({ min: 0 }),
    { arg: 'W', help: 'cg3/gcn/mlp: L2 on the first layer; graphcl-node: on the encoder', default: '5e-4 (graphcl-node 1e-5)' },
    { option: plain('weightDecay') },
  ),
];

/** Every flag of this CLI beyond the common ones. */
const OWN_FLAGS: readonly GraphFlag[] = [...MOLECULE_DATA_FLAGS, ...NODE_DATA_FLAGS, ...METHOD_FLAGS];

/** `--method` and `--recipe`. */
export const CHOICE_FLAG_HELP: readonly FlagHelp[] = [
  {
    name: 'method',
    arg: 'NAME',
    help: `${[...GRAPH_LEVEL_METHODS, ...NODE_METHODS].join('|')} (with --resume: read from the run's run.json)`,
  },
  {
    name: 'recipe',
    arg: 'NAME',
    help: 'named defaults (see RECIPES): <method>-small (this project) or a paper recipe, e.g. graphcl-chem-paper',
    default: '<method>-small',
  },
];

/** `train`'s flags. */
export const TRAIN_SPEC: FlagSpec = {
  ...COMMON_FLAGS,
  method: { type: 'string' },
  recipe: { type: 'string' },
  ...Object.fromEntries(OWN_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
};

/** `eval`'s flags: the run folder, data overrides, backend and output. */
export const EVAL_SPEC: FlagSpec = {
  checkpoint: { type: 'string' },
  ...Object.fromEntries(MOLECULE_DATA_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
  limit: COMMON_FLAGS.limit,
  backend: COMMON_FLAGS.backend,
  json: COMMON_FLAGS.json,
  help: COMMON_FLAGS.help,
};

/** Refuses an own flag given for a method it does not apply to (e.g. `--gamma` with graphcl). */
export function refuseForeignFlags(values: FlagValues, method: string): void {
  for (const f of OWN_FLAGS) {
    if (values[f.name] !== undefined && !f.methods.includes(method)) {
      throw new UsageError(`--${f.name} does not apply to ${method} (it applies to ${f.methods.join(', ')})`);
    }
  }
}

/**
 * Reads (and so checks) every own flag given for `method`, throwing a `UsageError` for a value out of its
 * range: `train` calls it before the run folder is created, so a bad `--dropout 1.5` leaves nothing behind.
 */
export function checkOwnFlags(values: FlagValues, method: string): void {
  for (const f of OWN_FLAGS) if (f.methods.includes(method)) f.read(values);
}

/**
 * Resolves settings: a given flag, else (with `--resume`) what run.json recorded — a given flag that
 * differs from the record is refused, since the checkpoint was trained with the recorded one — else
 * `fallback`.
 */
export class SettingsResolver {
  readonly settings: Settings = {};
  constructor(
    private readonly out: string,
    private readonly recorded: Settings | undefined,
  ) {}

  /**
   * Resolves `flag` and records it. `mayChange`: a resumed run takes a given value instead of refusing it
   * (`--epochs`: continuing a finished run for more epochs).
   */
  take<T extends SettingValue>(flag: string, given: T | undefined, fallback: T, mayChange?: boolean): T;
  take<T extends SettingValue>(flag: string, given: T | undefined, fallback?: T, mayChange?: boolean): T | undefined;
  take<T extends SettingValue>(flag: string, given: T | undefined, fallback?: T, mayChange = false): T | undefined {
    let value: T | undefined;
    if (this.recorded === undefined || (mayChange && given !== undefined)) value = given ?? fallback;
    else {
      checkResumeFlag(this.out, flag, given, this.recorded[flag]);
      value = (this.recorded[flag] as T | undefined) ?? fallback;
    }
    if (value !== undefined) this.settings[flag] = value;
    return value;
  }
}

/** Resolves the `flags` that apply to `method` into `resolver`'s settings (a flag's default: the recipe's value). */
export function resolveFlags(
  flags: readonly GraphFlag[],
  values: FlagValues,
  method: string,
  recipe: GraphRecipeOptions,
  resolver: SettingsResolver,
): void {
  for (const f of flags) {
    if (f.methods.includes(method)) resolver.take(f.name, f.read(values), f.option?.fromRecipe(recipe) ?? f.fallback);
  }
}

/**
 * The options `createMethod` gets from resolved settings: the recipe's method options, then every method
 * flag's value, the learning rate and the seed. `train` and `eval` (from run.json) build the method with it.
 */
export function methodOptionsOf(settings: Settings, method: string): Record<string, unknown> {
  const options: Record<string, unknown> = { ...splitRecipe(findGraphRecipe(String(settings.recipe ?? `${method}-small`))).methodOptions };
  for (const f of METHOD_FLAGS) {
    const value = settings[f.name];
    if (f.methods.includes(method) && value !== undefined) f.option?.set(options, value);
  }
  if (settings.lr !== undefined) options.learningRate = settings.lr;
  if (settings.seed !== undefined) options.seed = settings.seed;
  return options;
}
