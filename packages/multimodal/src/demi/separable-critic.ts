import * as tf from '@tensorflow/tfjs';
import { assertEmbeddings, assertInt, checkOptionKeys, shapeStr } from '@contrastive/core';

/** Options of {@link separableCritic}. */
export interface SeparableCriticOptions {
  /** Size of x (the anchor view or sub-view). Required. */
  xDim: number;
  /** Size of y. Required. */
  yDim: number;
  /** Units of each hidden layer of both MLPs. Default `256`. */
  hiddenUnits?: number;
  /** Hidden layers of each MLP (0: linear maps). Default `2`. */
  hiddenLayers?: number;
  /** Size of the embeddings f(x), g(y) whose dot product is the score. Default `32`. */
  embeddingDim?: number;
  /** Activation of the hidden layers. Default `'relu'`. */
  activation?: 'relu' | 'elu' | 'tanh' | 'selu';
  /** Seed of the Glorot-uniform kernel initialisers (layer l of f: seed + l, of g: seed + 1000 + l). Default `0`. */
  seed?: number;
}

const KEYS = ['xDim', 'yDim', 'hiddenUnits', 'hiddenLayers', 'embeddingDim', 'activation', 'seed'] as const;
const ACTIVATIONS = ['relu', 'elu', 'tanh', 'selu'] as const;

/**
 * A separable critic s(x, y) = f(x) · g(y) with two MLPs f and g (the "separable" critic of Poole, Ozair, van den
 * Oord, Alemi & Tucker, "On Variational Bounds of Mutual Information", ICML 2019, used there on the
 * correlated-Gaussian benchmark). Separable scores cost one matrix product for all N × N pairs of a batch,
 * which is what the contrastive bounds ({@link infoNceBound}, DEMI's terms) consume. The default size (two
 * ReLU layers of 256, 32-d embeddings) is a common choice for that benchmark; smaller critics train faster on
 * the cpu backend (the Gaussian test uses one layer of 64).
 *
 * f and g are tfjs-layers `Sequential` models (serialisable, `getWeights`/`setWeights`); the critic owns them
 * and {@link SeparableCritic.dispose} frees their weights.
 *
 * @example
 * ```ts
 * const phi = separableCritic({ xDim: 10, yDim: 20, seed: 1 });
 * const scores = phi.scores(xPrime, y); // [N, N], scores[i][k] = f(x′_i)·g(y_k)
 * optimizer.minimize(() => tf.neg(infoNceBound(phi.scores(xPrime, y))), false, phi.trainableWeights);
 * phi.dispose();
 * ```
 */
export class SeparableCritic {
  /** The x tower, `[N, xDim] → [N, embeddingDim]`. */
  readonly f: tf.Sequential;
  /** The y tower, `[N, yDim] → [N, embeddingDim]`. */
  readonly g: tf.Sequential;
  readonly xDim: number;
  readonly yDim: number;

  constructor(options: SeparableCriticOptions) {
    checkOptionKeys(options, KEYS, 'separableCritic');
    const { xDim, yDim, hiddenUnits = 256, hiddenLayers = 2, embeddingDim = 32, activation = 'relu', seed = 0 } = options;
    assertInt(xDim, 'xDim', 1);
    assertInt(yDim, 'yDim', 1);
    assertInt(hiddenUnits, 'hiddenUnits', 1);
    assertInt(hiddenLayers, 'hiddenLayers', 0);
    assertInt(embeddingDim, 'embeddingDim', 1);
    assertInt(seed, 'seed', 0);
    if (!ACTIVATIONS.includes(activation)) {
      throw new RangeError(`activation must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got '${String(activation)}'`);
    }
    this.xDim = xDim;
    this.yDim = yDim;
    this.f = mlp(xDim, hiddenUnits, hiddenLayers, embeddingDim, activation, seed);
    this.g = mlp(yDim, hiddenUnits, hiddenLayers, embeddingDim, activation, seed + 1000);
  }

  /** Scores of every pair: `[N, xDim]`, `[M, yDim]` → `[N, M]`, entry (i, k) = f(x_i)·g(y_k). */
  scores(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    assertEmbeddings(x, 'x');
    assertEmbeddings(y, 'y');
    if (x.shape[1] !== this.xDim) throw new RangeError(`x must have shape [N, ${this.xDim}] (xDim), got ${shapeStr(x.shape)}`);
    if (y.shape[1] !== this.yDim) throw new RangeError(`y must have shape [M, ${this.yDim}] (yDim), got ${shapeStr(y.shape)}`);
    return tf.tidy(() => tf.matMul(this.f.apply(x) as tf.Tensor2D, this.g.apply(y) as tf.Tensor2D, false, true));
  }

  /** The trainable variables of f and g, for `optimizer.minimize(…, varList)`. */
  get trainableWeights(): tf.Variable[] {
    return [...this.f.trainableWeights, ...this.g.trainableWeights].map((w) => w.read() as tf.Variable);
  }

  /** Frees the weights of both towers. */
  dispose(): void {
    this.f.dispose();
    this.g.dispose();
  }
}

/** Creates a {@link SeparableCritic}. */
export function separableCritic(options: SeparableCriticOptions): SeparableCritic {
  return new SeparableCritic(options);
}

function mlp(inDim: number, hidden: number, layers: number, out: number, activation: string, seed: number): tf.Sequential {
  const model = tf.sequential();
  for (let l = 0; l <= layers; l++) {
    const last = l === layers;
    model.add(
      tf.layers.dense({
        units: last ? out : hidden,
        activation: last ? 'linear' : (activation as 'relu'),
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + l }),
        ...(l === 0 ? { inputShape: [inDim] } : {}),
      }),
    );
  }
  return model;
}
