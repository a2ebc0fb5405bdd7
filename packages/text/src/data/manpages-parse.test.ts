import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManPage } from './manpages-parse.js';
import { joinRoffLines, roffEscapes, roffSourceLines, splitRoffLine } from './manpages-roff.js';

const fixture = (name: string): string =>
  readFileSync(decodeURIComponent(new URL(`../__fixtures__/manpages/${name}`, import.meta.url).pathname), 'utf8');

describe('roff escapes', () => {
  it('strips fonts and sizes, maps special characters and strings', () => {
    expect(roffEscapes('\\fBls\\fR \\- list \\fIdirectory\\fP contents')).toBe('ls - list directory contents');
    expect(roffEscapes('\\f(CWcode\\fP and \\f[B]bold\\f[] and \\f5five\\fR')).toBe('code and bold and five');
    expect(roffEscapes('\\(lqquoted\\(rq \\(em dash \\[em] \\(bu \\e \\\\ \\&.x')).toBe('"quoted" — dash —  \\ \\ .x');
    expect(roffEscapes('\\s-1SMALL\\s0 \\s+2big\\s0 \\s10ten\\s0 \\s(12x\\s[14]y')).toBe('SMALL big ten xy');
    expect(roffEscapes('\\*(lqa\\*(rq \\*R \\*[unknown]z')).toBe('"a" ® z');
    expect(roffEscapes("x\\h'3n'y\\v'-1'z\\w'abc'w\\kxq\\n(XXn\\n[reg]m")).toBe('xyzwqnm');
    expect(roffEscapes("\\[u00E9]t\\('e \\N'65' \\C'em'")).toBe('été A —');
    expect(roffEscapes('before \\" a comment')).toBe('before ');
    expect(roffEscapes('a\\ b\\~c\\0d\\|e\\^f\\%g')).toBe('a b c defg');
  });

  it('expands page strings recursively but not forever', () => {
    const strings = new Map([
      ['Vn', '1.\\*(Mi'],
      ['Mi', '2'],
      ['Lp', 'x\\*(Lp'],
    ]);
    expect(roffEscapes('v\\*(Vn', strings)).toBe('v1.2');
    expect(roffEscapes('\\*(Lp', strings)).toBe('x'.repeat(8));
  });

  it('splits request lines into quoted arguments', () => {
    expect(splitRoffLine('.BR "two words" (1)')).toEqual({
      kind: 'request',
      name: 'BR',
      args: ['two words', '(1)'],
      rest: '"two words" (1)',
    });
    expect(splitRoffLine('.  IP "say ""hi""" 4')).toMatchObject({ name: 'IP', args: ['say "hi"', '4'] });
    expect(splitRoffLine('.B a\\ b c \\" comment')).toMatchObject({ name: 'B', args: ['a\\ b', 'c'] });
    expect(splitRoffLine('.\\" comment')).toMatchObject({ kind: 'request', name: '' });
    expect(splitRoffLine('plain text')).toEqual({ kind: 'text', text: 'plain text' });
  });

  it('joins continued source lines and \\c output lines', () => {
    expect(roffSourceLines('a\\\nb\nc\\\\\nd')).toEqual(['ab', 'c\\\\', 'd']);
    expect(joinRoffLines(['one\u0000', 'two', '  three  '])).toBe('onetwo three');
  });
});

describe('parseManPage', () => {
  it('reads a man(7) page: NAME summary, DESCRIPTION text without requests, comments, macros, conditionals or tables', () => {
    const r = parseManPage(fixture('frob.1'));
    expect(r).toEqual({
      ok: true,
      page: {
        format: 'man',
        names: 'frob, unfrob',
        summary: 'frobnicate files in place',
        description:
          'frob rewrites each FILE in place, version 1.0. It prints a "done" line — unless told otherwise \\ quietly. ' +
          '-q, --quiet do not print the "done" line see unfrob(1) and frob.conf(5). two SMALL linesjoined A code word and été.',
      },
    });
  });

  it('reads an mdoc(7) page: .Nm/.Nd, callable macros, spacing mode', () => {
    const r = parseManPage(fixture('frob-mdoc.1'));
    expect(r).toEqual({
      ok: true,
      page: {
        format: 'mdoc',
        names: 'frobd, frobctl',
        summary: 'frobnication daemon',
        description:
          'frobd listens on port for requests (see frob(1)). It is started with -d and reads /etc/frobd.conf, which is "optional". ' +
          '[user@]host is accepted. -v Verbose.',
      },
    });
  });

  it('reads a pod2man page: macro definitions and conditional blocks are skipped, pod2man strings expanded', () => {
    const r = parseManPage(fixture('pod.3pm'));
    expect(r).toEqual({
      ok: true,
      page: {
        format: 'man',
        names: 'Frob::Pod',
        summary: 'frobnicate from Perl',
        description: 'This module calls "frob()" from C++ or Perl. It is "simple".',
      },
    });
  });

  it('says why a page gives no pair', () => {
    expect(parseManPage(fixture('unfrob.1'))).toEqual({ ok: false, reason: 'so-link' });
    expect(parseManPage('.TH X 1\n.SH DESCRIPTION\nText.')).toEqual({ ok: false, reason: 'no-name' });
    expect(parseManPage('.TH X 1\n.SH NAME\nx without separator\n.SH DESCRIPTION\nText.')).toEqual({ ok: false, reason: 'no-summary' });
    expect(parseManPage('.TH X 1\n.SH NAME\nx \\- does x\n.SH OPTIONS\nText.')).toEqual({ ok: false, reason: 'no-description' });
    expect(parseManPage('.TH X 1\n.SH NAME\nx \\- does x\n.SH DESCRIPTION\n.PP\n.SH OPTIONS')).toEqual({
      ok: false,
      reason: 'no-description',
    });
  });

  it('takes a heading from the next line, matches headings case-insensitively, drops repeated names before the summary', () => {
    const r = parseManPage(
      '.TH X 1\n.SH\nName\nlz4 \\- lz4, unlz4 \\- compress .lz4 files\n.SH "Description"\nIt compresses.\n.SS\nSub heading\nMore.',
    );
    expect(r).toEqual({
      ok: true,
      page: { format: 'man', names: 'lz4', summary: 'compress .lz4 files', description: 'It compresses. More.' },
    });
  });
});
