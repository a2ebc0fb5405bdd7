/**
 * What the page bundles for `import * as tf from '@tensorflow/tfjs'` (vite.config.ts aliases that name
 * here): tfjs-core with its gradients and chained ops, and tfjs-layers — the parts @contrastive/core and
 * @contrastive/vision use. Not the full `@tensorflow/tfjs`, which also pulls in the WebGL and CPU backends,
 * the converter and tfjs-data: the backends are imported on demand by backend.ts (one chunk each).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
