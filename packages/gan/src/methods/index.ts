export { GAN } from './gan.js';
export type { DiscriminatorLoss, DiscriminatorPenalty, GanAugment, GANOptions, GeneratorLoss } from './gan.js';
