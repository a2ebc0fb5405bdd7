/** Node side of the encoder download: writes a ZIP from the page (store-only, src/zip.ts) into a folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { readZip } from '../src/zip.js';

/** Writes the entries of `zip` under `dir` (what unzipping the download does); refuses entries that escape `dir`. */
export async function unzipTo(zip: Uint8Array, dir: string): Promise<string[]> {
  const root = resolve(dir);
  const names: string[] = [];
  for (const e of readZip(zip)) {
    const file = resolve(join(root, e.name));
    if (!file.startsWith(root + sep)) throw new Error(`unzip: '${e.name}' would land outside ${dir}`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, e.data);
    names.push(e.name);
  }
  return names;
}
