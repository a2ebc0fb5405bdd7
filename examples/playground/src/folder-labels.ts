/** Which dropped files are images, and the labels their folders give (pure; folder.ts does the browser I/O). */

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'avif'] as const;

export const isImageName = (path: string): boolean => {
  const base = path.split('/').pop() ?? '';
  if (base.startsWith('.')) return false; // .DS_Store, ._foo.jpg (macOS resource forks)
  const dot = base.lastIndexOf('.');
  return dot > 0 && (IMAGE_EXTENSIONS as readonly string[]).includes(base.slice(dot + 1).toLowerCase());
};

/**
 * Labels from folder names, as an image-folder data set has them (`root/cat/1.png` → class `cat`): the
 * first path segment below the common root. Only when every image sits in a sub-folder and there are at
 * least two of them; otherwise the images are unlabeled (null).
 */
export function folderLabels(paths: readonly string[]): { labels: Int32Array; classNames: string[] } | null {
  const parts = paths.map((p) => p.split('/').filter((s) => s !== ''));
  // Strip the segments every path shares (the dropped folder's own name, and any single wrapper folder).
  let common = 0;
  for (;;) {
    const seg = parts[0]?.[common];
    if (seg === undefined || !parts.every((p) => p.length > common + 1 && p[common] === seg)) break;
    common++;
  }
  if (parts.some((p) => p.length < common + 2)) return null; // a file directly in the root: no class folder
  const names = parts.map((p) => p[common]!);
  const classNames = [...new Set(names)].sort();
  if (classNames.length < 2) return null;
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { labels: Int32Array.from(names, (n) => index.get(n)!), classNames };
}
