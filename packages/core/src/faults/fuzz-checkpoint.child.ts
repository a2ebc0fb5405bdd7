/**
 * Fuzzes core's checkpoint reader in-process (run by checkpoint fuzz test in a child with a capped heap):
 * mutations of a valid checkpoint (manifest fields replaced by arbitrary JSON, offsets, shapes, dtypes,
 * byteLengths, versions; the manifest as random or truncated text; the weights file truncated, extended,
 * flipped or random) are loaded with `loadCheckpoint` and resumed with `restoreRun` (what `train({ resume })`
 * does). Every input must give a clean load or a typed error naming the checkpoint (never a TypeError /
 * RangeError or a message without the path), leave the state untouched on error, and leak no tensor.
 * Exits 0 with `runs <n>` on stdout, 1 with the counterexample on stderr.
 *
 *   node --import tsx fuzz-checkpoint.child.ts <tmpdir> <numRuns> <seed>
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { fileCheckpointStore } from '../node/file-checkpoint-store.js';
import { restoreRun } from '../train/train-resume.js';
import { SmallState } from './helpers.js';

const [base, runsArg, seedArg] = process.argv.slice(2);
const dir = path.join(base!, 'ck');
const manifestPath = path.join(dir, CHECKPOINT_FILE);
await fs.rm(dir, { recursive: true, force: true });
const state = new SmallState(1);
state.train();
await saveCheckpoint(dir, state, { kind: 'train', epoch: 1, stepInEpoch: 0, globalStep: 2, losses: [1, 2], epochLosses: [1.5], seed: 0 });
const template = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as Record<string, unknown>;
const weightsPath = path.join(dir, template.weightsFile as string);
const weights = await fs.readFile(weightsPath);

// A manifest over the 256 MiB bound is refused from its size (a sparse file: nothing is read).
await fs.truncate(manifestPath, 300 * 1024 * 1024);
const big = await loadCheckpoint(dir, state).catch((e: unknown) => e as Error);
if (!(big instanceof Error) || !/bytes, more than the \d+ a manifest may have/.test(big.message)) {
  process.stderr.write(`300 MiB manifest: ${String(big)}\n`);
  process.exit(1);
}

const PATHS = [
  'format',
  'version',
  'weightsFile',
  'byteLength',
  'sha256',
  'variables',
  'optimizers',
  'meta',
  'variables.0',
  'variables.0.name',
  'variables.0.offset',
  'variables.0.shape',
  'variables.0.dtype',
  'variables.0.byteLength',
  'variables.1.offset',
  'variables.1.shape',
  'variables.2.dtype',
  'variables.2.byteLength',
  'optimizers.adam',
  'optimizers.adam.className',
  'optimizers.adam.weights',
  'optimizers.adam.weights.1.offset',
  'optimizers.adam.weights.1.shape',
  'optimizers.adam.hidden',
  'optimizers.adam.hidden.0.byteLength',
  'meta.kind',
  'meta.epoch',
  'meta.stepInEpoch',
  'meta.globalStep',
  'meta.losses',
  'meta.epochLosses',
];
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.constantFrom(-1000, -1, 0, 1, 3, 4, 12, 48, 2 ** 31, 2 ** 53, 1e300, 0.5, Number.MAX_SAFE_INTEGER),
  fc.array(fc.oneof(fc.integer({ min: -5, max: 1e9 }), fc.constantFrom(3, 4, 2 ** 31)), { maxLength: 4 }),
  fc.constantFrom('float32', 'int32', 'bool', 'float64', 'complex64', 'string', '__proto__', 'constructor'),
);
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.constantFrom(...PATHS), value }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.constantFrom(...PATHS) }),
);
const weightsMutation = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat({ max: weights.length }) }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat({ max: weights.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: weights.length, maxLength: weights.length }) }),
);
const input = fc.record({
  mutations: fc.array(mutation, { maxLength: 3 }),
  legacy: fc.boolean(), // version 1 without a checksum, so weight mutations reach the decoder
  weights: weightsMutation,
  text: fc.oneof(
    { arbitrary: fc.constant(null), weight: 8 },
    {
      arbitrary: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.nat({ max: 4000 }).map((n) => `#cut${n}`),
      ),
      weight: 1,
    },
  ),
});

function apply(obj: Record<string, unknown>, at: string, set: boolean, v?: unknown): void {
  const keys = at.split('.');
  let cur: unknown = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur !== 'object' || cur === null) return;
    cur = (cur as Record<string, unknown>)[k];
  }
  if (typeof cur !== 'object' || cur === null) return;
  const last = keys.at(-1)!;
  if (set) (cur as Record<string, unknown>)[last] = v;
  else delete (cur as Record<string, unknown>)[last];
}

function isTypedFailure(err: unknown): string | null {
  if (!(err instanceof Error)) return `threw a non-Error: ${String(err)}`;
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) return `raw ${err.name}: ${err.message}`;
  if (!err.message.includes(dir)) return `error without the checkpoint path: ${err.message}`;
  return null;
}

let runs = 0;
const property = fc.asyncProperty(input, async ({ mutations, legacy, weights: wm, text }) => {
  runs++;
  const m = structuredClone(template);
  if (legacy) {
    m.version = 1;
    delete m.sha256;
  }
  for (const mu of mutations) apply(m, mu.at, mu.kind === 'set', mu.kind === 'set' ? mu.value : undefined);
  let json = JSON.stringify(m);
  if (text !== null) json = text.startsWith('#cut') ? json.slice(0, Number(text.slice(4)) % json.length) : text;
  await fs.writeFile(manifestPath, json);
  let w: Uint8Array = weights;
  if (wm.kind === 'truncate') w = weights.subarray(0, wm.length);
  else if (wm.kind === 'extend') w = Buffer.concat([weights, wm.bytes]);
  else if (wm.kind === 'flip') {
    w = Buffer.from(weights);
    w[wm.at] = wm.byte;
  } else if (wm.kind === 'random') w = wm.bytes;
  await fs.writeFile(weightsPath, w);

  for (const load of [() => loadCheckpoint(dir, state), () => restoreRun(fileCheckpointStore(dir), state, { seed: 0, epochs: 3 })]) {
    const tensors = tf.memory().numTensors;
    const before = await state.w.data();
    try {
      await load();
    } catch (err) {
      const problem = isTypedFailure(err);
      if (problem !== null) throw new Error(problem);
      const after = await state.w.data();
      if (after.some((x, i) => !Object.is(x, before[i])))
        throw new Error(`state changed although the load failed: ${(err as Error).message}`);
    }
    if (tf.memory().numTensors !== tensors) throw new Error(`leaked ${tf.memory().numTensors - tensors} tensors`);
  }
});

try {
  await fc.assert(property, { numRuns: Number(runsArg), seed: Number(seedArg) });
  process.stdout.write(`runs ${runs}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
