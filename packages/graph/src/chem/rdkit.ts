import initRDKitModule from '@rdkit/rdkit';
import type { MainModule } from '@rdkit/rdkit';

/** The RDKit MinimalLib WebAssembly module (`@rdkit/rdkit`). */
export type RDKit = MainModule;

let loading: Promise<RDKit> | null = null;

/**
 * Loads RDKit (WebAssembly, ~7 MB) once per process and returns the module. Every chem function takes
 * the module explicitly so callers control when the load happens.
 */
export function loadRDKit(): Promise<RDKit> {
  if (!loading) loading = (initRDKitModule as unknown as () => Promise<RDKit>)();
  return loading;
}
