import * as tf from '@tensorflow/tfjs';
import type { GradConfig } from '@tensorflow/tfjs-core';

/**
 * Registers `config` as the gradient of its kernel unless it already is (marked with `mark`, so a
 * second import of core does not re-register). Returns true when newly installed.
 */
export function registerGradientOnce(config: GradConfig, mark: symbol): boolean {
  const g = tf.getGradient(config.kernelName) as (GradConfig & { [mark]?: boolean }) | undefined;
  if (g?.[mark]) return false;
  tf.registerGradient({ ...config, [mark]: true } as GradConfig);
  return true;
}
