/**
 * How a data-parallel worker of `contrastive-graph train` rebuilds the graph-level method (core's
 * `ReplicaSpec`): from the run's resolved settings (what run.json records), exactly as the main thread
 * built it — same recipe, options and seed; core then copies the main thread's weights and optimizer state.
 */
import type { Graph } from '../data/graph.js';
import { loadRDKit } from '../chem/load-rdkit.js';
import type { RDKit } from '../chem/rdkit.js';
import { CHEMBL2321810_PATH, loadMolecules } from '../data/molecule-files.js';
import type { LoadMoleculesOptions } from '../data/molecules.js';
import type { GraphLevelMethod } from '../methods/graph-method.js';
import type { GraphLevelMethodName } from '../methods/registry.js';
import { createMethod } from '../methods/registry.js';
import type { Settings } from './flags.js';
import { methodOptionsOf } from './flags.js';

/** The replica factory's argument (plain JSON: it is posted to the worker). */
export interface GraphReplicaArgs {
  /** A graph-level method name (`graphcl`, `joao`, `joaov2`, `mocl`). */
  method: string;
  /** The run's resolved settings (run.json's `config`). */
  settings: Settings;
  /** Node and edge feature widths of the training graphs (GraphCL and JOAO need no data beyond them). */
  inputDim: number;
  edgeDim: number;
}

/** The molecule table the settings name and how to read it (the run, its eval and its data-parallel replicas). */
export function moleculeSource(settings: Settings): { dataPath: string; valueColumn: string | undefined; options: LoadMoleculesOptions } {
  const dataPath = settings.data === undefined ? CHEMBL2321810_PATH : String(settings.data);
  const valueColumn =
    settings['value-column'] === undefined ? (settings.data === undefined ? 'pIC50' : undefined) : String(settings['value-column']);
  const options: LoadMoleculesOptions = {};
  if (settings['smiles-column'] !== undefined) options.smilesColumn = String(settings['smiles-column']);
  if (valueColumn !== undefined) options.valueColumn = valueColumn;
  if (settings.limit !== undefined) options.limit = Number(settings.limit);
  return { dataPath, valueColumn, options };
}

/** The graph-level method `name` from resolved settings and its data (the main thread's and every replica's). */
export function buildGraphLevelMethod(
  name: string,
  settings: Settings,
  data: { graphs: readonly Graph[]; smiles?: readonly string[] },
  rdkit?: RDKit,
): GraphLevelMethod {
  const options = methodOptionsOf(settings, name);
  return createMethod(name as GraphLevelMethodName, { ...options, data, ...(rdkit === undefined ? {} : { rdkit }) });
}

/**
 * The replica factory (`export: 'createReplica'`). MoCL reloads the molecule table (its fingerprints and
 * Tanimoto neighbours are part of the method); GraphCL and JOAO are built from the feature widths alone.
 */
export async function createReplica(args: GraphReplicaArgs): Promise<GraphLevelMethod> {
  const { method, settings, inputDim, edgeDim } = args;
  if (method === 'mocl') {
    const rdkit = await loadRDKit();
    const { dataPath, options } = moleculeSource(settings);
    return buildGraphLevelMethod(method, settings, loadMolecules(rdkit, dataPath, options), rdkit);
  }
  return createMethod(method as GraphLevelMethodName, { ...methodOptionsOf(settings, method), data: { graphs: [] }, inputDim, edgeDim });
}

/** The `replica` of core's `train` for a graph-level run (the module URL works from sources under vitest too). */
export function graphReplica(args: GraphReplicaArgs): { module: string; export: string; args: GraphReplicaArgs } {
  const module = new URL(import.meta.url.endsWith('.ts') ? './replica.ts' : './replica.js', import.meta.url).href;
  return { module, export: 'createReplica', args };
}
