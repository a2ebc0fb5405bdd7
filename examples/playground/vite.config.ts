import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const fashionMnist = join(here, '../../packages/vision/data/fashion-mnist-subset');

/** Files served beside the page: tfjs's wasm binaries (setWasmPaths points at tfjs-wasm/) and the bundled data. */
export const STATIC_FILES: [from: string, to: string][] = [
  ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f): [string, string] => [
    join(wasmDist, 'dist', f),
    `tfjs-wasm/${f}`,
  ]),
  ...[
    'train-images-idx3-ubyte.gz',
    'train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
    'LICENSE',
    'README.md',
  ].map((f): [string, string] => [join(fashionMnist, f), `data/fashion-mnist-subset/${f}`]),
];

function staticFiles(): Plugin {
  return {
    name: 'playground-static-files',
    generateBundle() {
      for (const [from, fileName] of STATIC_FILES) this.emitFile({ type: 'asset', fileName, source: readFileSync(from) });
    },
  };
}

/** `tfjs-backend-webgl-<hash>.js` instead of `dist-<hash>.js`, so the lazily loaded backends are recognisable in the build (and in bench/). */
const chunkFileNames = (chunk: { name: string; facadeModuleId: string | null }): string => {
  const backend = chunk.facadeModuleId?.match(/@tensorflow\/(tfjs-backend-[a-z]+)\//)?.[1];
  return `assets/${backend ?? chunk.name}-[hash].js`;
};

export default defineConfig({
  root: here,
  base: './',
  resolve: {
    // The packages import the full '@tensorflow/tfjs'; the page takes core + layers only (src/tf.ts) and loads backends lazily.
    alias: [{ find: /^@tensorflow\/tfjs$/, replacement: join(here, 'src/tf.ts') }],
    dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
  },
  worker: { format: 'es', rolldownOptions: { output: { chunkFileNames } } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
  plugins: [staticFiles()],
});
