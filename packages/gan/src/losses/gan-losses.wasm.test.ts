import '@tensorflow/tfjs-backend-wasm';
// Importing core registers its wasm training kernels (Conv2DBackpropInput/Filter, …) as a side effect.
import { BACKENDS } from '@contrastive/core';
import { useLeakCheck } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { ganLossGoldenSuite } from './test-utils/golden-suite.js';

// The same golden cases on wasm, the backend initBackend() prefers without tfjs-node. R1's gradient w.r.t.
// D's weights is a gradient of a gradient: it runs the backward kernels of conv2d / matMul / tanh / leakyRelu
// forward and differentiates them again (Conv2DBackpropInput's gradient needs Conv2DBackpropFilter on wasm).

useLeakCheck({ backend: 'wasm' });

it('core is loaded (its wasm kernels are registered)', () => {
  expect(BACKENDS).toContain('wasm');
});

ganLossGoldenSuite();
