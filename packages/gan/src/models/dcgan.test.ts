import { useCpuLeakCheck } from '@contrastive/test-utils';
import { dcganDiscriminator, dcganGenerator } from './dcgan.js';
import { pairSuite } from './test-utils/model-suite.js';

useCpuLeakCheck();

pairSuite({
  name: 'DCGAN',
  generator: dcganGenerator,
  discriminator: dcganDiscriminator,
  counts: [966_593, 1_204_163, 656_832, 658_880, 4_097],
  featureDim: 4096,
});
