/**
 * Child of the features fault test (run by `runIsolated`, peak RSS measured): loads two files over the
 * memory bounds and prints each error message on its own line; exits 1 if either loads or fails otherwise.
 * Argument: a temporary folder.
 */
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphDataError } from '../data/errors.js';
import { loadNodeFeatures } from '../data/features/load.js';

const dir = process.argv[2]!;
async function refusal(path: string, nodes: number): Promise<string> {
  try {
    await loadNodeFeatures(path, nodes);
  } catch (e) {
    if (e instanceof GraphDataError && e.code === 'ETOOLARGE') return e.message;
    throw e;
  }
  throw new Error(`${path} loaded`);
}

// A dense row of 600 values for 1,000,000 nodes: 2.4 GB of float32, refused at line 1 before allocating.
const wide = join(dir, 'wide.txt');
writeFileSync(wide, `0 ${Array.from({ length: 600 }, (_, j) => j % 7).join(' ')}\n1 0\n`);
console.log(await refusal(wide, 1_000_000));
// 1 GB of NUL bytes without a line break (a sparse file: no disk used): streamed until the line bound.
const nul = join(dir, 'nul.txt');
writeFileSync(nul, '');
truncateSync(nul, 1e9);
console.log(await refusal(nul, 3));
