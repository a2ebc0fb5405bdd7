import type { HeadBlock } from './mlp.js';

/** Dimensions of a preset head. Defaults are each paper's (sized for ResNet-50); pass smaller ones on CPU. */
export interface HeadDims {
  /** Hidden width. */
  hidden?: number;
  /** Output width. */
  out?: number;
}

/**
 * SimCLR v1 projector (`model_util.py`): `Linear(hidden, bias) + BN → ReLU → Linear(out, no bias) + BN`.
 * Paper: hidden 2048 (= the encoder width), out 128.
 */
export function simclrProjector({ hidden = 2048, out = 128 }: HeadDims = {}): HeadBlock[] {
  return [
    { units: hidden, bias: true, bn: 'affine', relu: true },
    { units: out, bias: false, bn: 'affine' },
  ];
}

/** MoCo v1 projector: the ResNet's last fc replaced by `Linear(out=128, bias)`; no hidden layer. */
export function mocoV1Projector({ out = 128 }: HeadDims = {}): HeadBlock[] {
  return [{ units: out, bias: true }];
}

/** MoCo v2 projector (`--mlp`): `Linear(hidden=2048, bias) → ReLU → Linear(out=128, bias)`, no BN. */
export function mocoV2Projector({ hidden = 2048, out = 128 }: HeadDims = {}): HeadBlock[] {
  return [
    { units: hidden, bias: true, relu: true },
    { units: out, bias: true },
  ];
}

/**
 * MoCo v3 projector (`builder.py`, ResNet): no biases, `Linear(4096) + BN + ReLU → Linear(256) + BN(affine=False)`
 * ("follow SimCLR"). The ViT projector has 3 layers (`layers: 3`).
 */
export function mocoV3Projector({ hidden = 4096, out = 256, layers = 2 }: HeadDims & { layers?: 2 | 3 } = {}): HeadBlock[] {
  const hiddenBlocks: HeadBlock[] = Array.from({ length: layers - 1 }, () => ({ units: hidden, bias: false, bn: 'affine', relu: true }));
  return [...hiddenBlocks, { units: out, bias: false, bn: 'plain' }];
}

/**
 * MoCo v3 predictor: no biases, `Linear(4096) + BN + ReLU → Linear(256)`; with a last `BN(affine=False)`
 * for ViT (`lastBn: true`), without it for ResNet (the default).
 */
export function mocoV3Predictor({ hidden = 4096, out = 256, lastBn = false }: HeadDims & { lastBn?: boolean } = {}): HeadBlock[] {
  return [
    { units: hidden, bias: false, bn: 'affine', relu: true },
    { units: out, bias: false, bn: lastBn ? 'plain' : 'none' },
  ];
}

/**
 * BYOL projector and predictor (`byol/utils/networks.py` MLP): `Linear(4096, bias) → BN → ReLU →
 * Linear(256, no bias)`; the same shape for both.
 */
export function byolMlp({ hidden = 4096, out = 256 }: HeadDims = {}): HeadBlock[] {
  return [
    { units: hidden, bias: true, bn: 'affine', relu: true },
    { units: out, bias: false },
  ];
}

/**
 * SimSiam projector (`builder.py`): three layers at 2048, no biases (the last Linear's bias is frozen in
 * the official code, which BN(affine=False) makes redundant): `Linear + BN + ReLU` ×2 → `Linear + BN(affine=False)`.
 */
export function simsiamProjector({ hidden = 2048, out = 2048 }: HeadDims = {}): HeadBlock[] {
  return [
    { units: hidden, bias: false, bn: 'affine', relu: true },
    { units: hidden, bias: false, bn: 'affine', relu: true },
    { units: out, bias: false, bn: 'plain' },
  ];
}

/**
 * SimSiam predictor: a bottleneck `Linear(512, no bias) + BN + ReLU → Linear(2048, bias)`, no BN at the
 * output (the paper found a BN there makes training unstable).
 */
export function simsiamPredictor({ hidden = 512, out = 2048 }: HeadDims = {}): HeadBlock[] {
  return [
    { units: hidden, bias: false, bn: 'affine', relu: true },
    { units: out, bias: true },
  ];
}

/** InstDisc (Wu et al. 2018): a linear embedding to 128-d (L2-normalised by the method). */
export function instDiscProjector({ out = 128 }: HeadDims = {}): HeadBlock[] {
  return [{ units: out, bias: true }];
}
