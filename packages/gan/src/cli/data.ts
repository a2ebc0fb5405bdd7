/** The CLI's data flags read into datasets: read errors become usage errors naming the flag (exit 2, not 1). */
import { UsageError } from '@contrastive/core/cli';
import type { ImageDataset } from '@contrastive/vision';
import { BUNDLED_FASHION_MNIST, loadIdxDataset, openDataset } from '@contrastive/vision/node';

/** `'bundled'` → vision's bundled Fashion-MNIST subset, else the path as given. */
export const dataPath = (data: string): string => (data === 'bundled' ? BUNDLED_FASHION_MNIST : data);

/** `--flag PATH`'s IDX split (`'bundled'` allowed), the first `limit` images. */
export async function openIdxFlag(flag: string, data: string, split: 'train' | 'test', limit?: number): Promise<ImageDataset> {
  try {
    return await loadIdxDataset(dataPath(data), { split, ...(limit === undefined ? {} : { limit }) });
  } catch (e) {
    throw new UsageError(`--${flag} ${data}: ${(e as Error).message}`);
  }
}

/** `--flag PATH` as an IDX source or an image folder (decoded to `imageSize` px, `channels`). */
export async function openImagesFlag(
  flag: string,
  data: string,
  opts: { split: 'train' | 'test'; imageSize: number; channels: 1 | 3; limit?: number },
): Promise<ImageDataset> {
  try {
    return await openDataset(dataPath(data), opts);
  } catch (e) {
    throw new UsageError(`--${flag} ${data}: ${(e as Error).message}`);
  }
}
