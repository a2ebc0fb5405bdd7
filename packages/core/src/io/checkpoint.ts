import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointCorruptError, CheckpointMismatchError, NonFiniteStateError, type NonFiniteVariable } from '../errors.js';
import { countNonFinite, isUnsetSentinel } from '../train/finite-state.js';
import type { Checkpointable } from '../types.js';
import { shapeStr } from '../validate.js';
import { errnoInWords, FileSystemError, withFsError } from './fs-errors.js';
import { insideDir, listDir, parseTempName, prepareOutputDir, readJsonIfExists, writeFileAtomic } from './fs-utils.js';

/** Name of the manifest file that marks a directory as one of our checkpoints. */
export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'contrastive-checkpoint';
/** Version 2 added `sha256` (of the weights file); version 1 manifests (without it) still load. */
const VERSION = 2;
/**
 * Largest manifest read (bytes). A manifest holds one entry per tensor plus the meta, whose loss history grows
 * by ~20 bytes per step: 256 MiB is ~10 million steps, far beyond a real run, and well under V8's string limit.
 */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

type StoredDtype = 'float32' | 'int32' | 'bool';
const DTYPE_BYTES: Record<StoredDtype, number> = { float32: 4, int32: 4, bool: 1 };

/** One tensor inside the weights file. */
export interface CheckpointTensorEntry {
  name: string;
  shape: number[];
  dtype: StoredDtype;
  offset: number;
  byteLength: number;
}

/** The JSON manifest written to `checkpoint.json`. */
export interface CheckpointManifest {
  format: typeof FORMAT;
  version: number;
  savedAt: string;
  weightsFile: string;
  byteLength: number;
  /** SHA-256 of the weights file, lowercase hex (version ≥ 2). */
  sha256?: string;
  variables: CheckpointTensorEntry[];
  optimizers: Record<string, { className: string; weights: CheckpointTensorEntry[]; hidden?: CheckpointTensorEntry[] }>;
  meta: Record<string, unknown>;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * Write even if `dir` is a non-empty directory that is not one of our checkpoints (or holds a corrupt
   * `checkpoint.json`). Default `false`: a user's files are never overwritten by mistake. (Only
   * `checkpoint.json`, our `weights-*.bin` files and our temporaries are ever written or removed.)
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
 * Layout: `dir/checkpoint.json` (manifest + meta + the SHA-256 of the weights file) and
 * `dir/weights-<id>.bin` (raw little-endian tensors). Both are written to temporary files and renamed; the
 * manifest's rename is the commit point, so a crash leaves the previous checkpoint intact.
 *
 * Guarantees:
 * - **never a non-finite checkpoint**: every tensor is read first; when a float variable or optimizer slot
 *   holds NaN/±Infinity a `NonFiniteStateError` (naming each one and its NaN/Inf counts) is thrown before
 *   anything is written, so the previous checkpoint stays byte-identical. The one exception is a
 *   non-trainable scalar holding NaN, the "not set yet" sentinel of state estimated on the first step (e.g.
 *   InstDisc's log Z), see `isUnsetSentinel`;
 * - a failed write (full disk, read-only file system) removes its temporary files and the new weights file,
 *   leaves the previous checkpoint as it was, and throws a `FileSystemError` naming the file and the errno;
 * - leftovers of an interrupted save (our `weights-*.bin` files the manifest does not reference, our
 *   temporaries of processes no longer running) are removed by the next save into the folder, before it
 *   writes (so a disk filled by orphans gets its space back). Only files of our own naming patterns are
 *   ever removed. One writer per checkpoint folder.
 *
 * Works in Node without tfjs-node.
 */
export async function saveCheckpoint(
  dir: string,
  state: Checkpointable,
  meta: Record<string, unknown> = {},
  options: SaveCheckpointOptions = {},
): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`dir must be a non-empty path, got ${String(dir)}`);
  const overwrite = options.overwrite ?? false;
  await prepareOutputDir(
    dir,
    'checkpoint',
    async (entries) => entries.every(isWeightsName) || (await isCheckpointDir(dir, entries)),
    overwrite,
  );
  const previous = await readPreviousManifest(dir, overwrite);

  const chunks: Uint8Array[] = [];
  const nonFinite: NonFiniteVariable[] = [];
  let offset = 0;
  const add = async (name: string, t: tf.Tensor, owner: string): Promise<CheckpointTensorEntry> => {
    const dtype = storedDtype(t, name);
    const values = await t.data();
    if (dtype === 'float32') {
      const counts = countNonFinite(values as Float32Array);
      const sentinel = owner === 'variable' && isUnsetSentinel(t, counts);
      if (counts.nan + counts.inf > 0 && !sentinel) nonFinite.push({ name, owner, ...counts, size: t.size });
    }
    const bytes =
      dtype === 'bool'
        ? Uint8Array.from(values as Uint8Array)
        : new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    chunks.push(bytes);
    const entry = { name, shape: [...t.shape], dtype, offset, byteLength: bytes.byteLength };
    offset += bytes.byteLength;
    return entry;
  };

  const variables: CheckpointTensorEntry[] = [];
  for (const [name, v] of Object.entries(state.stateTensors())) {
    if (!(v instanceof tf.Tensor)) throw new TypeError(`state variable '${name}' is not a tf.Variable`);
    variables.push(await add(name, v, 'variable'));
  }
  const optimizers: CheckpointManifest['optimizers'] = {};
  for (const [key, opt] of Object.entries(state.optimizers())) {
    const named = await opt.getWeights();
    try {
      const weights: CheckpointTensorEntry[] = [];
      for (const w of named) weights.push(await add(w.name, w.tensor, `optimizer '${key}'`));
      const hidden: CheckpointTensorEntry[] = [];
      for (const [prop, v] of hiddenVariables(opt)) hidden.push(await add(prop, v, `optimizer '${key}'`));
      optimizers[key] = { className: opt.getClassName(), weights, hidden };
    } finally {
      // getWeights() returns the slot variables themselves plus a fresh iteration scalar: free only the latter.
      for (const w of named) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
    }
  }
  if (nonFinite.length > 0) throw new NonFiniteStateError(nonFinite, `the state to checkpoint in '${dir}'`);

  await removeOrphans(dir, previous?.weightsFile);
  const weightsFile = `weights-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.bin`;
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.byteLength;
  }
  const weightsPath = path.join(dir, weightsFile);
  await writeFileAtomic(weightsPath, data);
  const manifest: CheckpointManifest = {
    format: FORMAT,
    version: VERSION,
    savedAt: new Date().toISOString(),
    weightsFile,
    byteLength: offset,
    sha256: createHash('sha256').update(data).digest('hex'),
    variables,
    optimizers,
    meta,
  };
  try {
    await writeFileAtomic(path.join(dir, CHECKPOINT_FILE), JSON.stringify(manifest, null, 1));
  } catch (err) {
    // Not committed: the previous manifest still references the previous weights; drop the new ones.
    await fs.rm(weightsPath, { force: true }).catch(() => undefined);
    throw err;
  }
  // The new manifest is committed: the previous weights file is now unreferenced.
  if (previous !== null && previous.weightsFile !== undefined && previous.weightsFile !== weightsFile) {
    const old = path.join(dir, previous.weightsFile);
    await withFsError('remove', old, () => fs.rm(old, { force: true }));
  }
}

/**
 * The weights file the current manifest of `dir` references (`{}` when it references none of ours), or `null`
 * when there is no manifest. A corrupt manifest is a {@link CheckpointCorruptError} unless `overwrite` (it is
 * then replaced, and every weights file of ours in the folder is an orphan).
 */
async function readPreviousManifest(dir: string, overwrite: boolean): Promise<{ weightsFile?: string } | null> {
  const file = path.join(dir, CHECKPOINT_FILE);
  let m: unknown;
  try {
    m = await readJsonIfExists(file);
  } catch (err) {
    if (overwrite && !(err instanceof FileSystemError)) return {};
    throw err instanceof FileSystemError ? err : new CheckpointCorruptError(file, jsonProblem(err), { cause: err });
  }
  if (m === null) return null;
  const name = (m as Partial<CheckpointManifest>).weightsFile;
  return typeof name === 'string' && isWeightsName(name) ? { weightsFile: name } : {};
}

/**
 * Removes leftovers of interrupted saves from `dir`: our `weights-*.bin` files other than `keep`, and our
 * temporaries (`.checkpoint.json.tmp-…`, `.weights-….bin.tmp-…`) written by this process or by a process no
 * longer running. Nothing else is touched.
 */
async function removeOrphans(dir: string, keep: string | undefined): Promise<void> {
  const entries = await withFsError('list', dir, () => fs.readdir(dir));
  for (const e of entries) {
    const tmp = parseTempName(e);
    const orphan =
      tmp !== null
        ? (tmp.target === CHECKPOINT_FILE || isWeightsName(tmp.target)) && !isOtherLiveProcess(tmp.pid)
        : isWeightsName(e) && e !== keep;
    if (!orphan) continue;
    const file = path.join(dir, e);
    await withFsError('remove', file, () => fs.rm(file, { force: true }));
  }
}

/** True when `pid` is another process that is still running (its temporaries may be a save in progress). */
function isOtherLiveProcess(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Restores a checkpoint written by {@link saveCheckpoint} into `state` (variables are assigned in
 * place, optimizer slots set with `optimizer.setWeights()`) and returns its `meta`. Everything is
 * validated before anything is assigned: a missing directory, a missing variable or a shape mismatch
 * (naming the variable and both shapes) throws and leaves `state` untouched.
 *
 * The checkpoint itself is checked before any tensor is allocated (see {@link readCheckpointManifest}): every
 * manifest entry must lie inside the weights file with the byte length its shape and dtype imply, entries must
 * not overlap, the weights file must have the size and (version ≥ 2) the SHA-256 the manifest records, and no
 * float tensor restored may hold NaN/Inf (but a non-trainable scalar's NaN "not set yet" sentinel). Any violation is a `CheckpointCorruptError` naming the file. Version-1
 * manifests (without a checksum) still load: their entries and values are checked, their bytes cannot be.
 */
export async function loadCheckpoint<M extends Record<string, unknown> = Record<string, unknown>>(
  dir: string,
  state: Checkpointable,
  options: LoadCheckpointOptions = {},
): Promise<M> {
  const strict = options.strict ?? true;
  const { manifest, buffer, weightsPath } = await readCheckpointFiles(dir);

  // 1. Validate everything.
  const mismatch = (problem: string): never => {
    throw new CheckpointMismatchError(dir, problem);
  };
  const vars = state.stateTensors();
  const stored = new Map(manifest.variables.map((e) => [e.name, e]));
  for (const [name, v] of Object.entries(vars)) {
    const e = stored.get(name);
    if (e === undefined) {
      const have = [...stored.keys()];
      mismatch(`it has no variable '${name}' (it has ${have.length}: ${have.slice(0, 8).join(', ')}${have.length > 8 ? ', …' : ''})`);
      continue;
    }
    if (e.shape.length !== v.shape.length || e.shape.some((d, i) => d !== v.shape[i])) {
      mismatch(`variable '${name}': checkpoint has shape ${shapeStr(e.shape)}, the state has shape ${shapeStr(v.shape)}`);
    }
    if (e.dtype !== storedDtype(v, name)) {
      mismatch(`variable '${name}': checkpoint has dtype ${e.dtype}, the state has dtype ${v.dtype}`);
    }
  }
  const opts = state.optimizers();
  for (const [key, opt] of Object.entries(opts)) {
    const e = Object.hasOwn(manifest.optimizers, key) ? manifest.optimizers[key] : undefined;
    if (e === undefined) return mismatch(`it has no optimizer '${key}'`);
    if (e.className !== opt.getClassName()) {
      mismatch(`optimizer '${key}': checkpoint holds a ${e.className}, the state has a ${opt.getClassName()}`);
    }
  }
  if (strict) {
    const extraVars = manifest.variables.map((e) => e.name).filter((n) => !Object.hasOwn(vars, n));
    const extraOpts = Object.keys(manifest.optimizers).filter((k) => !Object.hasOwn(opts, k));
    if (extraVars.length > 0 || extraOpts.length > 0) {
      mismatch(
        `it holds state this model lacks (${[...extraVars, ...extraOpts.map((k) => `optimizer '${k}'`)].join(', ')}); ` +
          'pass strict: false to ignore it',
      );
    }
  }
  // No NaN/Inf in what is restored (saveCheckpoint never writes them: such bytes are corruption).
  const restored: [CheckpointTensorEntry, tf.Tensor | null][] = [
    ...Object.entries(vars).map(([n, v]): [CheckpointTensorEntry, tf.Tensor] => [stored.get(n)!, v]),
    ...Object.keys(opts).flatMap((k) =>
      [...manifest.optimizers[k]!.weights, ...(manifest.optimizers[k]!.hidden ?? [])].map((e): [CheckpointTensorEntry, null] => [e, null]),
    ),
  ];
  for (const [e, target] of restored) {
    if (e.dtype !== 'float32') continue;
    const counts = countNonFinite(floatView(buffer, e));
    const { nan, inf } = counts;
    if (nan + inf > 0 && !(target !== null && isUnsetSentinel(target, counts))) {
      throw new CheckpointCorruptError(
        weightsPath,
        `tensor '${e.name}' holds ${nan} NaN and ${inf} Inf values of ${e.byteLength / 4} (a checkpoint is never saved non-finite)`,
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

/**
 * Whether `dir` holds one of our checkpoints: its `checkpoint.json` parses and has our format tag. `false`
 * when there is no `checkpoint.json` or it is another program's JSON; a `checkpoint.json` that is not valid
 * JSON (or cannot be read) is an error naming it — a corrupt checkpoint, never an absent one.
 */
export async function isCheckpointDir(dir: string, entries?: string[]): Promise<boolean> {
  const list = entries ?? (await listDir(dir, 'checkpoint directory'));
  if (list === null || !list.includes(CHECKPOINT_FILE)) return false;
  const file = path.join(dir, CHECKPOINT_FILE);
  let m: unknown;
  try {
    m = await readJsonIfExists(file);
  } catch (err) {
    if (err instanceof FileSystemError) throw err;
    throw new CheckpointCorruptError(file, jsonProblem(err), { cause: err });
  }
  return typeof m === 'object' && m !== null && (m as Partial<CheckpointManifest>).format === FORMAT;
}

/**
 * Whether `dir` has a `checkpoint.json` at all (whatever it holds): what a checkpoint store's `exists()` asks
 * before resuming, so that a corrupt or foreign manifest is reported by the load — never taken for "no
 * checkpoint yet" (which would silently restart the run).
 */
export async function hasCheckpointFile(dir: string): Promise<boolean> {
  const list = await listDir(dir, 'checkpoint directory');
  return list?.includes(CHECKPOINT_FILE) === true;
}

/**
 * Reads and validates `dir`/checkpoint.json without touching the weights file's contents: the JSON, the format
 * tag, the version (1 or 2), and every tensor entry (a known dtype; a shape of non-negative integers whose size
 * times the dtype's bytes is the entry's byteLength; an integer offset ≥ 0 with offset + byteLength within the
 * weights file's recorded size; no two entries overlapping), the weights file name (a plain `weights-*.bin`
 * name inside `dir`) and the checksum. Anything else is a {@link CheckpointCorruptError} naming the manifest.
 * A manifest over 256 MiB is refused before it is read.
 */
export async function readCheckpointManifest(dir: string): Promise<CheckpointManifest> {
  const entries = await listDir(dir, 'checkpoint directory');
  if (entries === null) throw new Error(`checkpoint directory '${dir}' does not exist`);
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!entries.includes(CHECKPOINT_FILE)) throw new Error(`no checkpoint in '${dir}': ${CHECKPOINT_FILE} is missing`);
  const { size } = await withFsError('read', file, () => fs.stat(file));
  if (size > MAX_MANIFEST_BYTES) {
    throw new CheckpointCorruptError(file, `${size} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest may have`);
  }
  let json: unknown;
  try {
    json = await readJsonIfExists(file);
  } catch (err) {
    if (err instanceof FileSystemError) throw err;
    throw new CheckpointCorruptError(file, jsonProblem(err), { cause: err });
  }
  if (json === null && !(await hasCheckpointFile(dir))) throw new Error(`no checkpoint in '${dir}': ${CHECKPOINT_FILE} is missing`);
  return validateManifest(json, file, dir);
}

/** The validated manifest, the weights file's bytes and its path (see {@link loadCheckpoint}). */
async function readCheckpointFiles(dir: string): Promise<{ manifest: CheckpointManifest; buffer: Buffer; weightsPath: string }> {
  const manifest = await readCheckpointManifest(dir);
  const weightsPath = path.join(path.resolve(dir), manifest.weightsFile);
  let size: number;
  try {
    size = (await fs.stat(weightsPath)).size;
  } catch (err) {
    throw new CheckpointCorruptError(
      weightsPath,
      `the checkpoint is incomplete: cannot read ${manifest.weightsFile} (${errnoInWords((err as NodeJS.ErrnoException).code ?? 'EUNKNOWN')})`,
      { cause: err },
    );
  }
  // Compared before reading, so a huge file is never loaded for nothing.
  if (size !== manifest.byteLength) {
    throw new CheckpointCorruptError(
      weightsPath,
      `${manifest.weightsFile} has ${size} bytes, the manifest says ${manifest.byteLength} (truncated or extended)`,
    );
  }
  const buffer = await withFsError('read', weightsPath, () => fs.readFile(weightsPath));
  if (buffer.byteLength !== manifest.byteLength) {
    throw new CheckpointCorruptError(
      weightsPath,
      `${manifest.weightsFile} has ${buffer.byteLength} bytes, the manifest says ${manifest.byteLength}`,
    );
  }
  if (manifest.sha256 !== undefined) {
    const actual = createHash('sha256').update(buffer).digest('hex');
    if (actual !== manifest.sha256) {
      throw new CheckpointCorruptError(
        weightsPath,
        `its SHA-256 is ${actual}, the manifest records ${manifest.sha256} (the bytes changed after saving)`,
      );
    }
  }
  return { manifest, buffer, weightsPath };
}

/** `not valid JSON (Unexpected token …)` from readJsonIfExists's error (which already names the file). */
function jsonProblem(err: unknown): string {
  return `not valid JSON (${(err as Error).message.replace(/^'.*' is not valid JSON: /s, '')})`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the JSON of a manifest (see {@link readCheckpointManifest}); returns it typed, with null-prototype maps. */
function validateManifest(json: unknown, file: string, dir: string): CheckpointManifest {
  const bad = (problem: string): never => {
    throw new CheckpointCorruptError(file, problem);
  };
  if (!isObject(json)) return bad(`expected a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  if (json.format !== FORMAT)
    return bad(`not a @contrastive checkpoint manifest (format ${JSON.stringify(json.format) ?? 'missing'}, expected '${FORMAT}')`);
  const version = json.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return bad(`invalid version ${JSON.stringify(version)}`);
  if (version > VERSION) {
    throw Object.assign(
      new Error(`'${file}' has format version ${version}; this build reads up to ${VERSION} (update @contrastive/core)`),
      {
        code: 'ECHECKPOINTVERSION',
      },
    );
  }
  const { weightsFile, byteLength, sha256 } = json;
  if (typeof weightsFile !== 'string' || !isWeightsName(weightsFile)) {
    return bad(`weightsFile ${JSON.stringify(weightsFile) ?? 'missing'} is not a weights-*.bin file name`);
  }
  try {
    insideDir(dir, weightsFile, 'weights file');
  } catch (err) {
    return bad((err as Error).message);
  }
  if (typeof byteLength !== 'number' || !Number.isSafeInteger(byteLength) || byteLength < 0) {
    return bad(`byteLength ${JSON.stringify(byteLength)} is not a non-negative integer`);
  }
  if (version >= 2 && (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))) {
    return bad(`sha256 ${JSON.stringify(sha256) ?? 'missing'} is not 64 lowercase hex digits (required from version 2)`);
  }
  const ranges: [number, number, string][] = [];
  const entryList = (list: unknown, where: string): CheckpointTensorEntry[] => {
    if (!Array.isArray(list)) return bad(`${where} is not an array`);
    const names = new Set<string>();
    return list.map((e, i) => {
      const entry = validateEntry(e, `${where}[${i}]`, byteLength, bad);
      if (names.has(entry.name)) bad(`${where} lists '${entry.name}' twice`);
      names.add(entry.name);
      if (entry.byteLength > 0) ranges.push([entry.offset, entry.offset + entry.byteLength, `${where} '${entry.name}'`]);
      return entry;
    });
  };
  const variables = entryList(json.variables, 'variables');
  if (!isObject(json.optimizers)) return bad('optimizers is not an object');
  const optimizers: CheckpointManifest['optimizers'] = Object.create(null) as CheckpointManifest['optimizers'];
  for (const [key, o] of Object.entries(json.optimizers)) {
    if (!isObject(o) || typeof o.className !== 'string') return bad(`optimizer '${key}' has no className`);
    const weights = entryList(o.weights, `optimizer '${key}' weights`);
    const hidden = o.hidden === undefined ? [] : entryList(o.hidden, `optimizer '${key}' hidden`);
    optimizers[key] = { className: o.className, weights, hidden };
  }
  if (json.meta !== undefined && !isObject(json.meta)) return bad('meta is not an object');
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]![0] < ranges[i - 1]![1]) return bad(`${ranges[i]![2]} overlaps ${ranges[i - 1]![2]} in the weights file`);
  }
  return {
    format: FORMAT,
    version,
    savedAt: typeof json.savedAt === 'string' ? json.savedAt : '',
    weightsFile,
    byteLength,
    ...(typeof sha256 === 'string' ? { sha256 } : {}),
    variables,
    optimizers,
    meta: (json.meta ?? {}) as Record<string, unknown>,
  };
}

/** One tensor entry, checked against the weights file's recorded size before anything is allocated. */
function validateEntry(e: unknown, where: string, fileBytes: number, bad: (problem: string) => never): CheckpointTensorEntry {
  if (!isObject(e) || typeof e.name !== 'string') return bad(`${where} has no name`);
  const at = `${where} '${e.name}'`;
  const { shape, dtype, offset, byteLength } = e;
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    return bad(`${at} has dtype ${JSON.stringify(dtype) ?? 'missing'}; expected float32, int32 or bool`);
  }
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    return bad(`${at} has shape ${JSON.stringify(shape) ?? 'missing'}; expected an array of non-negative integers`);
  }
  // The product is bounded by the file size as it grows, so it can neither overflow nor pass for a small one.
  let bytes = DTYPE_BYTES[dtype];
  for (const d of shape as number[]) {
    bytes *= d;
    if (bytes > fileBytes)
      return bad(`${at} has shape ${shapeStr(shape as number[])}: ${dtype} data larger than the ${fileBytes}-byte weights file`);
  }
  if (typeof byteLength !== 'number' || byteLength !== bytes) {
    return bad(`${at} has byteLength ${JSON.stringify(byteLength)}; shape ${shapeStr(shape as number[])} of ${dtype} needs ${bytes}`);
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset + bytes > fileBytes) {
    return bad(
      `${at} has offset ${JSON.stringify(offset)}; expected an integer in [0, ${fileBytes - bytes}] (the weights file has ${fileBytes} bytes)`,
    );
  }
  return { name: e.name, shape: [...(shape as number[])], dtype, offset, byteLength: bytes };
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

function decode(buffer: Buffer, e: CheckpointTensorEntry): tf.Tensor {
  const bytes = new Uint8Array(e.byteLength);
  bytes.set(buffer.subarray(e.offset, e.offset + e.byteLength));
  if (e.dtype === 'bool') return tf.tensor(bytes, e.shape, 'bool');
  const values = e.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  return tf.tensor(values, e.shape, e.dtype);
}

/** A float32 entry's values (a copy when its offset is not 4-byte aligned). */
function floatView(buffer: Buffer, e: CheckpointTensorEntry): Float32Array {
  const start = buffer.byteOffset + e.offset;
  if (start % 4 === 0) return new Float32Array(buffer.buffer, start, e.byteLength / 4);
  return new Float32Array(buffer.subarray(e.offset, e.offset + e.byteLength).buffer.slice(start, start + e.byteLength));
}
