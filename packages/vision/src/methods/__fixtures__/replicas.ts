// Replica factories of the data-parallel tests: small vision methods built the same way in every thread.
import { smallCnnEncoder } from '../../encoders/small-cnn.js';
import { MoCoV2 } from '../moco.js';
import { SimCLR } from '../simclr.js';

export interface ReplicaArgs {
  method: 'simclr' | 'moco-v2';
  seed: number;
}

export function createReplica({ method, seed }: ReplicaArgs): SimCLR | MoCoV2 {
  const encoder = smallCnnEncoder({ inputShape: [16, 16, 1], widths: [8, 16], seed });
  if (method === 'simclr') return new SimCLR({ encoder, seed, learningRate: 1e-3 });
  return new MoCoV2({ encoder, seed, learningRate: 1e-3, queueSize: 32, bnGroups: 2, shuffleBn: true });
}
