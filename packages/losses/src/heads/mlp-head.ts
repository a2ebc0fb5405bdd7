import * as tf from '@tensorflow/tfjs';

/**
 * The MoCo v2 / SupCon projection head used by the methods of this package: Linear(D→D) → ReLU → Linear(D→P),
 * without BatchNorm, each layer Glorot-uniform initialised from its own seed (so a run repeats exactly).
 */
export function mlpHead(name: string, inputDim: number, outputDim: number, seeds: readonly [number, number]): tf.Sequential {
  return tf.sequential({
    name,
    layers: [
      tf.layers.dense({
        inputShape: [inputDim],
        units: inputDim,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[0] }),
      }),
      tf.layers.dense({ units: outputDim, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds[1] }) }),
    ],
  });
}
