import { existsSync } from 'node:fs';
import path from 'node:path';
import { POOLINGS } from '../encoders/pooling.js';
import type { Pooling } from '../encoders/pooling.js';
import { readSentenceEncoderMeta, SENTENCE_ENCODER_META } from '../encoders/sentence-encoder-files.js';
import { readSentenceTransformersMeta } from '../encoders/sentence-transformers.js';
import type { EncodeOptions, TextEmbedder } from '../encoders/sentence-encoder.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import type { TextTokenizer, TokenBatch } from '../tokenize/text-tokenizer.js';
import type { ModelIoOptions } from '../tokenize/options.js';
import { resolveModelLocation } from '../tokenize/model-location.js';
import { checkOnnxFolder, ONNX_DTYPES } from './model-location.js';
import type { OnnxDtype } from './model-location.js';
import { l2NormalizeInPlace, poolHidden } from './pool-hidden.js';
import { importTransformers } from './transformers.js';
import type { TransformersModel, TransformersTensor } from './transformers.js';

/** Options of {@link OnnxSentenceEncoder.load}. The I/O policy fields are the package's {@link ModelIoOptions}. */
export interface OnnxEncoderLoadOptions extends ModelIoOptions {
  /**
   * Which ONNX file to run: `fp32` reads `onnx/model.onnx`, `q8` `onnx/model_quantized.onnx`, `fp16`
   * `onnx/model_fp16.onnx`, … (transformers.js naming). Default `'fp32'`.
   */
  dtype?: OnnxDtype;
  /**
   * Default pooling of {@link OnnxSentenceEncoder.encode}. Default: `contrastive.json`'s pooling, else the
   * mode in a sentence-transformers `1_Pooling/config.json` (`cls` or `mean`), else `'cls'` (as
   * {@link SentenceEncoder}). `cls-mlp` needs a graph that also outputs `pooler_output`.
   */
  pooling?: Pooling;
  /**
   * Maximum tokens per text including [CLS]/[SEP]; longer texts are truncated (keeping [SEP]) with one
   * warning per `encode` call. Default: `contrastive.json`'s maxLength, else 64, capped at the config's
   * `max_position_embeddings`. Larger than `max_position_embeddings` throws.
   */
  maxLength?: number;
  /** onnxruntime intra-op threads. Default: onnxruntime's choice (all cores). */
  threads?: number;
  /** Where downloads are cached when `allowRemoteModels` is on (transformers.js `env.cacheDir`). Default: transformers.js's. */
  cacheDir?: string;
}

interface FolderMeta {
  pooling?: Pooling;
  maxLength?: number;
}

/**
 * Pooling and max length recorded next to the model: our `contrastive.json`, else the sentence-transformers files
 * (`1_Pooling/config.json`, `sentence_bert_config.json`). A pooling file naming a mode we cannot run is an error
 * unless the caller chose the pooling (`explicitPooling`).
 */
function readFolderMeta(dir: string | null, explicitPooling: boolean): FolderMeta {
  if (dir === null) return {};
  const ours = path.join(dir, SENTENCE_ENCODER_META);
  if (existsSync(ours)) return readSentenceEncoderMeta(ours);
  try {
    const { pooling, maxLength } = readSentenceTransformersMeta(dir);
    return { ...(pooling === undefined ? {} : { pooling }), ...(maxLength === undefined ? {} : { maxLength }) };
  } catch (e) {
    if (explicitPooling) return {};
    throw e;
  }
}

/**
 * A frozen (inference-only) sentence encoder: a transformers.js ONNX feature-extraction model (BERT and
 * friends exported with `last_hidden_state`) run by onnxruntime-node, plus the package's tokenizer and
 * pooling. Needs the optional peer dependency `@huggingface/transformers` (`npm install @huggingface/transformers`),
 * imported on the first `load`: without it `load` throws an {@link OptionalDependencyError} naming the package.
 * Same `encode(texts, {batchSize, pooling, normalize})` → `Float32Array[]` as the trainable
 * {@link SentenceEncoder}, so the evaluation code and the CLI take either; use it for pretrained
 * baselines and for fast inference of a model exported to ONNX.
 *
 * Loading is local-only unless `allowRemoteModels` is set: transformers.js keeps its I/O policy in a
 * global `env`, which `load` sets from the options for the duration of the call (so do not run two loads
 * with different policies concurrently).
 *
 * @example
 * const enc = await OnnxSentenceEncoder.load('models/all-MiniLM-L6-v2', { pooling: 'mean' });
 * const [v] = await enc.encode(['a sentence']); // Float32Array(384), unit norm
 * await enc.dispose();
 */
export class OnnxSentenceEncoder implements TextEmbedder {
  private disposed = false;

  constructor(
    /** The transformers.js model (owns the onnxruntime session). */
    readonly model: TransformersModel,
    readonly tokenizer: TextTokenizer,
    readonly options: { pooling: Pooling; maxLength: number },
    /** The transformers.js `Tensor` class (from the module the model came from). */
    private readonly tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => TransformersTensor,
  ) {
    if (!POOLINGS.includes(options.pooling))
      throw new RangeError(`pooling must be one of ${POOLINGS.join(', ')}, got '${String(options.pooling)}'`);
    if (!Number.isInteger(options.maxLength) || options.maxLength < 2)
      throw new RangeError(`maxLength must be an integer >= 2, got ${String(options.maxLength)}`);
  }

  /** Names of the ONNX graph's outputs (`last_hidden_state`, and `pooler_output` for some exports). */
  get outputNames(): string[] {
    return [...(this.model.sessions.model?.outputNames ?? [])];
  }

  /** Tokenises texts (truncating to `maxLength`; pass `warn` to collect or silence the warning). */
  tokenize(texts: readonly string[], warn?: (message: string) => void): TokenBatch {
    return this.tokenizer.encodeBatch(texts, { maxLength: this.options.maxLength, warn });
  }

  /** Runs the ONNX graph on one tokenised batch and pools it: one vector per row (not normalised). */
  async embedBatch(tb: TokenBatch, pooling: Pooling = this.options.pooling): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('OnnxSentenceEncoder was disposed');
    const dims = [tb.batch, tb.length];
    const i64 = (a: Int32Array) =>
      new this.tensor(
        'int64',
        BigInt64Array.from(a, (x) => BigInt(x)),
        dims,
      );
    const inputs = { input_ids: i64(tb.inputIds), attention_mask: i64(tb.attentionMask), token_type_ids: i64(tb.tokenTypeIds) };
    const outputs = await this.model(inputs);
    try {
      if (pooling === 'cls-mlp') {
        const p = outputs.pooler_output;
        if (!p)
          throw new RangeError(
            `pooling 'cls-mlp' needs a 'pooler_output' output; this ONNX graph has ${this.outputNames.join(', ')} (use 'cls' or 'mean')`,
          );
        const h = p.dims[1]!;
        const data = p.data as Float32Array;
        return Array.from({ length: tb.batch }, (_, r) => data.slice(r * h, (r + 1) * h));
      }
      if (pooling === 'last2avg') {
        throw new RangeError(
          `pooling 'last2avg' needs the last two layers' states; this ONNX graph outputs ${this.outputNames.join(', ')} (use 'mean' or 'cls', or the trainable encoder)`,
        );
      }
      const hidden = outputs.last_hidden_state;
      if (hidden?.dims.length !== 3) {
        throw new Error(`the ONNX graph must output last_hidden_state [batch, sequence, hidden]; it has ${this.outputNames.join(', ')}`);
      }
      const [b, l, h] = hidden.dims as [number, number, number];
      return poolHidden(hidden.data as Float32Array, tb.attentionMask, [b, l, h], pooling);
    } finally {
      for (const t of [...Object.values(inputs), ...Object.values(outputs)]) t.dispose();
    }
  }

  /**
   * Encodes texts into one `Float32Array` per text, `batchSize` texts per ONNX run. Texts longer than
   * `maxLength` tokens are truncated with one warning per call (as {@link SentenceEncoder.encode}).
   */
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    const { batchSize = 32, pooling = this.options.pooling, normalize = true, onProgress } = options;
    if (!Array.isArray(texts)) throw new TypeError(`texts must be an array of strings, got ${typeof texts}`);
    if (texts.length === 0) throw new RangeError('texts must contain at least one string, got []');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
    if (!POOLINGS.includes(pooling)) throw new RangeError(`pooling must be one of ${POOLINGS.join(', ')}, got '${String(pooling)}'`);
    const out: Float32Array[] = [];
    let truncated = 0;
    for (let i = 0; i < texts.length; i += batchSize) {
      const tb = this.tokenize(texts.slice(i, i + batchSize), () => {});
      truncated += tb.truncated.length;
      for (const v of await this.embedBatch(tb, pooling)) out.push(normalize ? l2NormalizeInPlace(v) : v);
      onProgress?.(out.length);
    }
    if (truncated > 0)
      (options.warn ?? console.warn)(
        `${truncated} of ${texts.length} text(s) longer than maxLength=${this.options.maxLength} tokens were truncated`,
      );
    return out;
  }

  /** Releases the onnxruntime session. Further `encode` calls throw. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.model.dispose();
  }

  /**
   * Loads a folder holding `config.json`, `tokenizer.json` and `onnx/model.onnx` (the layout of
   * transformers.js-ready models on the Hugging Face hub, e.g. `Xenova/*`), or — only with
   * `allowRemoteModels: true` — a hub id, downloaded by transformers.js into `cacheDir`.
   *
   * @param dirOrModelId A folder path, or an id resolved against `localModelPath` (then the hub).
   */
  static async load(dirOrModelId: string, options: OnnxEncoderLoadOptions = {}): Promise<OnnxSentenceEncoder> {
    const { allowRemoteModels = false, dtype = 'fp32', threads, cacheDir } = options;
    if (!Object.hasOwn(ONNX_DTYPES, dtype))
      throw new RangeError(`dtype must be one of ${Object.keys(ONNX_DTYPES).join(', ')}, got '${String(dtype)}'`);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
      throw new RangeError(`threads must be an integer >= 1, got ${threads}`);
    if (options.pooling !== undefined && !POOLINGS.includes(options.pooling)) {
      throw new RangeError(`pooling must be one of ${POOLINGS.join(', ')}, got '${String(options.pooling)}'`);
    }
    const loc = resolveModelLocation(dirOrModelId, options);
    if (loc.dir === null && !allowRemoteModels) {
      throw new Error(
        `no model folder '${loc.id}' in ${loc.localModelPath} and allowRemoteModels is false: pass a folder with ` +
          `config.json, tokenizer.json and onnx/model${ONNX_DTYPES[dtype]}.onnx (or set allowRemoteModels: true to download '${loc.id}')`,
      );
    }
    if (loc.dir !== null) checkOnnxFolder(loc.dir, dtype);
    const { AutoModel, env, Tensor } = await importTransformers('OnnxSentenceEncoder (frozen ONNX models)');
    const tokenizer = await loadTokenizer(loc.id, { localModelPath: loc.localModelPath, allowRemoteModels });
    // transformers.js reads its I/O policy from the global env at call time.
    env.allowLocalModels = true;
    env.allowRemoteModels = allowRemoteModels;
    env.localModelPath = loc.localModelPath;
    if (cacheDir !== undefined) env.cacheDir = cacheDir;
    let model: TransformersModel;
    try {
      model = await AutoModel.from_pretrained(loc.id, {
        local_files_only: !allowRemoteModels,
        dtype,
        ...(threads === undefined ? {} : { session_options: { intraOpNumThreads: threads } }),
      });
    } catch (e) {
      // transformers.js resolves the folder's name as a URL path: a space, '+' or '%' in it makes the files unreadable.
      const hint =
        loc.dir !== null && encodeURIComponent(loc.id) !== loc.id
          ? `; transformers.js cannot read a model folder whose name holds characters such as a space, '+' or '%': rename '${loc.id}' or copy the folder`
          : '';
      throw new Error(
        `could not load the ONNX model '${loc.id}' from ${loc.localModelPath} (dtype=${dtype}, allowRemoteModels=${allowRemoteModels}): ${(e as Error).message}${hint}`,
        { cause: e },
      );
    }
    try {
      const meta = readFolderMeta(loc.dir, options.pooling !== undefined);
      const maxPositions = model.config.max_position_embeddings;
      const limit = typeof maxPositions === 'number' && maxPositions > 0 ? maxPositions : Number.POSITIVE_INFINITY;
      if (options.maxLength !== undefined && options.maxLength > limit) {
        throw new RangeError(`maxLength ${options.maxLength} exceeds the model's max_position_embeddings ${limit}`);
      }
      const vocab = model.config.vocab_size;
      if (typeof vocab === 'number' && tokenizer.vocabSize > vocab) {
        throw new RangeError(`tokenizer has ${tokenizer.vocabSize} tokens but the model config vocab_size is ${vocab}`);
      }
      const maxLength = options.maxLength ?? Math.min(meta.maxLength ?? 64, limit);
      return new OnnxSentenceEncoder(model, tokenizer, { pooling: options.pooling ?? meta.pooling ?? 'cls', maxLength }, Tensor);
    } catch (e) {
      await model.dispose();
      throw e;
    }
  }
}
