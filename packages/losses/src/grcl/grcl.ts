import * as tf from '@tensorflow/tfjs';
import {
  allReduceSum,
  dataParallelContext,
  type Encoder,
  infoNCE,
  type Method,
  MoCoQueue,
  parallelRows,
  type StepInfo,
  stopGradient,
  updateMomentum,
} from '@contrastive/core';
import { flatGradient, unflattenGradient } from './flat-gradient.js';
import { type ProjectGradientOptions, type ProjectionResult, projectGradient } from './project-gradient.js';

/** One GRCL step's data: two views of the current target domain's unlabelled batch and a labelled source batch. */
export interface GRCLBatch {
  /** Two augmented views `[N, ...inputShape]` of the same unlabelled target images (made by the caller). */
  views: [tf.Tensor, tf.Tensor];
  /** A labelled source batch: images `[M, ...inputShape]` and integer labels in [0, numClasses). */
  source: { x: tf.Tensor; labels: tf.Tensor1D | ArrayLike<number> };
  /**
   * Closes domain `domain` before this step ({@link GRCL.finishDomain} with `samples`, pseudo-labelled), unless
   * it is already closed (a run resumed from a checkpoint taken after it). A training loop passes the memory
   * in the first batch of the next domain, so every data-parallel replica stores the same memory.
   */
  finish?: { domain: number; samples: tf.Tensor };
}

/** Options of {@link GRCL}. */
export interface GRCLOptions {
  /** The query encoder `[N, ...inputShape] → [N, featureDim]`; the method owns it and trains it. */
  encoder: Encoder;
  /**
   * A momentum key encoder of the same architecture (MoCo, He et al. 2020), owned by the method; its
   * weights are first set to the encoder's and then follow θ_k ← m·θ_k + (1 − m)·θ_q before each step's
   * keys. Omitted: the keys are the encoder's own features of the second view under stop-gradient.
   */
  keyEncoder?: Encoder;
  /** Key-encoder momentum m (MoCo: 0.999). Default `0.999`. */
  momentum?: number;
  /** Feature dimension D of the encoder's output. */
  featureDim: number;
  /** Number of classes of the source classifier (a linear layer on the features, created by the method). */
  numClasses: number;
  /** Shape of one input image (without the batch axis), e.g. `[28, 28, 1]`: the episodic memories store inputs. */
  inputShape: number[];
  /** Number of target domains of the sequence (memory slots; the checkpoint holds all of them). */
  domains: number;
  /** Samples stored per finished domain (GEM's `n_memories`: 256 in its runs). Default `64`. */
  memorySize?: number;
  /** MoCo queue length K (MoCo: 65 536; small data: 4 096). Default `4096`. */
  queueSize?: number;
  /** InfoNCE temperature τ (MoCo v1: 0.07, MoCo v2: 0.2). Default `0.07`. */
  temperature?: number;
  /**
   * Weight λ of the source cross-entropy in the proposed update g = ∇L_con + λ·∇L_ce^src
   * (the source gradient is also the first constraint row). Default `1` [reconstruction].
   */
  sourceWeight?: number;
  /** `false` applies g unprojected (plain contrastive fine-tuning: the forgetting baseline). Default `true`. */
  project?: boolean;
  /** Options of the projection (GEM's margin / eps). Default `{}` (the exact projection). */
  projection?: ProjectGradientOptions;
  /** The optimizer of the encoder and classifier. Default `tf.train.momentum(0.03, 0.9)` (MoCo's SGD). */
  optimizer?: tf.Optimizer;
  /** Seed of the classifier's initial weights and the queue's initial rows. Default `0`. */
  seed?: number;
}

/** The gradients of one step before they are applied (owned by the caller). */
export interface GRCLGradients {
  /** The proposed update g = ∇L_con + λ·∇L_ce^src `[P]`. */
  objective: tf.Tensor1D;
  /** G `[1 + d, P]`: ∇L_ce^src, then ∇L_ce(M_j) for every finished domain j < d. */
  constraints: tf.Tensor2D;
  /** The projection of g (g itself when `project: false` or nothing is violated). */
  projection: ProjectionResult;
  /** The losses: contrastive, source CE and the memories' CE (one per finished domain). */
  losses: { contrastive: tf.Scalar; source: tf.Scalar; memories: tf.Scalar[] };
  /** The keys of the second view (for the queue). */
  keys: tf.Tensor2D;
}

/**
 * GRCL, gradient-regularized contrastive learning for continual domain adaptation (Tang, Su, Chen &
 * Ouyang, AAAI 2021; no official code). Over a sequence of unlabelled target domains, with a labelled
 * source domain throughout, each step:
 *
 * 1. (with a key encoder) momentum update, then keys k = sg(f_k(view₂)); queries q = f(view₁);
 * 2. L_con = InfoNCE(q, k; MoCo queue, τ), L_ce^src = CE(W·f(x_src) + b, y_src), and for every finished
 *    domain j the memory loss L_ce(M_j) = CE on its stored samples with their stored (pseudo-)labels;
 * 3. each loss's per-variable gradients flattened into one vector (encoder + classifier variables);
 * 4. g = ∇L_con + λ·∇L_ce^src, G = [∇L_ce^src; ∇L_ce(M_0); …], g̃ = {@link projectGradient}(g, G):
 *    ⟨g̃, ∇L_ce^src⟩ ≥ 0 (source-discriminative constraint) and ⟨g̃, ∇L_ce(M_j)⟩ ≥ 0 (no forgetting);
 * 5. g̃ applied by the optimizer; the keys enqueued.
 *
 * {@link finishDomain} closes a domain: it stores `memorySize` of its samples with the classifier's
 * pseudo-labels (argmax) — or given labels — and advances the domain index. The memories and the
 * domain index are variables, so `train()` checkpoints and resumes them.
 *
 * Reconstructed (the paper's text beyond its abstract could not be checked): the abstract fixes the two
 * constraints — the update must not increase the supervised source loss, nor the classification loss on
 * old target domains; the GEM QP, the memory contents (pseudo-labels), λ and the use of the encoder
 * features for both heads are this implementation's choices.
 */
export class GRCL implements Method<GRCLBatch> {
  readonly name = 'grcl';
  readonly encoder: Encoder;
  readonly keyEncoder: Encoder | undefined;
  readonly queue: MoCoQueue;
  readonly optimizer: tf.Optimizer;
  readonly classifierWeight: tf.Variable;
  readonly classifierBias: tf.Variable;
  readonly numClasses: number;
  readonly memorySize: number;
  readonly domains: number;
  private readonly opts: Required<Pick<GRCLOptions, 'momentum' | 'temperature' | 'sourceWeight' | 'project' | 'projection'>>;
  private readonly inputShape: number[];
  private readonly memoryX: tf.Variable;
  private readonly memoryY: tf.Variable;
  private readonly domainVar: tf.Variable;
  private disposed = false;

  constructor(options: GRCLOptions) {
    const o = options;
    const {
      momentum = 0.999,
      temperature = 0.07,
      sourceWeight = 1,
      project = true,
      projection = {},
      memorySize = 64,
      queueSize = 4096,
      seed = 0,
    } = o;
    if (o.encoder === undefined || typeof o.encoder.apply !== 'function') throw new TypeError('GRCL: options.encoder must be an Encoder');
    for (const [name, v] of [
      ['featureDim', o.featureDim],
      ['numClasses', o.numClasses],
      ['domains', o.domains],
      ['memorySize', memorySize],
      ['queueSize', queueSize],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`GRCL: options.${name} must be an integer >= 1, got ${String(v)}`);
    }
    if (o.numClasses < 2) throw new RangeError(`GRCL: options.numClasses must be >= 2, got ${o.numClasses}`);
    if (!Array.isArray(o.inputShape) || o.inputShape.length === 0 || o.inputShape.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new RangeError(`GRCL: options.inputShape must be a non-empty array of positive integers, got ${JSON.stringify(o.inputShape)}`);
    }
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`GRCL: options.momentum must be in [0, 1], got ${String(momentum)}`);
    if (!(temperature > 0) || !Number.isFinite(temperature))
      throw new RangeError(`GRCL: options.temperature must be > 0, got ${String(temperature)}`);
    if (!(sourceWeight >= 0) || !Number.isFinite(sourceWeight))
      throw new RangeError(`GRCL: options.sourceWeight must be >= 0, got ${String(sourceWeight)}`);
    this.encoder = o.encoder;
    this.keyEncoder = o.keyEncoder;
    this.numClasses = o.numClasses;
    this.memorySize = memorySize;
    this.domains = o.domains;
    this.inputShape = [...o.inputShape];
    this.opts = { momentum, temperature, sourceWeight, project, projection };
    this.optimizer = o.optimizer ?? tf.train.momentum(0.03, 0.9);
    this.queue = new MoCoQueue({ size: queueSize, dim: o.featureDim, seed });
    const d = o.featureDim;
    const c = o.numClasses;
    this.classifierWeight = tf.tidy(() =>
      tf.variable(tf.randomUniform([d, c], -Math.sqrt(6 / (d + c)), Math.sqrt(6 / (d + c)), 'float32', seed), true),
    );
    this.classifierBias = tf.tidy(() => tf.variable(tf.zeros([c]), true));
    this.memoryX = tf.tidy(() => tf.variable(tf.zeros([o.domains, memorySize, ...o.inputShape]), false));
    this.memoryY = tf.tidy(() => tf.variable(tf.zeros([o.domains, memorySize], 'int32'), false));
    this.domainVar = tf.tidy(() => tf.variable(tf.scalar(0, 'int32'), false));
    if (this.keyEncoder !== undefined) updateMomentum(this.encoder.trainableWeights, this.keyEncoder.trainableWeights, 0);
  }

  /** Index of the current target domain (= number of finished domains, whose memories constrain the update). */
  get domain(): number {
    return this.domainVar.dataSync()[0]!;
  }

  /** The variables the optimizer updates, in the order of the flattened gradients: encoder, then classifier W, b. */
  variables(): tf.Variable[] {
    return [...this.encoder.trainableWeights, this.classifierWeight, this.classifierBias];
  }

  /** Classifier logits `[N, C]` of inputs `x`. */
  logits(x: tf.Tensor, training = false): tf.Tensor2D {
    return tf.tidy(
      () =>
        tf.add(
          tf.matMul(this.encoder.apply(x, training) as tf.Tensor2D, this.classifierWeight as tf.Tensor2D),
          this.classifierBias,
        ) as tf.Tensor2D,
    );
  }

  /**
   * Closes the current domain: stores `samples` (`[memorySize, ...inputShape]`) as its episodic memory
   * with `labels`, or the classifier's argmax pseudo-labels when omitted, and advances the domain index.
   */
  finishDomain(samples: tf.Tensor, labels?: tf.Tensor1D | ArrayLike<number>): void {
    this.assertAlive();
    const d = this.domain;
    if (d >= this.domains) throw new RangeError(`GRCL.finishDomain: all ${this.domains} domains are already finished`);
    const want = [this.memorySize, ...this.inputShape];
    if (!(samples instanceof tf.Tensor) || samples.shape.join(',') !== want.join(',')) {
      throw new RangeError(
        `GRCL.finishDomain: samples must have shape [${want.join(', ')}], got ${samples instanceof tf.Tensor ? `[${samples.shape.join(', ')}]` : typeof samples}`,
      );
    }
    tf.tidy(() => {
      const y = labels === undefined ? tf.argMax(this.logits(samples, false), 1) : this.labelTensor(labels, this.memorySize, 'labels');
      const mask = tf.reshape(tf.equal(tf.range(0, this.domains, 1, 'int32'), d), [this.domains, 1]);
      const xs = tf.broadcastTo(tf.expandDims(samples, 0), this.memoryX.shape);
      this.memoryX.assign(tf.where(tf.reshape(mask, [this.domains, ...want.map(() => 1)]).tile([1, ...want]), xs, this.memoryX));
      this.memoryY.assign(
        tf.where(
          tf.tile(mask, [1, this.memorySize]),
          tf.broadcastTo(tf.expandDims(tf.cast(y, 'int32'), 0), this.memoryY.shape),
          this.memoryY,
        ),
      );
      this.domainVar.assign(tf.scalar(d + 1, 'int32'));
    });
  }

  /** The gradients of one step (nothing is applied; the caller disposes the result's tensors). */
  gradients(batch: GRCLBatch, info?: StepInfo): GRCLGradients {
    void info;
    this.assertAlive();
    const [v1, v2] = this.checkBatch(batch);
    const vars = this.variables();
    const d = Math.min(this.domain, this.domains);
    const keys = tf.tidy(() => stopGradient(encodeRows(this.keyEncoder ?? this.encoder, v2)));
    const negatives = this.queue.negatives();
    const con = flatGradient(() => infoNCE(encodeRows(this.encoder, v1), keys, { negatives, temperature: this.opts.temperature }), vars);
    negatives.dispose();
    const ySrc = tf.tidy(() => this.labelTensor(batch.source.labels, batch.source.x.shape[0]!, 'source.labels').clone());
    const src = flatGradient(() => this.crossEntropy(batch.source.x, ySrc), vars);
    ySrc.dispose();
    const mems = [];
    for (let j = 0; j < d; j++) {
      const [mx, my] = tf.tidy(() => [tf.gather(this.memoryX, j), tf.gather(this.memoryY, j)]);
      mems.push(flatGradient(() => this.crossEntropy(mx!, my as tf.Tensor1D), vars));
      tf.dispose([mx!, my!]);
    }
    // Data-parallel: each replica's gradients are its rows' share (their mean over replicas is the full
    // gradient); the projection is not linear, so it must see the full gradients, the same on every replica.
    for (const g of [con, src, ...mems]) g.gradient = meanOverReplicas(g.gradient);
    const objective = tf.tidy(() => tf.add(con.gradient, tf.mul(src.gradient, this.opts.sourceWeight)) as tf.Tensor1D);
    const constraints = tf.stack([src.gradient, ...mems.map((m) => m.gradient)]) as tf.Tensor2D;
    tf.dispose([con.gradient, src.gradient, ...mems.map((m) => m.gradient)]);
    const projection = this.opts.project
      ? projectGradient(objective, constraints, this.opts.projection)
      : { gradient: objective.clone(), projected: false, multipliers: new Float64Array(1 + d), dots: new Float64Array(1 + d) };
    return {
      objective,
      constraints,
      projection,
      losses: { contrastive: con.value, source: src.value, memories: mems.map((m) => m.value) },
      keys,
    };
  }

  step(batch: GRCLBatch, info: StepInfo) {
    if (batch?.finish !== undefined && this.domain === batch.finish.domain) this.finishDomain(batch.finish.samples);
    if (this.keyEncoder !== undefined) updateMomentum(this.encoder.trainableWeights, this.keyEncoder.trainableWeights, this.opts.momentum);
    const r = this.gradients(batch, info);
    const grads = unflattenGradient(r.projection.gradient, this.variables());
    this.optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    this.queue.update(r.keys);
    const { contrastive, source, memories } = r.losses;
    const loss = tf.tidy(() => tf.add(contrastive, tf.mul(source, this.opts.sourceWeight))) as tf.Scalar;
    const logs: Record<string, number | tf.Scalar> = { contrastive, sourceCe: source, projected: r.projection.projected ? 1 : 0 };
    if (memories.length > 0) logs.memoryCe = tf.tidy(() => tf.div(tf.addN(memories), memories.length)) as tf.Scalar;
    tf.dispose([r.objective, r.constraints, r.projection.gradient, r.keys, ...memories]);
    return { loss, logs };
  }

  stateTensors(): Record<string, tf.Variable> {
    this.assertAlive();
    const key = this.keyEncoder === undefined ? {} : prefixed('key_encoder', this.keyEncoder.stateTensors());
    return {
      ...this.encoder.stateTensors(),
      ...key,
      'classifier/kernel': this.classifierWeight,
      'classifier/bias': this.classifierBias,
      ...this.queue.stateTensors('queue'),
      'memory/x': this.memoryX,
      'memory/y': this.memoryY,
      'memory/domain': this.domainVar,
    };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder.dispose();
    this.keyEncoder?.dispose();
    this.queue.dispose();
    this.optimizer.dispose();
    // tfjs 4.22's SGD/Momentum dispose() forgets the learning-rate scalar `c`.
    tf.dispose((this.optimizer as unknown as { c?: tf.Tensor }).c);
    tf.dispose([this.classifierWeight, this.classifierBias, this.memoryX, this.memoryY, this.domainVar]);
  }

  private crossEntropy(x: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
    const logits = tf.add(tf.matMul(encodeRows(this.encoder, x), this.classifierWeight as tf.Tensor2D), this.classifierBias) as tf.Tensor2D;
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(labels, 'int32'), this.numClasses), logits) as tf.Scalar;
  }

  private labelTensor(labels: tf.Tensor1D | ArrayLike<number>, n: number, name: string): tf.Tensor1D {
    const t = labels instanceof tf.Tensor ? labels : tf.tensor1d(Array.from(labels as ArrayLike<number>), 'int32');
    if (t.rank !== 1 || t.shape[0] !== n) throw new RangeError(`GRCL: ${name} must have shape [${n}], got [${t.shape.join(', ')}]`);
    return t as tf.Tensor1D;
  }

  private checkBatch(batch: GRCLBatch): [tf.Tensor, tf.Tensor] {
    const shape = this.inputShape.join(', ');
    const views = batch?.views;
    if (!Array.isArray(views) || views.length !== 2 || !views.every((v) => v instanceof tf.Tensor)) {
      throw new TypeError('GRCL: batch.views must be two tensors [N, ...inputShape]');
    }
    for (const [name, t] of [
      ['views[0]', views[0]],
      ['views[1]', views[1]],
      ['source.x', batch.source?.x],
    ] as const) {
      if (!(t instanceof tf.Tensor) || t.shape.slice(1).join(', ') !== shape || t.shape[0]! < 1) {
        throw new RangeError(
          `GRCL: batch.${name} must have shape [N, ${shape}], got ${t instanceof tf.Tensor ? `[${t.shape.join(', ')}]` : typeof t}`,
        );
      }
    }
    if (views[0].shape[0] !== views[1].shape[0])
      throw new RangeError(`GRCL: batch.views must have the same N, got ${views[0].shape[0]} and ${views[1].shape[0]}`);
    const labels = batch.source.labels;
    const m = batch.source.x.shape[0]!;
    const len = labels instanceof tf.Tensor ? (labels.rank === 1 ? labels.shape[0] : -1) : labels?.length;
    if (len !== m)
      throw new RangeError(
        `GRCL: batch.source.labels must have shape [${m}] (one per row of source.x), got ${labels instanceof tf.Tensor ? `[${labels.shape.join(', ')}]` : `length ${String(len)}`}`,
      );
    return views;
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('GRCL was disposed');
  }
}

/** `encoder(x)` in training mode, the rows split over data-parallel replicas (core's `parallelRows`). */
function encodeRows(encoder: Encoder, x: tf.Tensor): tf.Tensor2D {
  const n = x.shape[0]!;
  return parallelRows(n, (start, count) => encoder.apply(count === n ? x : tf.slice(x, start, count), true) as tf.Tensor2D);
}

/** The mean over the data-parallel replicas of `g` (disposed); `g` itself outside a data-parallel step. */
function meanOverReplicas(g: tf.Tensor1D): tf.Tensor1D {
  const ctx = dataParallelContext();
  if (ctx === undefined || ctx.size === 1) return g;
  const mean = tf.tidy(() => tf.div(allReduceSum(g), ctx.size) as tf.Tensor1D);
  g.dispose();
  return mean;
}

function prefixed(prefix: string, state: Record<string, tf.Variable>): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [`${prefix}/${k}`, v]));
}
