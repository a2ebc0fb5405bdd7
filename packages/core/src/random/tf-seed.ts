/**
 * A seed tfjs honours. tfjs-core 4.22's normal draws (`tf.randomNormal`, `tf.truncatedNormal` and the initialisers
 * built on them: `randomNormal`, `truncatedNormal`, `heNormal`, `varianceScaling({ distribution: 'normal' })`, …) test
 * the seed for truthiness (`seed ? seed : Math.random()` in `rand_util`), so a seed of **0 draws unseeded values** —
 * a run with `--seed 0` would not reproduce (uniform draws and dropout honour 0). This maps 0 to −1 (no
 * non-negative seed collides with it) and leaves every other value, and `undefined` (deliberately unseeded), as is.
 * Call it wherever a user's seed, or a seed derived from it by an offset (`seed + k`), reaches a tfjs op;
 * `Rng.seed()` values need it only for the 1-in-2³¹ chance of drawing 0.
 *
 * @example tf.randomUniform([n, d], -1, 1, 'float32', tfSeed(seed))
 */
export function tfSeed(seed: number): number;
export function tfSeed(seed: number | undefined): number | undefined;
export function tfSeed(seed: number | undefined): number | undefined {
  return seed === 0 ? -1 : seed;
}
