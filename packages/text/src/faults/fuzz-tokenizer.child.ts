// Child of the fault suite (run by runIsolated with a capped heap and a timeout): fast-check over tokenizer.json /
// tokenizer_config.json files loaded with loadTokenizer. Every folder must give a tokenizer that encodes a text to
// token ids, or a TokenizerFileError naming the folder's tokenizer file; otherwise exit 1 with the
// counterexample. argv[2]: the seed, argv[3]: a scratch folder.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { TokenizerFileError } from '../errors.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import { TINY_TOKENIZER } from './fixtures.js';

const seed = Number(process.argv[2] ?? 1);
const scratch = process.argv[3]!;
const base = JSON.parse(readFileSync(path.join(TINY_TOKENIZER, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
const baseConfig = JSON.parse(readFileSync(path.join(TINY_TOKENIZER, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
const baseModel = base.model as Record<string, unknown>;
let folders = 0;
let loaded = 0;

/** Writes the case into a fresh folder and returns the folder. */
function folder(tokenizer: string, config: string | undefined): string {
  const dir = path.join(scratch, `t${folders++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'tokenizer.json'), tokenizer);
  if (config !== undefined) writeFileSync(path.join(dir, 'tokenizer_config.json'), config);
  return dir;
}

async function check([tokenizer, config]: [string, string | undefined]): Promise<boolean> {
  const dir = folder(tokenizer, config);
  const t0 = performance.now();
  try {
    const tok = await loadTokenizer(dir);
    const batch = tok.encodeBatch(['the quick brown fox', 'a'], { maxLength: 8, warn: () => {} });
    loaded++;
    // A load that takes seconds is how a hostile vocabulary (an id of 1e9) showed up: report it.
    if (performance.now() - t0 > 2000) process.stderr.write(`slow: ${Math.round(performance.now() - t0)} ms for ${dir}\n`);
    return batch.inputIds.every((id) => Number.isInteger(id) && id >= 0);
  } catch (e) {
    const files = [path.join(dir, 'tokenizer.json'), path.join(dir, 'tokenizer_config.json')];
    const ok = e instanceof TokenizerFileError && files.includes(e.file) && e.message.startsWith(`${e.file}: `);
    if (!ok) process.stderr.write(`raised: ${(e as Error)?.name}: ${(e as Error)?.message}\n`);
    return ok;
  }
}

const json = (v: unknown): string => JSON.stringify(v);
const vocab = fc.oneof(
  fc.constant(baseModel.vocab),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.nat({ max: 50 }), fc.integer({ min: -5, max: 1e9 }), fc.constant(null)), {
    maxKeys: 8,
  }),
  fc.constantFrom(null, [], 'vocab', 3),
);
const model = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          type: fc.constantFrom('WordPiece', 'BPE', 'Unigram', 'WordLevel', 'Nope', 3, null),
          vocab,
          unk_token: fc.constantFrom('[UNK]', 'missing', null, 7),
          continuing_subword_prefix: fc.constantFrom('##', '', null),
          max_input_chars_per_word: fc.constantFrom(100, 0, -1, null, 1e9),
          merges: fc.oneof(fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.constant(null)),
        },
        { requiredKeys: [] },
      )
      .map((patch) => ({ ...baseModel, ...patch })),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, [], 'WordPiece') },
);
const component = (name: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(base[name]) },
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constantFrom('BertNormalizer', 'BertPreTokenizer', 'Lowercase', 'Sequence', 'Nope', 'TemplateProcessing', 'WordPiece'),
      }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  );
const tokenizerJson = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          model,
          normalizer: component('normalizer'),
          pre_tokenizer: component('pre_tokenizer'),
          post_processor: component('post_processor'),
          decoder: component('decoder'),
          added_tokens: fc.oneof(
            fc.constant(base.added_tokens),
            fc.constant([]),
            fc.constant(null),
            fc.array(fc.record({ id: fc.integer({ min: -1, max: 50 }), content: fc.string({ maxLength: 5 }), special: fc.boolean() }), {
              maxLength: 3,
            }),
          ),
        },
        { requiredKeys: [] },
      )
      .map((patch) => json({ ...base, ...patch })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map(json) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '{"model": null}') },
);
const tokenizerConfig = fc.oneof(
  fc.constant(undefined),
  fc.constant(json(baseConfig)),
  fc
    .record(
      { tokenizer_class: fc.constantFrom('BertTokenizer', 'Nope', 3, null), cls_token: fc.constantFrom('[CLS]', 'x', null) },
      { requiredKeys: [] },
    )
    .map((p) => json({ ...baseConfig, ...p })),
  fc.constantFrom('', '{', 'null', '[1]'),
);

const started = performance.now();
const result = await fc.check(fc.asyncProperty(fc.tuple(tokenizerJson, tokenizerConfig), check), { seed, numRuns: 400 });
if (result.failed) {
  process.stderr.write(`${fc.defaultReportMessage(result)}\n`);
  process.exit(1);
}
process.stdout.write(`${result.numRuns} runs (${loaded} loaded) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
