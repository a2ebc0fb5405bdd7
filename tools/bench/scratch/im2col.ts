import * as tf from '@tensorflow/tfjs';
import { im2colT } from '../../../packages/core/src/backend/wasm-kernels/conv2d-backprop-filter.js';
const info = tf.backend_util.computeConv2DInfo([256, 14, 14, 32], [3, 3, 32, 64], 1, 1, 'same', undefined, false, 'channelsLast');
const x = new Float32Array(256 * 14 * 14 * 32).map(() => Math.random());
const colsT = new Float32Array(288 * 50176);
for (let i = 0; i < 4; i++) { const s = performance.now(); im2colT(x, colsT, info); console.log('im2colT', (performance.now() - s).toFixed(1), 'ms'); }
