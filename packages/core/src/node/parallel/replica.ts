import type { Method } from '../../method/method.js';

/**
 * How a worker thread builds its replica of the method: `import(module)` then `module[exportName](args)`.
 * The factory must build the method exactly as the main thread built it (same options, same seed) —
 * the weights and optimizer slots are then copied from the main thread before the first step. `args` must
 * survive `postMessage` (plain data).
 *
 * @example
 * // my-method.ts
 * export function createMethod(args: { lr: number }) { return new SimCLR({ encoder: smallCnnEncoder(), learningRate: args.lr }); }
 * // training script
 * await train({ method: createMethod({ lr: 1e-3 }), workers: 2,
 *   replica: { module: new URL('./my-method.js', import.meta.url).href, export: 'createMethod', args: { lr: 1e-3 } }, … });
 */
export interface ReplicaSpec {
  /** A module specifier or `file:` URL the worker can import (an absolute URL is safest). */
  module: string;
  /** The name of the factory the module exports. Default `'createReplica'`. */
  export?: string;
  /** The factory's argument. */
  args?: unknown;
}

/** The factory a {@link ReplicaSpec} names. */
export type ReplicaFactory = (args: unknown) => Method<unknown> | Promise<Method<unknown>>;

/** Builds the replica a spec describes (in a worker), naming what is wrong when it cannot. */
export async function buildReplica(spec: ReplicaSpec): Promise<Method<unknown>> {
  const name = spec.export ?? 'createReplica';
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const factory = mod[name];
  if (typeof factory !== 'function') {
    throw new TypeError(
      `replica module '${spec.module}' has no exported function '${name}' (it exports: ${Object.keys(mod).join(', ') || 'nothing'})`,
    );
  }
  const method = (await (factory as ReplicaFactory)(spec.args)) as Method<unknown>;
  if (method === null || typeof method !== 'object' || typeof method.step !== 'function') {
    throw new TypeError(
      `replica factory '${name}' of '${spec.module}' must return a Method (an object with step(), stateTensors(), optimizers(), dispose())`,
    );
  }
  return method;
}
