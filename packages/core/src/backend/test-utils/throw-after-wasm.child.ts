/**
 * Child of emscripten-listeners.test.ts: selects the wasm backend, then fails the way a user's program does.
 * argv[2]: `throw` (an uncaught error at the top level), `reject` (an unhandled rejection) or `ok` (exits 0).
 */
import { initBackend } from '../init-backend.js';

const mode = process.argv[2] ?? 'throw';
const backend = await initBackend({ log: false });
process.stdout.write(`backend ${backend}\n`);
if (mode === 'reject') void Promise.reject(new Error('user rejection after wasm'));
else if (mode === 'throw') throw new Error('user error after wasm');
