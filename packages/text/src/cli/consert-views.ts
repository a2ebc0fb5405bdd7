import { UsageError } from '@contrastive/core/cli';
import { CONSERT_VIEW_TYPES } from '../methods/consert.js';
import type { ConsertView } from '../methods/consert.js';

/**
 * Parses one `--views` entry: `"feature-cutoff:0.2"`, `"token-shuffle"`, `"noise:0.1"`, `"adversarial:1.0"`
 * (the number is the rate, std or ε). Throws listing the valid names.
 */
export function parseConsertView(spec: string): ConsertView {
  const [name, arg] = spec.trim().split(':');
  const type = name as ConsertView['type'];
  if (!CONSERT_VIEW_TYPES.includes(type)) {
    throw new RangeError(`ConSERT view must be one of ${CONSERT_VIEW_TYPES.join(', ')} (optionally ':<number>'), got '${spec}'`);
  }
  const value = arg === undefined ? undefined : Number(arg);
  if (value !== undefined && !Number.isFinite(value)) throw new RangeError(`ConSERT view '${spec}': '${arg}' is not a number`);
  if (value === undefined) return { type } as ConsertView;
  if (type === 'token-cutoff' || type === 'feature-cutoff' || type === 'dropout') return { type, rate: value };
  if (type === 'noise') return { type, std: value };
  if (type === 'adversarial') return { type, epsilon: value };
  return { type } as ConsertView;
}

/** `--views A,B`: exactly two views, or a {@link UsageError} naming the flag. */
export function parseConsertViews(flag: string): [ConsertView, ConsertView] {
  let views: ConsertView[];
  try {
    views = flag.split(',').map(parseConsertView);
  } catch (e) {
    throw new UsageError(`--views: ${(e as Error).message}`);
  }
  if (views.length !== 2) throw new UsageError(`--views needs exactly two views, got ${views.length}`);
  return views as [ConsertView, ConsertView];
}
