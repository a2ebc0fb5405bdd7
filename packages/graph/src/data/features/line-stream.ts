import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fail } from './cells.js';

/**
 * The longest line `loadNodeFeatures` takes (characters): lines are strings, and V8 caps a string at
 * about 512 M characters; 100 M characters is a dense row of ~10 M values, far wider than any feature file.
 */
export const MAX_FEATURE_LINE_CHARS = 100_000_000;

/**
 * Calls `onLine(text, lineNo)` for each line of a UTF-8 file (internal), read in 1 MB chunks, so memory is one chunk
 * plus one line whatever the file's size. Line breaks (`\n`, `\r\n`) and a leading byte-order mark are dropped.
 */
export async function forEachLine(
  path: string,
  onLine: (text: string, lineNo: number) => void,
  maxLineChars = MAX_FEATURE_LINE_CHARS,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending: string[] = [];
  let pendingChars = 0;
  let lineNo = 0;
  const emit = (text: string): void => {
    lineNo++;
    if (text.length > maxLineChars) tooLong(path, lineNo, maxLineChars);
    let t = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (lineNo === 1 && t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    onLine(t, lineNo);
  };
  const take = (s: string): void => {
    let at = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', at)) {
      const part = s.slice(at, nl);
      if (pending.length > 0) {
        pending.push(part);
        if (pendingChars + part.length > maxLineChars) tooLong(path, lineNo + 1, maxLineChars);
        emit(pending.join(''));
        pending = [];
        pendingChars = 0;
      } else emit(part);
      at = nl + 1;
    }
    if (at < s.length) {
      pendingChars += s.length - at;
      if (pendingChars > maxLineChars) tooLong(path, lineNo + 1, maxLineChars);
      pending.push(s.slice(at));
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) take(decoder.write(chunk as Buffer));
  take(decoder.end());
  if (pending.length > 0) emit(pending.join(''));
}

function tooLong(path: string, lineNo: number, max: number): never {
  fail('ETOOLARGE', path, lineNo, `a line over ${max.toLocaleString('en-US')} characters; is this a features file with one line per node?`);
}
