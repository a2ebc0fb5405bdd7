import { describe, expect, it } from 'vitest';
import { manReferences, parseManSource, roffArgs, roffText } from './man-roff.js';

describe('roffText', () => {
  it('removes fonts, sizes, strings and comments, keeps words', () => {
    expect(roffText('\\fBls\\fR \\- list \\(lqdir\\(rq \\s-1SMALL\\s0 \\*(lqq\\*(rq')).toBe('ls - list  dir  SMALL q');
    expect(roffText('word\\" a comment')).toBe('word');
    expect(roffText('\\f(CWcode\\fP and\\ more \\e')).toBe('code and more \\');
  });
});

describe('roffArgs', () => {
  it('splits on spaces, keeps quoted arguments whole', () => {
    expect(roffArgs('"SEE ALSO" x')).toEqual(['SEE ALSO', 'x']);
    expect(roffArgs('ls (1),')).toEqual(['ls', '(1),']);
  });
});

describe('manReferences', () => {
  it('finds name(section) references with digit-led sections', () => {
    expect(manReferences('ls(1), SSL_new(3ssl), git-add (1) and crontab(5). Not (c) or foo(x)')).toEqual([
      { name: 'ls', section: '1' },
      { name: 'SSL_new', section: '3ssl' },
      { name: 'git-add', section: '1' },
      { name: 'crontab', section: '5' },
    ]);
  });
});

const MAN_PAGE = `.\\" a comment
.de XX
macro body that is not prose
..
.TH FROB 1
.SH NAME
frob, frobnicate \\- twiddle the \\fBwidgets\\fR gently
.SH DESCRIPTION
.B frob
turns widgets.
.if n \\{\\
conditional text
.\\}
.TS
table text
.TE
.IP \\(bu
It reads
.I config
files.
.SH "SEE ALSO"
.BR ls (1),
\\fBgrep\\fR(1),
.BR frob (1)
`;

describe('parseManSource', () => {
  it('reads a man(7) page: summary without the names, DESCRIPTION words only, SEE ALSO references', () => {
    const p = parseManSource(MAN_PAGE);
    expect(p.so).toBeUndefined();
    expect(p.summary).toBe('twiddle the widgets gently');
    expect(p.description).toBe('frob turns widgets. It reads config files.');
    expect(p.seeAlso).toEqual([
      { name: 'ls', section: '1' },
      { name: 'grep', section: '1' },
      { name: 'frob', section: '1' },
    ]);
  });

  it('reads an mdoc(7) page: .Nd is the summary, .Xr makes references', () => {
    const p = parseManSource(`.Dd March 1, 2020
.Dt WIDGET 3
.Os
.Sh NAME
.Nm widget
.Nd allocate a widget
.Sh DESCRIPTION
The
.Fn widget
call returns
.Em memory .
.Sh SEE ALSO
.Xr malloc 3 ,
.Xr frob 1
`);
    expect(p.summary).toBe('allocate a widget');
    expect(p.description).toContain('returns memory');
    expect(p.seeAlso).toEqual([
      { name: 'malloc', section: '3' },
      { name: 'frob', section: '1' },
    ]);
  });

  it('reports a page that is only a .so redirection as an alias; a heading on the next line counts', () => {
    expect(parseManSource('.so man1/frob.1\n').so).toBe('man1/frob.1');
    const p = parseManSource('.TH X 1\n.SH\nNAME\nx \\- y\n.SH\nSEE ALSO\nz(5)\n');
    expect(p.so).toBeUndefined();
    expect(p.summary).toBe('y');
    expect(p.seeAlso).toEqual([{ name: 'z', section: '5' }]);
  });
});
