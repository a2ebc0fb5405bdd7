// Child of the fault suite (run by runIsolated with a capped heap): fast-check over config.json objects loaded
// against the tiny BERT's 27 KB model.safetensors (bertFromSafetensors). Every config must give a model or a
// ModelFileError / SafetensorsError naming one of the two files, without allocating what a hostile config claims
// (the parent asserts the peak RSS). argv[2]: the seed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { bertFromSafetensors } from '../encoders/hf-weights.js';
import { ModelFileError, SafetensorsError } from '../errors.js';
import { TINY_BERT } from './fixtures.js';

const CONFIG = 'fuzz/config.json';
const WEIGHTS = 'fuzz/model.safetensors';
const seed = Number(process.argv[2] ?? 1);
const bytes = readFileSync(path.join(TINY_BERT, 'model.safetensors'));
const base = JSON.parse(readFileSync(path.join(TINY_BERT, 'config.json'), 'utf8')) as Record<string, unknown>;

await tf.setBackend('cpu');
let loaded = 0;

function check(config: unknown): boolean {
  try {
    bertFromSafetensors(config as Record<string, unknown>, bytes, { source: WEIGHTS, configSource: CONFIG, warn: () => {} }).dispose();
    loaded++;
    return true;
  } catch (e) {
    return (
      (e instanceof ModelFileError || e instanceof SafetensorsError) &&
      (e.file === CONFIG || e.file === WEIGHTS) &&
      e.message.startsWith(`${e.file}: `)
    );
  }
}

const size = fc.oneof(
  fc.constantFrom(40, 16, 2, 4, 32, 24),
  fc.integer({ min: -4, max: 64 }),
  fc.constantFrom(1e6, 1e7, 2 ** 20, 2 ** 31, 2 ** 40, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.constantFrom(null, '40', true, [], {}),
);
const keys = [
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'max_position_embeddings',
  'type_vocab_size',
  'pad_token_id',
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'layer_norm_eps',
  'initializer_range',
  'hidden_act',
] as const;
const patch = fc.dictionary(fc.constantFrom(...keys), fc.oneof(size, fc.double(), fc.constantFrom('gelu', 'relu', undefined)), {
  maxKeys: 4,
});
const config = fc.oneof(
  { weight: 8, arbitrary: patch.map((p) => ({ ...base, ...p })) },
  { weight: 1, arbitrary: fc.constantFrom(null, [], 3, 'config', {}) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const started = performance.now();
const result = fc.check(fc.property(config, check), { seed, numRuns: 1000 });
if (result.failed) {
  process.stderr.write(`${fc.defaultReportMessage(result)}\n`);
  try {
    bertFromSafetensors(result.counterexample![0] as Record<string, unknown>, bytes, { source: WEIGHTS, configSource: CONFIG });
  } catch (e) {
    process.stderr.write(`raised: ${(e as Error).name}: ${(e as Error).message}\n`);
  }
  process.exit(1);
}
process.stdout.write(`${result.numRuns} runs (${loaded} loaded) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
