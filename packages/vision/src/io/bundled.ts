import { fileURLToPath } from 'node:url';

/**
 * Folder of the Fashion-MNIST subset shipped with this package (3,000 train + 1,000 test images,
 * stratified, IDX gz; MIT licence, © 2017 Zalando SE — see its LICENSE file). Works from `src/` and `dist/`.
 */
export const BUNDLED_FASHION_MNIST: string = fileURLToPath(new URL('../../data/fashion-mnist-subset/', import.meta.url));
