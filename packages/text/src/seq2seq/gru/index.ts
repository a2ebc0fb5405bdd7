// GRU baseline encoder–decoder with Luong attention (issue 28); implements Seq2SeqModel.
export { Seq2SeqGru } from './seq2seq-gru.js';
export { resolveGruConfig } from './config.js';
export type { GruConfig, ResolvedGruConfig } from './config.js';
export { gruLayer } from './gru-layer.js';
export type { GruWeights } from './gru-layer.js';
