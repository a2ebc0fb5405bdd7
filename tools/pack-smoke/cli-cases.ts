/**
 * The seconds-long `train … --json` each package's CLI runs in the smoke test. A public package with a `bin`
 * and no case here fails ("no CLI train case"), so a new CLI gets one.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CliCase {
  /** What the summary must report. */
  method: string;
  domain: string;
  /** After `train`; the smoke test adds `--out DIR --json`. */
  args: string[];
  /** Writes the inputs the args name into the temp project (cwd of the run); returns what it wrote. */
  prepare?: (project: string, packageRoot: string) => string;
}

/** Plain-English sources for a text corpus: the system's licence texts, else the package's own README. */
const CORPUS_SOURCES = ['/usr/share/common-licenses/GPL-3', '/usr/share/common-licenses/Apache-2.0', '/usr/share/common-licenses/GPL-2'];

/**
 * Up to `max` distinct lines of at least 6 words from `texts`, in order (one passage per line, as
 * `--corpus` reads).
 */
export function corpusLines(texts: readonly string[], max: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/\s+/g, ' ').trim();
      if (line.split(' ').length < 6 || seen.has(line)) continue;
      seen.add(line);
      out.push(line);
      if (out.length >= max) return out;
    }
  }
  return out;
}

export const CLI_CASES: Record<string, CliCase> = {
  vision: {
    method: 'simclr',
    domain: 'vision',
    args: ['--method', 'simclr', '--data', 'bundled', '--epochs', '1', '--limit', '256', '--batch-size', '32', '--no-progress'],
  },
  text: {
    method: 'simcse',
    domain: 'text',
    args: ['--method', 'simcse', '--corpus', 'corpus.txt', '--config', 'tiny', '--epochs', '1', '--batch-size', '16', '--no-progress'],
    prepare: (project, packageRoot) => {
      const sources = CORPUS_SOURCES.filter((f) => existsSync(f));
      const texts = [...sources, join(packageRoot, 'README.md')].filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'));
      const lines = corpusLines(texts, 300);
      writeFileSync(join(project, 'corpus.txt'), `${lines.join('\n')}\n`);
      return `corpus.txt: ${lines.length} lines from ${sources[0] ?? 'the package README'}`;
    },
  },
  graph: {
    method: 'cg3',
    domain: 'graph',
    args: ['--method', 'cg3', '--dataset', 'karate', '--labels-per-class', '1', '--epochs', '5', '--no-progress'],
  },
  gan: {
    method: 'gan',
    domain: 'gan',
    args: [
      '--method',
      'gan',
      '--data',
      'bundled',
      '--limit',
      '64',
      '--test-limit',
      '64',
      '--width',
      '0.125',
      '--batch-size',
      '16',
      '--epochs',
      '1',
      '--eval-images',
      '32',
      '--no-progress',
    ],
  },
  multimodal: {
    method: 'clip',
    domain: 'multimodal',
    args: [
      '--method',
      'clip',
      '--data',
      'captions',
      '--image-size',
      '16',
      '--batch-size',
      '12',
      '--embed-dim',
      '16',
      '--epochs',
      '1',
      '--no-progress',
    ],
    prepare: (project) => {
      // 24 SVG squares in 6 colours, captioned by colour; the last 8 are the test split (sharp rasterises SVG).
      const colours = ['red', 'green', 'blue', 'yellow', 'purple', 'black'];
      const dir = join(project, 'captions');
      mkdirSync(dir, { recursive: true });
      const lines = Array.from({ length: 24 }, (_, i) => {
        const colour = colours[i % 6]!;
        const size = 8 + 2 * Math.floor(i / 6);
        const file = `${colour}-${i}.svg`;
        writeFileSync(
          join(dir, file),
          `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24"><rect x="${12 - size / 2}" y="${12 - size / 2}" width="${size}" height="${size}" fill="${colour}"/></svg>\n`,
        );
        return JSON.stringify({ image: file, caption: `a ${colour} square`, split: i >= 16 ? 'test' : 'train' });
      });
      writeFileSync(join(dir, 'captions.jsonl'), `${lines.join('\n')}\n`);
      return 'captions/: 24 SVG squares in 6 colours with captions.jsonl (16 train, 8 test)';
    },
  },
  losses: {
    method: 'paco',
    domain: 'losses',
    args: ['--method', 'paco', '--data', 'bundled', '--limit', '200', '--test-limit', '200', '--epochs', '1', '--no-progress'],
  },
};
