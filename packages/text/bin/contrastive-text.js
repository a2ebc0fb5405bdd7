#!/usr/bin/env node
// The `contrastive-text` command. Committed (not built) so that package managers can link the bin before `dist/`
// exists (pnpm warned "Failed to create bin … ENOENT" when the bin pointed into dist/); it runs the built CLI.
import { runMain } from '@contrastive/core/cli';
import { main } from '../dist/cli/main.js';

await runMain(main);
