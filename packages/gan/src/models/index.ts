export { dcganDiscriminator, dcganGenerator } from './dcgan.js';
export { sampleLatent } from './options.js';
export type { GanModelOptions } from './options.js';
export { snLinearHead, snProjectionHead, sndcganDiscriminator, sndcganGenerator } from './sndcgan.js';
export type { GanDiscriminator, SNDCGANGeneratorOptions, SNProjectionHeadOptions } from './sndcgan.js';
