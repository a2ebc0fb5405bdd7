/**
 * Child of io.faults.test.ts (run with a capped heap, its peak RSS asserted): parses a gzip bomb and prints
 * the typed error it gets as one JSON line. Exits 0 when the bomb was refused with a DataFormatError, 1 otherwise.
 *
 *   declared: 4.5 MB gzip whose header declares [6000000, 28, 28] (4.7 GB)
 *   expands:  gzip whose header declares [10, 28, 28] but that inflates to 1 GB
 */
import { DataFormatError } from '../io/errors.js';
import { parseIdx } from '../io/idx.js';
import { gzipBomb } from './fixtures.js';

const kind = process.argv[2];
const bomb = kind === 'declared' ? gzipBomb([6_000_000, 28, 28], 6_000_000 * 784) : gzipBomb([10, 28, 28], 2 ** 30);
try {
  parseIdx(bomb, `bomb-${kind}.gz`);
  console.log(JSON.stringify({ parsed: true, size: bomb.length }));
  process.exit(1);
} catch (err) {
  const e = err as DataFormatError;
  console.log(JSON.stringify({ name: e.name, code: e.code, file: e.file, message: e.message, size: bomb.length }));
  process.exit(err instanceof DataFormatError ? 0 : 1);
}
