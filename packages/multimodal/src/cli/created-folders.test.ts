import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { missingFolders, removeEmptyFolders } from './created-folders.js';

const tmp = useTempDir('mm-created-folders-');

describe('missingFolders / removeEmptyFolders', () => {
  it('lists the missing folders of a path, innermost first, and nothing for one that exists', async () => {
    await mkdir(tmp('a'));
    expect(await missingFolders(tmp('a', 'b', 'c'))).toEqual([tmp('a', 'b', 'c'), tmp('a', 'b')]);
    expect(await missingFolders(tmp('a'))).toEqual([]);
    // A dangling link exists (it is not ours to remove).
    await symlink(tmp('nowhere'), tmp('dangling'));
    expect(await missingFolders(tmp('dangling'))).toEqual([]);
  });

  it('removes the folders it created while they are empty, and stops at the first that holds something', async () => {
    const created = await missingFolders(tmp('x', 'y', 'z'));
    await mkdir(tmp('x', 'y', 'z'), { recursive: true });
    await removeEmptyFolders(created);
    expect(existsSync(tmp('x'))).toBe(false);

    const again = await missingFolders(tmp('p', 'q', 'r'));
    await mkdir(tmp('p', 'q', 'r'), { recursive: true });
    await writeFile(tmp('p', 'q', 'r', 'run.json'), '{}');
    await removeEmptyFolders(again);
    expect(await readdir(tmp('p', 'q', 'r'))).toEqual(['run.json']);

    // A folder that is still empty, under one that holds a file of the user's: only the empty one goes.
    const inner = await missingFolders(tmp('m', 'n'));
    await mkdir(tmp('m', 'n'), { recursive: true });
    await writeFile(tmp('m', 'notes.txt'), 'mine');
    await removeEmptyFolders(inner);
    expect(await readdir(tmp('m'))).toEqual(['notes.txt']);

    // Never throws: folders that are already gone, or were never made.
    await expect(removeEmptyFolders([tmp('never', 'made'), tmp('never')])).resolves.toBeUndefined();
    expect(existsSync(join(tmp('m'), 'notes.txt'))).toBe(true);
  });
});
