/**
 * Child of the kill-during-save fault test: saves a 6 MiB checkpoint into `dir` over and over (meta `{ n }`),
 * printing `saved <n>` after each commit. Once the second save is done it knows how long a save takes and
 * SIGKILLs itself at `fraction` of the way through the third one (the later part of a save is the writing).
 *
 *   node --import tsx save-loop.child.ts <dir> <fraction>
 */
import { saveCheckpoint } from '../io/checkpoint.js';
import { BigState } from './helpers.js';

const [dir, fraction] = process.argv.slice(2);
const state = new BigState(1);
for (let n = 1; ; n++) {
  const started = performance.now();
  await saveCheckpoint(dir!, state, { n });
  const ms = performance.now() - started;
  process.stdout.write(`saved ${n} in ${ms.toFixed(1)} ms\n`);
  if (n === 2) setTimeout(() => process.kill(process.pid, 'SIGKILL'), ms * Number(fraction));
}
