/**
 *   pnpm playground            (from the repository root: builds the page, then runs this)
 *   node --import tsx scripts/serve.ts [--port 5173] [--host 127.0.0.1]
 *
 * Serves the built page (dist/) and prints its URL. Build first with `pnpm --filter @contrastive/playground build:page`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStaticServer } from './static-server.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')), // `pnpm run serve -- --port 1` passes the '--' on
  options: { port: { type: 'string', default: '5173' }, host: { type: 'string', default: '127.0.0.1' } },
});
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`serve: ${dist}/index.html is missing; build the page first (pnpm --filter @contrastive/playground build:page)`);
  process.exit(1);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: --port must be an integer from 0 to 65535, got ${values.port}`);
  process.exit(1);
}
try {
  const { url } = await startStaticServer(dist, { host: values.host, port });
  console.log(`Contrastive playground: ${url}  (Ctrl+C to stop)`);
} catch (e) {
  console.error(`serve: could not listen on ${values.host}:${port}: ${(e as Error).message} (try --port 0 for any free port)`);
  process.exit(1);
}
