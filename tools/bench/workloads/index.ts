import { cg3Nodes } from './cg3-nodes.js';
import { ginGraphs } from './gin.js';
import { ntxent512x128 } from './ntxent.js';
import { resnet18Simclr32px } from './resnet18.js';
import { resnet18W025_28px } from './resnet18-w025.js';
import { simclrSmallCnn } from './simclr-small-cnn.js';
import type { Workload } from './types.js';
import { visionSmallCnn28px } from './vision-small-cnn.js';

/** Every workload, by name, in the order `pnpm bench` runs them. */
export const WORKLOADS: Record<string, Workload> = Object.fromEntries(
  [ntxent512x128, simclrSmallCnn, resnet18Simclr32px, visionSmallCnn28px, resnet18W025_28px, ginGraphs, cg3Nodes].map((w) => [w.name, w]),
);
