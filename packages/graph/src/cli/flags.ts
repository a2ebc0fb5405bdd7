/**
 * The graph CLI's own flags, declared once as tables: each flag's parser, which methods it applies to,
 * the option it sets and its help line. The common flags (`--epochs … --json`) come from core's toolkit.
 */
import type { FlagHelp, FlagSpec, FlagValues } from '@contrastive/core/cli';
import { COMMON_FLAGS, checkResumeFlag, intFlag, numFlag, oneOfFlag, stringFlag, UsageError } from '@contrastive/core/cli';
import { AUGMENTATION_NAMES } from '../augment/registry.js';
import { GRAPH_LEVEL_METHODS, NODE_METHODS } from '../methods/registry.js';
import type { GraphRecipeOptions } from '../recipes.js';
import { findGraphRecipe, splitRecipe } from '../recipes.js';

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

const MOLECULE = GRAPH_LEVEL_METHODS;
const NODE = NODE_METHODS;
const GRAPHCL_JOAO = ['graphcl', 'joao', 'joaov2'] as const;
const JOAO = ['joao', 'joaov2'] as const;

/** A flag that sets method option `key` to its value (recipe default: the recipe's `key`). */
function plain(key: keyof GraphRecipeOptions): NonNullable<GraphFlag['option']> {
  return {
    set: (options, value) => {
      options[key] = value;
    },
    fromRecipe: (recipe) => recipe[key] as SettingValue | undefined,
  };
}

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

/** Molecule input (graph-level methods). */
export const MOLECULE_DATA_FLAGS: readonly GraphFlag[] = [
  {
    name: 'data',
    methods: MOLECULE,
    read: (v) => stringFlag(v, 'data'),
    help: { name: 'data', arg: 'FILE', help: "SMILES table: CSV/TSV with a header, or a whitespace .smi file ('SMILES name'); bad SMILES are reported as FILE:LINE", default: 'the shipped ChEMBL2321810 set (1,017 molecules, pIC50)' },
  },
  {
    name: 'smiles-column',
    methods: MOLECULE,
    read: (v) => stringFlag(v, 'smiles-column'),
    help: { name: 'smiles-column', arg: 'C', help: 'SMILES column: name or 0-based index', default: "'smiles', else column 0" },
  },
  {
    name: 'value-column',
    methods: MOLECULE,
    read: (v) => stringFlag(v, 'value-column'),
    help: { name: 'value-column', arg: 'C', help: 'property column used for the linear probe (no probe without one)', default: "'pIC50' for the shipped set" },
  },
  {
    name: 'threshold',
    methods: MOLECULE,
    read: (v) => numFlag(v, 'threshold', { min: Number.NEGATIVE_INFINITY }),
    help: { name: 'threshold', arg: 'T', help: 'probe class = value >= T', default: 'the median value' },
  },
  {
    name: 'test-fraction',
    methods: MOLECULE,
    read: (v) => numFlag(v, 'test-fraction', { max: 1, exclusiveMax: true }),
    fallback: 0.2,
    help: { name: 'test-fraction', arg: 'F', help: 'share of the probed molecules held out for the probe test (split seeded by --seed)', default: '0.2' },
  },
];

/** Node-graph input (cg3, gcn). */
export const NODE_DATA_FLAGS: readonly GraphFlag[] = [
  {
    name: 'dataset',
    methods: NODE,
    read: (v) => oneOfFlag(v, 'dataset', ['karate'] as const),
    fallback: 'karate',
    help: { name: 'dataset', arg: 'karate', help: "Zachary's karate club (34 nodes, 2 factions), unless --edges is given", default: 'karate' },
  },
  {
    name: 'edges',
    methods: NODE,
    read: (v) => stringFlag(v, 'edges'),
    help: { name: 'edges', arg: 'FILE', help: "undirected edge list, one 'u v' pair per line (0-based ids, '#' comments); needs --labels" },
  },
  {
    name: 'labels',
    methods: NODE,
    read: (v) => stringFlag(v, 'labels'),
    help: { name: 'labels', arg: 'FILE', help: "'node label' lines: the evaluation truth" },
  },
  {
    name: 'labels-per-class',
    methods: NODE,
    read: (v) => intFlag(v, 'labels-per-class', 1),
    fallback: 1,
    help: { name: 'labels-per-class', arg: 'K', help: 'labelled nodes per class used for training, drawn by the seed', default: '1' },
  },
  {
    name: 'repeats',
    methods: NODE,
    read: (v) => intFlag(v, 'repeats', 1),
    fallback: 1,
    help: { name: 'repeats', arg: 'R', help: 'repeat with seeds seed..seed+R-1 and report the mean', default: '1' },
  },
];

/** Method options (each applies to the methods listed in its help). */
export const METHOD_FLAGS: readonly GraphFlag[] = [
  {
    name: 'hidden',
    methods: [...MOLECULE, ...NODE],
    read: (v) => intFlag(v, 'hidden', 1),
    help: { name: 'hidden', arg: 'H', help: 'hidden width (GIN layers; the GCN of cg3/gcn)', default: '64' },
    option: plain('hidden'),
  },
  {
    name: 'layers',
    methods: MOLECULE,
    read: (v) => intFlag(v, 'layers', 1),
    help: { name: 'layers', arg: 'L', help: 'GIN layers (graph-level methods)', default: '3' },
    option: plain('layers'),
  },
  {
    name: 'temperature',
    methods: [...MOLECULE, 'cg3'],
    read: (v) => numFlag(v, 'temperature'),
    help: { name: 'temperature', arg: 'T', help: 'τ of the contrastive loss', default: 'graphcl/joao 0.2, mocl/cg3 0.5' },
    option: plain('temperature'),
  },
  {
    name: 'loss-variant',
    methods: GRAPHCL_JOAO,
    read: (v) => oneOfFlag(v, 'loss-variant', ['exclude-positive', 'nt-xent'] as const),
    help: { name: 'loss-variant', arg: 'V', help: "graphcl/joao: 'exclude-positive' (GraphCL's code) or 'nt-xent'", default: 'exclude-positive' },
    option: plain('lossVariant'),
  },
  {
    name: 'aug1',
    methods: ['graphcl'],
    read: (v) => oneOfFlag(v, 'aug1', AUGMENTATION_NAMES),
    help: { name: 'aug1', arg: 'A', help: `graphcl: augmentation of view 1 (${AUGMENTATION_NAMES.join('|')})`, default: 'nodeDrop' },
    option: augmentationSide(0),
  },
  {
    name: 'aug2',
    methods: ['graphcl'],
    read: (v) => oneOfFlag(v, 'aug2', AUGMENTATION_NAMES),
    help: { name: 'aug2', arg: 'A', help: 'graphcl: augmentation of view 2', default: 'subgraph' },
    option: augmentationSide(1),
  },
  {
    name: 'aug-ratio',
    methods: MOLECULE,
    read: (v) => numFlag(v, 'aug-ratio', { min: 0, max: 1, exclusiveMax: true }),
    help: { name: 'aug-ratio', arg: 'R', help: 'augmentation strength', default: '0.2' },
    option: plain('augRatio'),
  },
  {
    name: 'gamma',
    methods: JOAO,
    read: (v) => numFlag(v, 'gamma', { min: 0 }),
    help: { name: 'gamma', arg: 'G', help: 'joao/joaov2: γ of the distribution regulariser', default: '0.1' },
    option: plain('gamma'),
  },
  {
    name: 'lambda',
    methods: ['mocl'],
    read: (v) => numFlag(v, 'lambda', { min: 0 }),
    help: { name: 'lambda', arg: 'L', help: 'mocl: weight λ of the global loss', default: '5' },
    option: plain('lambda'),
  },
  {
    name: 'global',
    methods: ['mocl'],
    read: (v) => oneOfFlag(v, 'global', ['cl', 'ls'] as const),
    help: { name: 'global', arg: 'cl|ls', help: 'mocl: contrastive or least-squares global loss', default: 'cl' },
    option: plain('globalLoss'),
  },
  {
    name: 'neighbours',
    methods: ['mocl'],
    read: (v) => intFlag(v, 'neighbours', 1),
    help: { name: 'neighbours', arg: 'K', help: 'mocl: Tanimoto neighbours per molecule', default: '50' },
    option: plain('neighbours'),
  },
  {
    name: 'dk',
    methods: ['mocl'],
    read: (v) => intFlag(v, 'dk', 1),
    help: { name: 'dk', arg: 'K', help: 'mocl: bioisosteric substitutions per view (DK_k)', default: '1' },
    option: plain('dk'),
  },
  {
    name: 'local-aug',
    methods: ['mocl'],
    read: (v) => oneOfFlag(v, 'local-aug', ['domain', ...AUGMENTATION_NAMES] as const),
    help: { name: 'local-aug', arg: 'A', help: `mocl: local views, 'domain' (bioisosteres) or ${AUGMENTATION_NAMES.join('|')}`, default: 'domain' },
    option: plain('localAug'),
  },
  {
    name: 'dropout',
    methods: NODE,
    read: (v) => numFlag(v, 'dropout', { min: 0, max: 1, exclusiveMax: true }),
    help: { name: 'dropout', arg: 'P', help: 'cg3/gcn: dropout on layer inputs', default: '0.6' },
    option: plain('dropout'),
  },
  {
    name: 'levels',
    methods: ['cg3'],
    read: (v) => intFlag(v, 'levels', 0),
    help: { name: 'levels', arg: 'N', help: 'cg3: coarsening levels of the global view', default: '2' },
    option: plain('levels'),
  },
  {
    name: 'weight-decay',
    methods: NODE,
    read: (v) => numFlag(v, 'weight-decay', { min: 0 }),
    help: { name: 'weight-decay', arg: 'W', help: "cg3/gcn: L2 on the GCN's first layer", default: '5e-4' },
    option: plain('weightDecay'),
  },
];

/** Every flag of this CLI beyond the common ones. */
const OWN_FLAGS: readonly GraphFlag[] = [...MOLECULE_DATA_FLAGS, ...NODE_DATA_FLAGS, ...METHOD_FLAGS];

/** `--method` and `--recipe`. */
export const CHOICE_FLAG_HELP: readonly FlagHelp[] = [
  { name: 'method', arg: 'NAME', help: `${[...GRAPH_LEVEL_METHODS, ...NODE_METHODS].join('|')} (with --resume: read from the run's run.json)` },
  { name: 'recipe', arg: 'NAME', help: 'named defaults (see RECIPES): <method>-small (this project) or a paper recipe, e.g. graphcl-chem-paper', default: '<method>-small' },
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
export function resolveFlags(flags: readonly GraphFlag[], values: FlagValues, method: string, recipe: GraphRecipeOptions, resolver: SettingsResolver): void {
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
