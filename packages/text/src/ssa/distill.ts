import * as tf from '@tensorflow/tfjs';
import { AdamW, createRng } from '@contrastive/core';
import type { Method, StepInfo, StepOutput } from '@contrastive/core';
import { type AspectMapping, NOMAP, NONE_LABEL } from './hrs-map.js';
import { noamLearningRate } from './ssa-math.js';

/**
 * Knowledge distillation of SSCL into a student over a frozen pretrained encoder (SSCLS; `AspDec/model_kd_base.py`,
 * `AspDec/SSCL/model_student.py`).
 */

/** The teacher's soft labels over the gold labels of a mapping (see {@link teacherSoftLabels}). */
export interface TeacherLabels {
  /** The gold labels (the mapping's labels without `nomap`), sorted: the student's classes. */
  labels: string[];
  /** Per sentence, the renormalised label distribution. */
  soft: Float32Array[];
  /** Per sentence, the class of its largest soft weight. */
  hard: Int32Array;
  /** Per sentence, the entropy −Σ s·log(s + 1e-20) of its soft label (nats). */
  entropy: Float64Array;
}

/**
 * Teacher soft labels (`build_batch` of `model_kd_base.py`): sum each sentence's learned-aspect weights p over the
 * aspects mapped to each gold label (dropping `nomap`), renormalise; the hard label is the argmax (ties → the last
 * label in sort order, as `np.argsort(...)[::-1][0]`).
 */
export function teacherSoftLabels(weights: readonly ArrayLike<number>[], mapping: AspectMapping): TeacherLabels {
  const labels = [...new Set(mapping.labels.filter((l) => l !== NOMAP))].sort();
  if (labels.length === 0) throw new RangeError(`the mapping (${mapping.source}) maps no aspect to a label`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const soft: Float32Array[] = [];
  const hard = new Int32Array(weights.length);
  const entropy = new Float64Array(weights.length);
  weights.forEach((w, i) => {
    if (w.length !== mapping.labels.length)
      throw new RangeError(`row ${i} has ${w.length} aspect weights, the mapping ${mapping.labels.length}`);
    const s = new Float64Array(labels.length);
    for (let k = 0; k < w.length; k++) {
      const c = index.get(mapping.labels[k]!);
      if (c !== undefined) s[c]! += w[k]!;
    }
    const total = s.reduce((a, b) => a + b, 0);
    let best = 0;
    let h = 0;
    for (let c = 0; c < s.length; c++) {
      s[c] = total > 0 ? s[c]! / total : 1 / s.length;
      if (s[c]! >= s[best]!) best = c;
      h -= s[c]! * Math.log(s[c]! + 1e-20);
    }
    soft.push(Float32Array.from(s));
    hard[i] = best;
    entropy[i] = h;
  });
  return { labels, soft, hard, entropy };
}

/** Entropy thresholds of the distillation filter (`--thresh_aspect` 1.6, `--thresh_general` 1.0 in `main.py`). */
export interface DistillFilterOptions {
  /** Skip a sentence whose soft label has entropy above this. Default 1.6. */
  thresholdAspect?: number;
  /** Skip a sentence whose hard label is `none` (General) with entropy above this. Default 1.0. */
  thresholdGeneral?: number;
}

/**
 * Which sentences teach the student (`build_pipelines` of `model_kd_base.py`): not those whose soft label is too
 * uncertain. The code filters inside each batch and keeps the batch's first sentence when none pass; we filter the
 * training set once, so no batch is ever empty. With many gold labels (G = 24 here, log G ≈ 3.2 nats) the default
 * 1.6 may keep few sentences: the caller reports how many were kept.
 */
export function distillationKeep(t: TeacherLabels, options: DistillFilterOptions = {}): boolean[] {
  const { thresholdAspect = 1.6, thresholdGeneral = 1.0 } = options;
  return Array.from(t.entropy, (h, i) => !(h > thresholdAspect) && !(t.labels[t.hard[i]!] === NONE_LABEL && h > thresholdGeneral));
}

/** A student batch: frozen encoder vectors and the teacher's hard labels. */
export interface StudentBatch {
  /** `[N, d]` sentence vectors of the frozen encoder. */
  x: tf.Tensor2D;
  /** `[N]` int32 class indices (into {@link TeacherLabels.labels}). */
  y: tf.Tensor1D;
}

/** Options of {@link DistillStudent}. */
export interface DistillStudentOptions {
  /** Input width d (USE-lite: 512). */
  dim: number;
  /** Classes G. */
  classes: number;
  /** Seed of the classifier's init (torch `nn.Linear`: U(±1/√d)). Default 0. */
  seed?: number;
  /** Noam warm-up steps (the student runs on the same engine and schedule as SSCL). Default 2000. */
  warmupSteps?: number;
  /** `'noam'` (default) or `'constant'` at `learningRate` (default 2e-4). */
  schedule?: 'noam' | 'constant';
  learningRate?: number;
  /** Global gradient-norm clip. Default 2. */
  maxGradNorm?: number;
}

/**
 * The SSCLS student head on a frozen encoder: prob = softmax(tanh(W x + b)) (`model_student.py`: `classifier`,
 * then tanh, then softmax), loss = NLL of log(prob + 1e-20) at the teacher's hard label. The code runs SSA over the
 * frozen DistilBERT's token states first; the USE-lite tower gives one pooled vector per sentence (it pools inside
 * its graph), so this student has no attention: a documented substitute, not the paper's student.
 */
export class DistillStudent implements Method<StudentBatch> {
  readonly name = 'sscl-student';
  readonly w: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
  private readonly optimizer: AdamW;
  private disposed = false;

  constructor(options: DistillStudentOptions) {
    const { dim, classes, seed = 0, warmupSteps = 2000, schedule = 'noam', learningRate = 2e-4, maxGradNorm = 2 } = options;
    if (!(Number.isInteger(dim) && dim >= 1)) throw new RangeError(`dim must be an integer >= 1, got ${dim}`);
    if (!(Number.isInteger(classes) && classes >= 1)) throw new RangeError(`classes must be an integer >= 1, got ${classes}`);
    if (!(Number.isInteger(warmupSteps) && warmupSteps >= 1))
      throw new RangeError(`warmupSteps must be an integer >= 1, got ${warmupSteps}`);
    const rng = createRng(seed);
    const bound = 1 / Math.sqrt(dim);
    const u = (n: number) => Float32Array.from({ length: n }, () => rng.range(-bound, bound));
    const w = tf.tensor2d(u(classes * dim), [classes, dim]);
    const b = tf.tensor1d(u(classes));
    this.w = tf.variable(w);
    this.b = tf.variable(b);
    tf.dispose([w, b]);
    this.optimizer = new AdamW({
      learningRate: schedule === 'noam' ? (k) => noamLearningRate(k + 1, warmupSteps) : learningRate,
      weightDecay: 0,
      ...(maxGradNorm > 0 ? { globalClipNorm: maxGradNorm } : {}),
    });
  }

  /** Class probabilities `[N, G]`. */
  probabilities(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(x.matMul(this.w, false, true).add(this.b).tanh()) as tf.Tensor2D);
  }

  /** Mean NLL of the hard labels. */
  loss(batch: StudentBatch): tf.Scalar {
    return tf.tidy(() => {
      const logp = this.probabilities(batch.x).add(1e-20).log();
      const picked = logp.mul(tf.oneHot(batch.y, logp.shape[1]!)).sum(1);
      return picked.mean().neg() as tf.Scalar;
    });
  }

  step(batch: StudentBatch, _info: StepInfo): StepOutput {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.loss(batch), [this.w, this.b]);
      this.optimizer.applyGradients(grads);
      return value;
    });
  }

  stateTensors(): Record<string, tf.Variable> {
    return { 'classifier.weight': this.w, 'classifier.bias': this.b };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.w.dispose();
    this.b.dispose();
  }
}
