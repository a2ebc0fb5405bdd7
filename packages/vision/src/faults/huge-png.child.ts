/**
 * Child of io.faults.test.ts (peak RSS asserted): an image folder holding a 60-byte PNG whose header declares
 * 100000 × 100000 pixels is opened and read. Prints the error as one JSON line; exits 0 when it is a
 * DataTooLargeError naming the file, 1 otherwise.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataTooLargeError } from '../io/errors.js';
import { openImageFolder } from '../io/image-folder.js';
import { tinyPng, withDeclaredSize } from './fixtures.js';

const dir = await mkdtemp(join(tmpdir(), 'vision-huge-png-'));
const file = join(dir, 'huge.png');
try {
  const bytes = withDeclaredSize(await tinyPng(), 100_000, 100_000);
  await writeFile(file, bytes);
  const ds = await openImageFolder(dir, { imageSize: 32 });
  await ds.read(Int32Array.of(0));
  console.log(JSON.stringify({ read: true }));
  process.exitCode = 1;
} catch (err) {
  const e = err as DataTooLargeError;
  console.log(JSON.stringify({ name: e.name, code: e.code, file: e.file, message: e.message, expectedFile: file }));
  process.exitCode = err instanceof DataTooLargeError && e.file === file ? 0 : 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
