import initRDKitModule from '@rdkit/rdkit';
import type { RDKit } from './rdkit.js';

let loading: Promise<RDKit> | null = null;

/**
 * Loads RDKit (WebAssembly, ~7 MB) once per process and returns the module. Node only
 * (`@contrastive/graph/node`): the package's Emscripten glue requires `node:fs`, so bundling it for a
 * browser fails; browsers load `RDKit_minimal.js` themselves (see {@link RDKit}).
 */
export function loadRDKit(): Promise<RDKit> {
  if (!loading) loading = (initRDKitModule as unknown as () => Promise<RDKit>)();
  return loading;
}
