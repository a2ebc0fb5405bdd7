import { describe, expect, it } from 'vitest';
import { captionProblem, formatCaptionLine, normaliseImagePath, parseCaptionLine } from './caption-record.js';
import { CaptionDataError } from './errors.js';

const F = '/data/set/captions.jsonl';

/** The error `parseCaptionLine` throws for `text` on line 7 (fails the test when it does not throw). */
function errorOf(text: string): CaptionDataError {
  try {
    parseCaptionLine(text, F, 7);
  } catch (err) {
    expect(err).toBeInstanceOf(CaptionDataError);
    return err as CaptionDataError;
  }
  throw new Error(`no error for ${text}`);
}

describe('parseCaptionLine', () => {
  it('reads every field of the format and normalises the image path', () => {
    const { record, unknownFields } = parseCaptionLine(
      JSON.stringify({
        image: './images//owl.png',
        caption: 'An owl.',
        captions: { de: 'Eine Eule.', pt_BR: 'Uma coruja.' },
        keywords: ['bird', 'night'],
        source: 'tuxpaint:animals/birds/owl.svg',
        author: 'Someone',
        split: 'test',
        class: 'animals',
      }),
      F,
      1,
    );
    expect(record).toEqual({
      image: 'images/owl.png',
      caption: 'An owl.',
      captions: { de: 'Eine Eule.', pt_BR: 'Uma coruja.' },
      keywords: ['bird', 'night'],
      source: 'tuxpaint:animals/birds/owl.svg',
      author: 'Someone',
      split: 'test',
      class: 'animals',
    });
    expect(unknownFields).toEqual([]);
  });

  it('keeps a minimal record minimal and lists unknown fields instead of failing on them', () => {
    const { record, unknownFields } = parseCaptionLine('{"image":"a.png","caption":"a cat","keyword":"x","width":3}', F, 2);
    expect(record).toEqual({ image: 'a.png', caption: 'a cat' });
    expect(unknownFields).toEqual(['keyword', 'width']);
  });

  it('names the file and the line for a line that is not JSON', () => {
    const e = errorOf('{"image": "a.png", "caption": "a cat"');
    expect(e.message).toMatch(/^\/data\/set\/captions\.jsonl:7: not valid JSON/);
    expect(e.file).toBe(F);
    expect(e.line).toBe(7);
    expect(e.code).toBe('EDATAFORMAT');
  });

  it.each([
    ['[1, 2]', /expected a JSON object .* got an array/],
    ['"just text"', /expected a JSON object/],
    ['{"caption": "a cat"}', /no "image" field/],
    ['{"image": 3, "caption": "a cat"}', /"image" must be a string, got number 3/],
    ['{"image": "a.png"}', /no "caption" field/],
    ['{"image": "a.png", "caption": ""}', /empty caption: "caption" is empty \(image "a.png"\)/],
    ['{"image": "a.png", "caption": "  \\t "}', /empty caption: "caption" is only whitespace/],
    ['{"image": "a.png", "caption": 5}', /empty caption: "caption" must be a string, got number 5/],
    ['{"image": "a.png", "caption": "c", "captions": ["x"]}', /"captions" must be an object/],
    ['{"image": "a.png", "caption": "c", "captions": {"de": ""}}', /empty caption: "captions"\."de" is empty/],
    ['{"image": "a.png", "caption": "c", "keywords": "a, b"}', /"keywords" must be an array/],
    ['{"image": "a.png", "caption": "c", "keywords": ["a", ""]}', /"keywords"\[1\] must be a non-empty string/],
    ['{"image": "a.png", "caption": "c", "split": "val"}', /"split" must be "train" or "test", got the string "val"/],
    ['{"image": "a.png", "caption": "c", "class": ""}', /"class" must be a non-empty string, got an empty string/],
    ['{"image": "../secret.png", "caption": "c"}', /image path "..\/secret.png" escapes the folder/],
    ['{"image": "a/../../b.png", "caption": "c"}', /escapes the folder/],
    ['{"image": "/etc/passwd", "caption": "c"}', /is absolute/],
    ['{"image": "C:\\\\x.png", "caption": "c"}', /backslash|absolute/],
    ['{"image": "", "caption": "c"}', /image path "" is empty/],
  ])('refuses %s naming file:line', (text, pattern) => {
    const e = errorOf(text);
    expect(e.message.startsWith(`${F}:7: `)).toBe(true);
    expect(e.message).toMatch(pattern);
  });
});

describe('normaliseImagePath', () => {
  it('resolves . and inner .. segments and refuses climbing out', () => {
    expect(normaliseImagePath('a/./b/../c.png')).toEqual({ path: 'a/c.png' });
    expect(normaliseImagePath('x.png')).toEqual({ path: 'x.png' });
    expect(normaliseImagePath('a/..')).toEqual({ problem: 'names the folder itself, not a file' });
    expect('problem' in normaliseImagePath('..')).toBe(true);
    expect('problem' in normaliseImagePath('a\\b.png')).toBe(true);
    expect('problem' in normaliseImagePath('a\0b.png')).toBe(true);
  });
});

describe('captionProblem', () => {
  it('accepts text and refuses empty, blank and non-strings', () => {
    expect(captionProblem('A frog.')).toBeNull();
    expect(captionProblem('')).toBe('is empty');
    expect(captionProblem('\n ')).toBe('is only whitespace');
    expect(captionProblem(null)).toMatch(/must be a string, got null/);
  });
});

describe('formatCaptionLine', () => {
  it('writes the fields in a fixed order, leaves absent ones out, and parses back to the same record', () => {
    const record = { class: 'food', split: 'train' as const, caption: 'An "apple".', image: 'images/a b.png', keywords: ['fruit'] };
    const line = formatCaptionLine(record);
    expect(line).toBe('{"image":"images/a b.png","caption":"An \\"apple\\".","keywords":["fruit"],"split":"train","class":"food"}');
    expect(parseCaptionLine(line, F, 1).record).toEqual(record);
  });
});
