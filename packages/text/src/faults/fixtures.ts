/**
 * Hostile inputs for the fault suite, built from the package's fixtures (test-only: excluded from the build).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, writeSafetensors } from '../encoders/safetensors.js';

const fixture = (p: string): string => fileURLToPath(new URL(`../__fixtures__/${p}`, import.meta.url));

/** The tiny BERT (vocab 40, hidden 16, 2 layers): config.json + model.safetensors (27 KB). */
export const TINY_BERT = fixture('tiny-bert');
/** The same BERT's tokenizer files (tokenizer.json, tokenizer_config.json, vocab.txt). */
export const TINY_TOKENIZER = fixture('tiny-bert-onnx');
/** 8 lines of English. */
export const CORPUS = fixture('corpus/tiny.txt');

/** Bytes of a safetensors file with this header (any JSON value, or raw header bytes) and `data` after it. */
export function safetensorsBytes(
  header: unknown,
  data: Uint8Array | number = 0,
  options: { headerLength?: bigint; rawHeader?: Uint8Array } = {},
): Uint8Array {
  const hb = options.rawHeader ?? new TextEncoder().encode(JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + hb.length + body.length);
  new DataView(out.buffer).setBigUint64(0, options.headerLength ?? BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(body, 8 + hb.length);
  return out;
}

/** The tiny BERT's weights, as `{name: {shape, data}}` (float32). */
export function tinyBertTensors(): Map<string, { shape: number[]; data: Float32Array }> {
  const { tensors } = readSafetensors(readFileSync(path.join(TINY_BERT, 'model.safetensors')));
  return new Map([...tensors].map(([n, t]) => [n, { shape: t.shape, data: Float32Array.from(t.data) }]));
}

/**
 * A loadable model folder (config.json, model.safetensors, tokenizer files) in `dir`, from the tiny BERT with
 * `mutate` applied to its weights and `config` to its config.json object.
 */
export function modelFolder(
  dir: string,
  options: {
    mutate?: (tensors: Map<string, { shape: number[]; data: Float32Array }>) => void;
    config?: (c: Record<string, unknown>) => void;
    safetensors?: Uint8Array;
  } = {},
): string {
  mkdirSync(dir, { recursive: true });
  const tensors = tinyBertTensors();
  options.mutate?.(tensors);
  writeFileSync(path.join(dir, 'model.safetensors'), options.safetensors ?? writeSafetensors(tensors));
  const config = JSON.parse(readFileSync(path.join(TINY_BERT, 'config.json'), 'utf8')) as Record<string, unknown>;
  options.config?.(config);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt']) copyFileSync(path.join(TINY_TOKENIZER, f), path.join(dir, f));
  return dir;
}

/** SHA-256 of every file under `dir` by relative path (to assert a folder byte-identical before and after). */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
