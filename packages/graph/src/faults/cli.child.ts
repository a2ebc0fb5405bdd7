/**
 * Runs `contrastive-graph <args>` in this (child) process and exits with its code: the fault tests start it
 * with `runIsolated` to bound the peak memory of a whole CLI run.
 */
import { run } from '../cli/main.js';

const code = await run(process.argv.slice(2), { out: (s) => console.log(s), err: (s) => console.error(s) });
process.exit(code);
