/**
 * A small name → factory registry (transformers.js style) so CLIs, examples and users build methods by
 * name without switch statements: `registry.create('simclr', options)`. Unknown names throw with the list
 * of valid ones.
 */
export interface Registry<O, T> {
  /** What the registry builds, for error messages (e.g. `'vision method'`). */
  readonly kind: string;
  /** Registered names, in registration order. */
  names(): string[];
  /** True when `name` is registered. */
  has(name: string): boolean;
  /** One-line description of `name`. */
  describe(name: string): string;
  /** Builds `name` with `options`. */
  create(name: string, options: O): T;
  /** Adds a factory (a user's own method); refuses a name already taken. */
  register(name: string, factory: (options: O) => T, description?: string): void;
}

/** Creates a {@link Registry} from `{ name: factory }` (or `{ name: { create, description } }`). */
export function createRegistry<O, T>(
  kind: string,
  entries: Record<string, ((options: O) => T) | { create: (options: O) => T; description: string }> = {},
): Registry<O, T> {
  const table = new Map<string, { create: (options: O) => T; description: string }>();
  const registry: Registry<O, T> = {
    kind,
    names: () => [...table.keys()],
    has: (name) => table.has(name),
    describe: (name) => lookup(name).description,
    create: (name, options) => lookup(name).create(options),
    register(name, factory, description = '') {
      if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${kind} registry: name must be a non-empty string`);
      if (table.has(name)) throw new RangeError(`${kind} registry: '${name}' is already registered`);
      if (typeof factory !== 'function') throw new TypeError(`${kind} registry: the factory of '${name}' must be a function`);
      table.set(name, { create: factory, description });
    },
  };
  function lookup(name: string): { create: (options: O) => T; description: string } {
    const entry = table.get(name);
    if (!entry) throw new RangeError(`unknown ${kind} '${String(name)}'; valid: ${[...table.keys()].map((n) => `'${n}'`).join(', ')}`);
    return entry;
  }
  for (const [name, entry] of Object.entries(entries)) {
    if (typeof entry === 'function') registry.register(name, entry);
    else registry.register(name, entry.create, entry.description);
  }
  return registry;
}

/**
 * A named recipe: a method and the options it is built with — a paper's defaults, or this project's
 * defaults for small images / small corpora on CPU. CLIs and examples share recipes instead of keeping
 * their own defaults.
 */
export interface Recipe<O> {
  /** Recipe name, e.g. `'simclr-paper'`, `'simclr-small'`. */
  readonly name: string;
  /** Registry name of the method it builds. */
  readonly method: string;
  /** Where the values come from (paper section / official code / this project's measurement). */
  readonly description: string;
  /** The options the recipe fixes; a caller's options override them. */
  readonly options: Partial<O>;
}

/** Looks a recipe up by name, throwing with the valid names. */
export function findRecipe<O>(recipes: readonly Recipe<O>[], name: string, kind = 'recipe'): Recipe<O> {
  const r = recipes.find((x) => x.name === name);
  if (!r) throw new RangeError(`unknown ${kind} '${String(name)}'; valid: ${recipes.map((x) => `'${x.name}'`).join(', ')}`);
  return r;
}
