import { readFileSync } from 'node:fs';

/** The executable (run.json's `tool`; a run of another tool is never resumed). */
export const TOOL = 'contrastive-vision';
/** run.json's and summary.json's `domain`. */
export const DOMAIN = 'vision';
/** The package version (`--version`, run.json), read from package.json beside `src/` and `dist/`. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
