import { createRequire } from 'node:module';

/** The executable's name. */
export const TOOL = 'contrastive-text';

/** This package's version (for `--version` and run.json). */
export const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
