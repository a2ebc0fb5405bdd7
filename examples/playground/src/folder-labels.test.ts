import { describe, expect, it } from 'vitest';
import { folderLabels, isImageName } from './folder-labels.js';

describe('folder labels', () => {
  it('recognises image files by extension, case-insensitively, skipping hidden files', () => {
    expect(isImageName('a/b/cat.PNG')).toBe(true);
    expect(isImageName('x.jpeg')).toBe(true);
    expect(isImageName('notes.txt')).toBe(false);
    expect(isImageName('a/._cat.jpg')).toBe(false);
    expect(isImageName('png')).toBe(false);
  });

  it('labels by the first sub-folder below the common root', () => {
    const r = folderLabels(['pets/dog/1.png', 'pets/cat/2.png', 'pets/dog/3.png']);
    expect(r?.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(r!.labels)).toEqual([1, 0, 1]);
    // Nested deeper: still the first differing segment.
    expect(folderLabels(['a/b/x/1.png', 'a/b/y/deep/2.png'])?.classNames).toEqual(['x', 'y']);
  });

  it('gives no labels for a flat folder, a single class, or files beside the class folders', () => {
    expect(folderLabels(['pets/1.png', 'pets/2.png'])).toBeNull();
    expect(folderLabels(['pets/dog/1.png', 'pets/dog/2.png'])).toBeNull();
    expect(folderLabels(['pets/dog/1.png', 'pets/2.png'])).toBeNull();
  });
});
