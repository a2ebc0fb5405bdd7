import { createRng } from '@contrastive/core';
import { resnet18Encoder } from '../../../packages/vision/src/encoders/resnet.js';
console.log(typeof createRng, typeof resnet18Encoder);
