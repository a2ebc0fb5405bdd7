import { UsageError } from '@contrastive/core/cli';
import { DataFormatError } from '@contrastive/vision';
import { describe, expect, it } from 'vitest';
import { CaptionDataError } from '../data/errors.js';
import { asDataFlagError, isDataError } from './data-flag-error.js';

/** What `handler` throws. */
function thrown(handler: (e: unknown) => never, e: unknown): unknown {
  try {
    handler(e);
  } catch (got) {
    return got;
  }
  throw new Error('the handler returned');
}

describe('asDataFlagError', () => {
  it("turns vision's and multimodal's data errors into usage errors naming the flag, and leaves others alone", () => {
    const vision = new DataFormatError('/imgs/b.png', 'cannot decode image file /imgs/b.png: Input file contains unsupported image format');
    const caption = new CaptionDataError('/d/captions.jsonl', 3, "image 'b.png' does not decode (/d/b.png): bad");
    expect(isDataError(vision) && isDataError(caption)).toBe(true);
    const a = thrown(asDataFlagError('images', '/imgs'), vision);
    expect(a).toBeInstanceOf(UsageError);
    expect((a as Error).message).toBe('--images /imgs: cannot decode image file /imgs/b.png: Input file contains unsupported image format');
    const b = thrown(asDataFlagError('data', '/d'), caption);
    expect((b as Error).message).toBe("--data /d: /d/captions.jsonl:3: image 'b.png' does not decode (/d/b.png): bad");

    const other = new RangeError('index 9 out of range');
    expect(isDataError(other)).toBe(false);
    expect(thrown(asDataFlagError('data', '/d'), other)).toBe(other);
    const enoent = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    expect(thrown(asDataFlagError('data', '/d'), enoent)).toBe(enoent);
  });
});
