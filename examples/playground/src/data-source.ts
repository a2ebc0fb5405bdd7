/** The page's two data sources: the bundled Fashion-MNIST subset (IDX files served beside the page) and a dropped folder. */
import { maybeGunzip, parseIdx } from './idx.js';
import { firstImages, fromIdx, holdOut } from './pixel-data.js';
import type { PixelData } from './protocol.js';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

async function fetchIdx(base: URL, file: string) {
  const url = new URL(file, base);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url.pathname}: HTTP ${res.status}`);
  return parseIdx(await maybeGunzip(new Uint8Array(await res.arrayBuffer())), file);
}

/** The bundled subset: its training file to train on, the first `maxHeldOut` images of its test file held out. */
export async function loadBundled(pageUrl: string, maxHeldOut: number): Promise<{ train: PixelData; heldOut: PixelData }> {
  const base = new URL('data/fashion-mnist-subset/', pageUrl);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map((f) =>
      fetchIdx(base, f),
    ),
  );
  return {
    train: fromIdx(trainImages!, trainLabels!, FASHION_MNIST_CLASSES),
    heldOut: firstImages(fromIdx(testImages!, testLabels!, FASHION_MNIST_CLASSES), maxHeldOut),
  };
}

/** A folder's images: a fifth held out (stratified by class when the folders give classes), at most `maxHeldOut` of them embedded. */
export function splitFolder(data: PixelData, seed: number, maxHeldOut: number): { train: PixelData; heldOut: PixelData } {
  const { train, heldOut } = holdOut(data, 0.2, seed);
  return { train, heldOut: firstImages(heldOut, maxHeldOut) };
}
