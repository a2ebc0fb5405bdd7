import * as tf from '@tensorflow/tfjs';
import type { Rng, StepInfo } from '@contrastive/core';
import { assertInt, assertNonNegative, assertOneOf, assertPositive, createRng } from '@contrastive/core';
import type { AugmentationName } from '../augment/registry.js';
import { AUGMENTATION_NAMES, graphAugmentation } from '../augment/registry.js';
import { DomainAugmenter } from '../chem/domain-augment.js';
import { moleculeGraph } from '../chem/featurize.js';
import { morganFingerprint, tanimotoMatrix, topNeighbours } from '../chem/fingerprints.js';
import type { RDKit } from '../chem/rdkit.js';
import type { Graph } from '../data/graph.js';
import { GINEncoder } from '../layers/gin-encoder.js';
import type { GINEncoderOptions } from '../layers/gin-encoder.js';
import { ProjectionHead } from '../layers/projection-head.js';
import { graphclLoss } from '../losses/graphcl-loss.js';
import { moclGlobalContrastive, moclGlobalLeastSquares } from '../losses/mocl-global.js';
import type { GraphLevelMethod } from './graph-method.js';
import { embedGraphs, projectGraphs } from './graph-views.js';
import { shareFromMain } from './share-from-main.js';

/**
 * Options of {@link MoCL}.
 *
 * Ownership: MoCL owns the encoder and head it builds and the optimizer it is given or creates;
 * `dispose()` frees them all. The RDKit module and the data stay the caller's.
 */
export interface MoCLOptions extends Omit<GINEncoderOptions, 'inputDim' | 'edgeDim'> {
  /** Projection head widths (hidden = out). Default 128 (MoCL: 512→128→128). */
  projDim?: number;
  /** τ of the local and the contrastive global loss. Default 0.5. */
  temperature?: number;
  /** λ in L = L_local + λ·L_global. Default 5 (MoCL's best for bace, clintox, sider, tox21, toxcast). */
  lambda?: number;
  /** Global loss form: `'cl'` (contrastive over Tanimoto neighbours) or `'ls'` (least squares). Default `'cl'`. */
  globalLoss?: 'cl' | 'ls';
  /** n_nb: dataset-level Tanimoto neighbours per molecule, itself included. Default 50. */
  neighbours?: number;
  /** Local augmentation: `'domain'` (DK_k bioisosteric substitution, default) or a generic graph augmentation. */
  localAug?: 'domain' | AugmentationName;
  /** k of DK_k. Default 1. */
  dk?: number;
  /** Strength of a generic local augmentation. Default 0.2. */
  augRatio?: number;
  /** Morgan radius. Default 3 (ECFP6, as MoCL). */
  fpRadius?: number;
  /** Adam learning rate. Default 1e-3. Ignored when `optimizer` is given. */
  learningRate?: number;
  /** The optimizer (owned by the method). Default `tf.train.adam(learningRate)`. */
  optimizer?: tf.Optimizer;
  /** Initialisation seed. Default 0. */
  seed?: number;
}

/** The loss settings MoCL resolves from its options. */
interface MoCLSettings {
  temperature: number;
  lambda: number;
  globalLoss: 'cl' | 'ls';
  localAug: 'domain' | AugmentationName;
  dk: number;
  augRatio: number;
}

/**
 * MoCL (Sun et al., "MoCL: Data-driven Molecular Fingerprint via Knowledge-aware Contrastive Learning from
 * Molecular Graph", KDD 2021). Per step on a batch of dataset indices:
 *
 * 1. local knowledge: two views of each molecule by DK_k bioisosteric substitution (`DomainAugmenter`),
 *    GIN + mean readout + projection head, symmetric positive-excluded NT-Xent (τ = 0.5);
 * 2. global knowledge: a third, un-augmented pass z; Tanimoto similarity of ECFP6 fingerprints over the
 *    whole dataset gives the top-n_nb neighbour sets; `'cl'`: contrast neighbours vs non-neighbours in the
 *    batch, `'ls'`: regress cos(z_i, z_j) on the Tanimoto similarity;
 * 3. L = L_local + λ·L_global, one Adam step.
 *
 * Fingerprints, the n×n Tanimoto matrix and neighbour sets are computed once in the constructor. A
 * batch is a list of graphs of `data.graphs` (the same objects): the global loss needs each molecule's
 * dataset-level neighbours, found by identity. All randomness of a step (the views) comes from `info.rng`.
 */
export class MoCL implements GraphLevelMethod {
  readonly name = 'mocl';
  readonly encoder: GINEncoder;
  readonly head: ProjectionHead;
  readonly optimizer: tf.Optimizer;
  readonly tanimoto: Float32Array;
  readonly neighbourSets: Int32Array[];
  readonly augmenter: DomainAugmenter;
  private readonly graphCache = new Map<string, Graph>();
  private readonly settings: MoCLSettings;
  /** Dataset index of each graph of `data.graphs` (the first, if a graph object appears twice). */
  private readonly indexOfGraph = new Map<Graph, number>();
  private disposed = false;
  constructor(
    private readonly rdkit: RDKit,
    readonly data: { smiles: readonly string[]; graphs: readonly Graph[] },
    opts: MoCLOptions = {},
  ) {
    if (data.smiles.length !== data.graphs.length || data.smiles.length < 2) {
      throw new RangeError(
        `data must hold >= 2 molecules with one graph per SMILES, got ${data.smiles.length} SMILES and ${data.graphs.length} graphs`,
      );
    }
    const g0 = data.graphs[0]!;
    this.settings = {
      temperature: opts.temperature ?? 0.5,
      lambda: opts.lambda ?? 5,
      globalLoss: opts.globalLoss ?? 'cl',
      localAug: opts.localAug ?? 'domain',
      dk: opts.dk ?? 1,
      augRatio: opts.augRatio ?? 0.2,
    };
    assertPositive(this.settings.temperature, 'temperature');
    assertNonNegative(this.settings.lambda, 'lambda');
    assertOneOf(this.settings.globalLoss, ['cl', 'ls'] as const, 'globalLoss');
    assertOneOf(this.settings.localAug, ['domain', ...AUGMENTATION_NAMES] as const, 'localAug');
    assertInt(this.settings.dk, 'dk', 1);
    const rng = createRng(opts.seed ?? 0);
    this.encoder = new GINEncoder(
      { ...opts, readout: opts.readout ?? 'mean', inputDim: g0.numFeatures, edgeDim: g0.numEdgeFeatures ?? 0 },
      rng,
    );
    const proj = opts.projDim ?? 128;
    this.head = new ProjectionHead(this.encoder.outDim, proj, proj, rng);
    const learningRate = opts.learningRate ?? 1e-3;
    assertPositive(learningRate, 'learningRate');
    this.optimizer = opts.optimizer ?? tf.train.adam(learningRate);
    this.augmenter = new DomainAugmenter(rdkit);
    const fps = data.smiles.map((s) => morganFingerprint(rdkit, s, { radius: opts.fpRadius ?? 3 }));
    this.tanimoto = tanimotoMatrix(fps);
    this.neighbourSets = topNeighbours(this.tanimoto, data.smiles.length, opts.neighbours ?? 50);
    data.smiles.forEach((s, i) => this.graphCache.set(s, data.graphs[i]!));
    data.graphs.forEach((g, i) => {
      if (!this.indexOfGraph.has(g)) this.indexOfGraph.set(g, i);
    });
  }

  private graphOf(smiles: string): Graph {
    let g = this.graphCache.get(smiles);
    if (!g) {
      g = moleculeGraph(this.rdkit, smiles, 'augmented molecule');
      this.graphCache.set(smiles, g);
    }
    return g;
  }

  /** One local view of molecule `i`. */
  private view(i: number, rng: Rng): Graph {
    if (this.settings.localAug === 'domain') return this.graphOf(this.augmenter.augment(this.data.smiles[i]!, rng, this.settings.dk));
    return graphAugmentation(this.settings.localAug, this.settings.augRatio)(this.data.graphs[i]!, rng);
  }

  /** Projections `[N, proj]` (in a data-parallel step each replica encodes its slice: {@link projectGraphs}). */
  private project(graphs: readonly Graph[]): tf.Tensor2D {
    return projectGraphs(graphs, (t) => this.head.apply(this.encoder.embed(t)));
  }

  /** L_local + λ·L_global on the molecules `indices` (no update). */
  loss(indices: readonly number[], rng: Rng): tf.Scalar {
    const v1 = indices.map((i) => this.view(i, rng));
    const v2 = indices.map((i) => this.view(i, rng));
    const orig = indices.map((i) => this.data.graphs[i]!);
    const b = indices.length;
    const n = this.data.smiles.length;
    return tf.tidy(() => {
      const local = graphclLoss(this.project(v1), this.project(v2), {
        temperature: this.settings.temperature,
        symmetric: true,
      }) as tf.Scalar;
      if (this.settings.lambda === 0) return local;
      const z = this.project(orig);
      let global: tf.Scalar;
      if (this.settings.globalLoss === 'ls') {
        const block = new Float32Array(b * b);
        indices.forEach((i, r) => indices.forEach((j, c) => (block[r * b + c] = this.tanimoto[i * n + j]!)));
        global = moclGlobalLeastSquares(z, tf.tensor2d(block, [b, b]));
      } else {
        const mask = new Uint8Array(b * b);
        indices.forEach((i, r) => {
          const set = this.neighbourSets[i]!;
          indices.forEach((j, c) => (mask[r * b + c] = binaryHas(set, j) ? 1 : 0));
        });
        global = moclGlobalContrastive(z, tf.tensor2d(mask, [b, b], 'bool'), this.settings.temperature);
      }
      return tf.add(local, tf.mul(global, this.settings.lambda)) as tf.Scalar;
    });
  }

  /** Dataset indices of `graphs`, which must be graphs of `data.graphs` (the same objects). */
  indicesOf(graphs: readonly Graph[]): number[] {
    return graphs.map((g, k) => {
      const i = this.indexOfGraph.get(g);
      if (i === undefined)
        throw new RangeError(
          `MoCL batch[${k}] is not one of data.graphs (a MoCL batch lists graphs of its dataset, whose Tanimoto neighbours it knows)`,
        );
      return i;
    });
  }

  /** One Adam step on a batch of ≥ 2 graphs of `data.graphs`; views from `info.rng`. */
  step(graphs: readonly Graph[], info: StepInfo): tf.Scalar {
    if (graphs.length < 2) throw new RangeError(`a MoCL batch needs >= 2 molecules, got ${graphs.length}`);
    // A data-parallel worker receives copies of the graphs (not data.graphs' objects): it takes rank 0's indices.
    const indices = shareFromMain(graphs.length, () => this.indicesOf(graphs));
    const vars = Object.values(this.stateTensors());
    return this.optimizer.minimize(() => this.loss(indices, info.rng), true, vars)!;
  }

  /** Encoder graph vectors `[N, outDim]` of `graphs` (default: the whole dataset). */
  embed(graphs: readonly Graph[] = this.data.graphs): tf.Tensor2D {
    return embedGraphs(this.encoder, graphs);
  }

  stateTensors(): Record<string, tf.Variable> {
    return { ...this.encoder.variables('encoder'), ...this.head.variables('head') };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.optimizer };
  }
  /** Frees the encoder, the head and the optimizer. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder.dispose();
    this.head.dispose();
    this.optimizer.dispose();
  }
}

function binaryHas(sorted: Int32Array, v: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = sorted[mid]!;
    if (x === v) return true;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
