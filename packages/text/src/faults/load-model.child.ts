// Child of the fault suite (run by runIsolated): loads the model folder argv[2] with loadBertCheckpoint and
// exits 0 when it is refused with a typed error naming a file of the folder, 1 otherwise (loaded, or a raw error).
import path from 'node:path';
import { ModelFileError, SafetensorsError } from '../errors.js';
import { loadBertCheckpoint } from '../encoders/hf-checkpoint.js';

const dir = process.argv[2]!;
try {
  loadBertCheckpoint(dir).dispose();
  process.stderr.write('loaded: expected a refusal\n');
  process.exitCode = 1;
} catch (e) {
  const typed = e instanceof ModelFileError || e instanceof SafetensorsError;
  const named = typed && path.dirname(e.file) === dir;
  process.stderr.write(`${(e as Error).name}: ${(e as Error).message}\n`);
  process.exitCode = named ? 0 : 1;
}
