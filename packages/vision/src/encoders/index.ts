export { smallCnnEncoder } from './small-cnn.js';
export type { SmallCnnOptions } from './small-cnn.js';
export { resnet18Encoder } from './resnet.js';
export type { ResNet18Options } from './resnet.js';
export { vitTinyEncoder } from './vit.js';
export type { VitOptions } from './vit.js';
export { ClassTokenPosEmbed, MultiHeadSelfAttention, ClassTokenPool, sinCos2d } from './vit-layers.js';
export { buildEncoder, createEncoder, encoderRegistry, ENCODERS } from './registry.js';
export type { EncoderName, EncoderSpec } from './registry.js';
