/**
 * The one place `@huggingface/transformers` is imported: lazily, and only by what needs it (the frozen ONNX encoder,
 * and tokenizers downloaded from the hub). It is an optional peer dependency — it pulls onnxruntime-node and
 * onnxruntime-web (~450 MB, and a postinstall that downloads binaries) — so `npm install @contrastive/text` does not
 * install it, and its absence is an {@link OptionalDependencyError} naming the package and the install command.
 *
 * Nothing here names a transformers.js type in a signature other modules export: the package's own declarations are
 * not needed by (or even installed for) most users, so the part used is described by the small interfaces below.
 */
import { OptionalDependencyError } from '../errors.js';

/** The npm package loaded here. */
export const TRANSFORMERS_PACKAGE = '@huggingface/transformers';

/** transformers.js's `Tensor`, as used: built from int64 ids, read as float32 hidden states, disposed. */
export interface TransformersTensor {
  readonly dims: number[];
  readonly data: ArrayLike<number> | ArrayLike<bigint>;
  dispose(): void;
}

/** A loaded transformers.js `PreTrainedModel` (it owns the onnxruntime session), as used. */
export interface TransformersModel {
  (inputs: Record<string, TransformersTensor>): Promise<Record<string, TransformersTensor>>;
  readonly config: { readonly max_position_embeddings?: unknown; readonly vocab_size?: unknown };
  readonly sessions: Record<string, { readonly outputNames?: readonly string[] } | undefined>;
  dispose(): Promise<unknown>;
}

/** The part of the `@huggingface/transformers` module used here. */
export interface TransformersModule {
  env: {
    allowLocalModels: boolean;
    allowRemoteModels: boolean;
    localModelPath: string;
    cacheDir: string | null;
  };
  AutoModel: { from_pretrained(id: string, options: Record<string, unknown>): Promise<TransformersModel> };
  AutoTokenizer: { from_pretrained(id: string, options: Record<string, unknown>): Promise<unknown> };
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => TransformersTensor;
}

/** Imports the module (a test replaces it with {@link setTransformersImporter}). */
export type TransformersImporter = () => Promise<unknown>;

const defaultImporter: TransformersImporter = () => import('@huggingface/transformers');
let importer: TransformersImporter = defaultImporter;

/**
 * Replaces how `@huggingface/transformers` is imported (tests simulate its absence with an importer that rejects
 * like Node does); no argument restores the real import. Internal: not exported from the package's entries.
 */
export function setTransformersImporter(fn: TransformersImporter = defaultImporter): void {
  importer = fn;
}

/** True for Node's "cannot find this package" error about `@huggingface/transformers` itself (not one of its dependencies). */
function isMissingPackage(e: unknown): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return typeof message === 'string' && new RegExp(`['"]${TRANSFORMERS_PACKAGE.replace('/', '\\/')}['"/]`).test(message);
}

/**
 * Imports `@huggingface/transformers`, or throws an {@link OptionalDependencyError} naming it, `feature` (what asked
 * for it) and `npm install @huggingface/transformers` when it is not installed. Any other import failure (it is
 * installed, but onnxruntime cannot load, say) is rethrown with the package named and the original as `cause`.
 */
export async function importTransformers(feature: string): Promise<TransformersModule> {
  try {
    return (await importer()) as TransformersModule;
  } catch (e) {
    if (isMissingPackage(e)) throw new OptionalDependencyError(TRANSFORMERS_PACKAGE, feature, { cause: e });
    throw new Error(`${feature}: importing ${TRANSFORMERS_PACKAGE} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}
