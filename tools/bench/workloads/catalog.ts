/**
 * Workload names and metadata, free of tfjs/package imports so the harness parent process can list
 * and dispatch them without loading any workload code (each workload runs in its own child).
 */
export interface WorkloadInfo {
  name: string;
  /** What one unit of throughput counts. */
  unit: 'viewsPerSecond' | 'opsPerSecond';
  description: string;
  /** The PyTorch twin in tools/bench/torch/. */
  torchScript?: string;
}

const list: WorkloadInfo[] = [
  {
    name: 'ntxent-512x128',
    unit: 'opsPerSecond',
    description: 'ntXent forward + backward on two [512, 128] batches, tau 0.5',
    torchScript: 'ntxent_512x128.py',
  },
  {
    name: 'simclr-small-cnn',
    unit: 'viewsPerSecond',
    description: 'SimCLR step, 128 images x 2 views of 28x28x1, small CNN, NT-Xent tau 0.5, Adam 1e-3',
    torchScript: 'simclr_small_cnn.py',
  },
  {
    name: 'resnet18-simclr-32px',
    unit: 'viewsPerSecond',
    description: 'SimCLR step, @contrastive/vision resnet18Encoder (CIFAR stem), 64 x 2 views of 32x32x3',
    torchScript: 'resnet18_simclr_32px.py',
  },
  {
    name: 'vision-small-cnn-28px',
    unit: 'viewsPerSecond',
    description:
      'SimCLR step, @contrastive/vision smallCnnEncoder (32-64-128, BN, GAP), 256 x 2 views of 28x28x1, NT-Xent tau 0.5, Adam 1e-3',
    torchScript: 'vision_small_cnn_28px.py',
  },
  {
    name: 'resnet18-w025-28px',
    unit: 'viewsPerSecond',
    description:
      'SimCLR step, @contrastive/vision resnet18Encoder width 0.25 (CIFAR stem), 256 x 2 views of 28x28x1, NT-Xent tau 0.5, Adam 1e-3',
    torchScript: 'resnet18_w025_28px.py',
  },
  {
    name: 'gin-graphs',
    unit: 'viewsPerSecond',
    description: '@contrastive/graph GINEncoder (3x64, mean readout), 128 graphs x 2 views of 24 nodes, NT-Xent, Adam',
    torchScript: 'gin_graphs.py',
  },
  {
    name: 'cg3-nodes',
    unit: 'opsPerSecond',
    description:
      '@contrastive/graph CG3 epoch (full batch), block-model graph of BENCH_NODES nodes (default 1000; 1e4, 1e5), 500 sparse word features; ops = epochs',
    torchScript: 'cg3_nodes.py',
  },
];

export const CATALOG: Record<string, WorkloadInfo> = Object.fromEntries(list.map((w) => [w.name, w]));
