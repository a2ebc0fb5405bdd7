#!/usr/bin/env node
// The installed `contrastive-multimodal` command. A committed file, so a package manager can link it before `dist/` is
// built (a bin pointing into dist/ made `pnpm install` warn "Failed to create bin … ENOENT" on a clean checkout).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(`contrastive-multimodal: ${fileURLToPath(cli)} is missing: build the package first (pnpm build)\n`);
  process.exit(1);
}
const { main } = await import(cli.href);
await main();
