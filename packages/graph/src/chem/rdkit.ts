import type { MainModule } from '@rdkit/rdkit';

/**
 * The RDKit MinimalLib WebAssembly module (`@rdkit/rdkit`). Every chem function takes it explicitly, so
 * the root entry never loads it: in Node call `loadRDKit()` from `@contrastive/graph/node`; in a browser
 * load `RDKit_minimal.js` (shipped in `@rdkit/rdkit/dist`) and pass `await initRDKitModule()`.
 */
export type RDKit = MainModule;
