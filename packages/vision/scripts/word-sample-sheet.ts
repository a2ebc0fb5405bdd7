/**
 * A labelled sample sheet of a word-image dataset (`contrastive-vision data words`): one row per font, with its
 * split and id, then the first `PER_FONT` images of that font scaled 2×, for checking legibility by eye (a font
 * that renders in Pango's fallback sans or as boxes shows at once).
 *   node --import tsx scripts/word-sample-sheet.ts DATASET_DIR OUT.png [PER_FONT]
 */
import * as tf from '@tensorflow/tfjs';
import sharp, { type OverlayOptions } from 'sharp';
import { readWordImages } from '../src/words/read-word-images.js';
import { WORD_SPLITS } from '../src/words/split.js';

const [dir, out, perFontArg] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: word-sample-sheet.ts DATASET_DIR OUT.png [PER_FONT]');
const perFont = Number(perFontArg ?? 5);
const scale = 2;
const labelWidth = 230;
const composites: OverlayOptions[] = [];
let rows = 0;
let cell = { width: 0, height: 0 };
await tf.setBackend('cpu');
for (const split of WORD_SPLITS) {
  const { images, fonts } = await readWordImages(dir, split);
  const [, height, width] = images.shape;
  cell = { width: width * scale, height: height * scale };
  const bytes = Uint8Array.from(images.dataSync(), (v) => Math.round(v * 255));
  images.dispose();
  for (const font of [...new Set(fonts)].sort()) {
    const top = rows * (cell.height + 4) + 2;
    const label = await sharp({ text: { text: `${split}: ${font}`, font: 'sans 13', dpi: 72, rgba: true } })
      .png()
      .toBuffer();
    composites.push({ input: label, left: 4, top: top + Math.max(0, Math.floor(cell.height / 2) - 8) });
    const picks = fonts.flatMap((f, i) => (f === font ? [i] : [])).slice(0, perFont);
    for (const [c, i] of picks.entries()) {
      const img = bytes.subarray(i * height * width, (i + 1) * height * width);
      const png = await sharp(Buffer.from(img), { raw: { width, height, channels: 1 } })
        .resize(cell.width, cell.height, { kernel: 'nearest' })
        .png()
        .toBuffer();
      composites.push({ input: png, left: labelWidth + c * (cell.width + 4), top });
    }
    rows++;
  }
}
await sharp({
  create: { width: labelWidth + perFont * (cell.width + 4), height: rows * (cell.height + 4) + 4, channels: 3, background: '#707070' },
})
  .composite(composites)
  .png()
  .toFile(out);
console.log(`${out}: ${rows} fonts × ${perFont} images`);
