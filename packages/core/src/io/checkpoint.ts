import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Checkpointable } from '../types.js';
import { shapeStr } from '../validate.js';
import { insideDir, listDir, prepareOutputDir, readJsonIfExists, writeFileAtomic } from './fs-utils.js';

/** Name of the manifest file that marks a directory as one of our checkpoints. */
export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'contrastive-checkpoint';
const VERSION = 1;

type StoredDtype = 'float32' | 'int32' | 'bool';

/** One tensor inside the weights file. */
interface TensorEntry {
  name: string;
  shape: number[];
  dtype: StoredDtype;
  offset: number;
  byteLength: number;
}

/** The JSON manifest written to `checkpoint.json`. */
interface Manifest {
  format: typeof FORMAT;
  version: number;
  savedAt: string;
  weightsFile: string;
  byteLength: number;
  variables: TensorEntry[];
  optimizers: Record<string, { className: string; weights: TensorEntry[]; hidden?: TensorEntry[] }>;
  meta: Record<string, unknown>;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * Write even if `dir` is a non-empty directory that is not one of our checkpoints. Default `false`:
   * a user's files are never overwritten by mistake. (Only `checkpoint.json` and our `weights-*.bin`
   * files are ever written or removed.)
   */
  overwrite?: boolean;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /**
   * Refuse a checkpoint holding variables or optimizers the state does not have. Default `true`
   * (a silent partial restore would make a "resumed" run differ from the original one).
   */
  strict?: boolean;
}

/**
 * Saves every variable of `state.stateTensors()` and the slots of every optimizer of
 * `state.optimizers()` (`optimizer.getWeights()`: iteration count, Adam moments, momentum
 * accumulators) to `dir`, with a JSON-serialisable `meta` (epoch, global step, losses, …).
 *
 * Layout: `dir/checkpoint.json` (manifest + meta) and `dir/weights-<id>.bin` (raw little-endian
 * tensors). Both are written to temporary files and renamed; the manifest's rename is the commit point,
 * so a crash leaves the previous checkpoint intact. Works in Node without tfjs-node.
 */
export async function saveCheckpoint(
  dir: string,
  state: Checkpointable,
  meta: Record<string, unknown> = {},
  options: SaveCheckpointOptions = {},
): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`dir must be a non-empty path, got ${String(dir)}`);
  const overwrite = options.overwrite ?? false;
  await prepareOutputDir(dir, 'checkpoint', (entries) => isCheckpointDir(dir, entries), overwrite);
  const previous = (await readJsonIfExists(path.join(dir, CHECKPOINT_FILE))) as Partial<Manifest> | null;

  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = async (name: string, t: tf.Tensor): Promise<TensorEntry> => {
    const dtype = storedDtype(t, name);
    const values = await t.data();
    const bytes =
      dtype === 'bool'
        ? Uint8Array.from(values as Uint8Array)
        : new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    chunks.push(bytes);
    const entry = { name, shape: [...t.shape], dtype, offset, byteLength: bytes.byteLength };
    offset += bytes.byteLength;
    return entry;
  };

  const variables: TensorEntry[] = [];
  for (const [name, v] of Object.entries(state.stateTensors())) {
    if (!(v instanceof tf.Tensor)) throw new TypeError(`state variable '${name}' is not a tf.Variable`);
    variables.push(await add(name, v));
  }
  const optimizers: Manifest['optimizers'] = {};
  for (const [key, opt] of Object.entries(state.optimizers())) {
    const named = await opt.getWeights();
    try {
      const weights: TensorEntry[] = [];
      for (const w of named) weights.push(await add(w.name, w.tensor));
      const hidden: TensorEntry[] = [];
      for (const [prop, v] of hiddenVariables(opt)) hidden.push(await add(prop, v));
      optimizers[key] = { className: opt.getClassName(), weights, hidden };
    } finally {
      // getWeights() returns the slot variables themselves plus a fresh iteration scalar: free only the latter.
      for (const w of named) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
    }
  }

  const weightsFile = `weights-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.bin`;
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.byteLength;
  }
  await writeFileAtomic(path.join(dir, weightsFile), data);
  const manifest: Manifest = {
    format: FORMAT,
    version: VERSION,
    savedAt: new Date().toISOString(),
    weightsFile,
    byteLength: offset,
    variables,
    optimizers,
    meta,
  };
  await writeFileAtomic(path.join(dir, CHECKPOINT_FILE), JSON.stringify(manifest, null, 1));
  // The new manifest is committed: the previous weights file is now unreferenced.
  if (typeof previous?.weightsFile === 'string' && previous.weightsFile !== weightsFile && isWeightsName(previous.weightsFile)) {
    await fs.rm(insideDir(dir, previous.weightsFile, 'weights file'), { force: true });
  }
}

/**
 * Restores a checkpoint written by {@link saveCheckpoint} into `state` (variables are assigned in
 * place, optimizer slots set with `optimizer.setWeights()`) and returns its `meta`. Everything is
 * validated before anything is assigned: a missing directory, a missing variable or a shape mismatch
 * (naming the variable and both shapes) throws and leaves `state` untouched.
 */
export async function loadCheckpoint<M extends Record<string, unknown> = Record<string, unknown>>(
  dir: string,
  state: Checkpointable,
  options: LoadCheckpointOptions = {},
): Promise<M> {
  const strict = options.strict ?? true;
  const entries = await listDir(dir, 'checkpoint directory');
  if (entries === null) throw new Error(`checkpoint directory '${dir}' does not exist`);
  const manifestPath = path.join(dir, CHECKPOINT_FILE);
  const manifest = (await readJsonIfExists(manifestPath)) as Manifest | null;
  if (manifest === null) throw new Error(`no checkpoint in '${dir}': ${CHECKPOINT_FILE} is missing`);
  if (manifest.format !== FORMAT || !Array.isArray(manifest.variables)) {
    throw new Error(`'${manifestPath}' is not a @contrastive checkpoint manifest`);
  }
  if (manifest.version > VERSION) {
    throw new Error(`'${manifestPath}' has format version ${manifest.version}; this build reads up to ${VERSION}`);
  }
  const weightsPath = insideDir(dir, manifest.weightsFile, 'weights file');
  let buffer: Buffer;
  try {
    buffer = await fs.readFile(weightsPath);
  } catch (err) {
    throw new Error(`checkpoint '${dir}' is incomplete: cannot read ${manifest.weightsFile} (${(err as Error).message})`);
  }
  if (buffer.byteLength !== manifest.byteLength) {
    throw new Error(
      `checkpoint '${dir}': ${manifest.weightsFile} has ${buffer.byteLength} bytes, the manifest says ${manifest.byteLength}`,
    );
  }

  // 1. Validate everything.
  const vars = state.stateTensors();
  const stored = new Map(manifest.variables.map((e) => [e.name, e]));
  for (const [name, v] of Object.entries(vars)) {
    const e = stored.get(name);
    if (e === undefined) {
      const have = [...stored.keys()];
      throw new Error(
        `checkpoint '${dir}' has no variable '${name}' (it has ${have.length}: ${have.slice(0, 8).join(', ')}${have.length > 8 ? ', …' : ''})`,
      );
    }
    if (e.shape.length !== v.shape.length || e.shape.some((d, i) => d !== v.shape[i])) {
      throw new Error(`variable '${name}': checkpoint has shape ${shapeStr(e.shape)}, the state has shape ${shapeStr(v.shape)}`);
    }
    if (e.dtype !== storedDtype(v, name)) {
      throw new Error(`variable '${name}': checkpoint has dtype ${e.dtype}, the state has dtype ${v.dtype}`);
    }
  }
  const opts = state.optimizers();
  for (const [key, opt] of Object.entries(opts)) {
    const e = manifest.optimizers[key];
    if (e === undefined) throw new Error(`checkpoint '${dir}' has no optimizer '${key}'`);
    if (e.className !== opt.getClassName()) {
      throw new Error(`optimizer '${key}': checkpoint holds a ${e.className}, the state has a ${opt.getClassName()}`);
    }
  }
  if (strict) {
    const extraVars = manifest.variables.map((e) => e.name).filter((n) => !(n in vars));
    const extraOpts = Object.keys(manifest.optimizers).filter((k) => !(k in opts));
    if (extraVars.length > 0 || extraOpts.length > 0) {
      throw new Error(
        `checkpoint '${dir}' holds state this model lacks (${[...extraVars, ...extraOpts.map((k) => `optimizer '${k}'`)].join(', ')}); ` +
          'pass strict: false to ignore it',
      );
    }
  }

  // 2. Assign variables.
  tf.tidy(() => {
    for (const [name, v] of Object.entries(vars)) v.assign(decode(buffer, stored.get(name)!));
  });

  // 3. Optimizer slots. setWeights() builds new slot variables from the given tensors (sharing their
  // data), so the decoded tensors are freed afterwards, as are the slots it replaced.
  for (const [key, opt] of Object.entries(opts)) {
    const old = await opt.getWeights();
    const named = manifest.optimizers[key]!.weights.map((e) => ({ name: e.name, tensor: decode(buffer, e) }));
    try {
      await opt.setWeights(named);
    } finally {
      tf.dispose(named.map((w) => w.tensor));
    }
    // setWeights() recomputes Adam's β-powers as pow(β, t+1), which differs in the last float32 bits from
    // the running product the optimizer kept: restore the saved values so a resumed run is bit-identical.
    const hiddenNow = new Map(hiddenVariables(opt));
    tf.tidy(() => {
      for (const e of manifest.optimizers[key]!.hidden ?? []) {
        const v = hiddenNow.get(e.name);
        if (v !== undefined && v.dtype === e.dtype && v.shape.length === e.shape.length && v.shape.every((d, i) => d === e.shape[i])) {
          v.assign(decode(buffer, e));
        }
      }
    });
    const now = await opt.getWeights();
    const live = new Set<tf.Tensor>(now.map((w) => w.tensor));
    for (const w of old) if (!live.has(w.tensor)) w.tensor.dispose();
    for (const w of now) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  }
  return (manifest.meta ?? {}) as M;
}

/** Whether `dir` holds one of our checkpoints (its manifest parses and has our format tag). */
export async function isCheckpointDir(dir: string, entries?: string[]): Promise<boolean> {
  const list = entries ?? (await listDir(dir, 'checkpoint directory'));
  if (list === null || !list.includes(CHECKPOINT_FILE)) return false;
  try {
    const m = (await readJsonIfExists(path.join(dir, CHECKPOINT_FILE))) as Partial<Manifest> | null;
    return m?.format === FORMAT;
  } catch {
    return false;
  }
}

/**
 * Scalar/tensor variables an optimizer keeps outside `getWeights()` (tfjs Adam: `accBeta1`,
 * `accBeta2`), found as its own `tf.Variable` properties.
 */
function hiddenVariables(opt: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(opt as unknown as Record<string, unknown>).filter(
    (entry): entry is [string, tf.Variable] => entry[1] instanceof tf.Variable && !entry[1].isDisposed,
  );
}

function isWeightsName(name: string): boolean {
  return /^weights-[0-9a-z]+-[0-9a-f]+\.bin$/.test(name);
}

function storedDtype(t: tf.Tensor, name: string): StoredDtype {
  if (t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool') return t.dtype;
  throw new TypeError(`variable '${name}' has dtype ${t.dtype}; checkpoints store float32, int32 and bool`);
}

function decode(buffer: Buffer, e: TensorEntry): tf.Tensor {
  const bytes = new Uint8Array(e.byteLength);
  bytes.set(buffer.subarray(e.offset, e.offset + e.byteLength));
  if (e.dtype === 'bool') return tf.tensor(bytes, e.shape, 'bool');
  const values = e.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  return tf.tensor(values, e.shape, e.dtype);
}
