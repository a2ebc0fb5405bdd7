import { describe, expect, it } from 'vitest';
import { boolFlag, intFlag, numFlag, oneOfFlag, parseFlags, requiredFlag, stringFlag, UsageError, type FlagSpec } from './args.js';

const SPEC = {
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
  tag: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} satisfies FlagSpec;

/** The UsageError message `fn` throws (fails the test if it throws anything else or nothing). */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('UsageError', () => {
  it('carries exit code 2 and its name', () => {
    const e = new UsageError('x');
    expect(e.exitCode).toBe(2);
    expect(e.name).toBe('UsageError');
    expect(e).toBeInstanceOf(Error);
  });
});

describe('parseFlags', () => {
  it('parses strings, booleans, short aliases and repeated flags', () => {
    const v = parseFlags(['--epochs', '3', '--json', '-h', '--tag', 'a', '--tag=b'], SPEC);
    expect(v).toEqual({ epochs: '3', json: true, help: true, tag: ['a', 'b'] });
  });

  it('turns Node parse errors into UsageErrors naming the flag, without the TypeError prefix', () => {
    const unknown = usage(() => parseFlags(['--bogus'], SPEC));
    expect(unknown).toBe("Unknown option '--bogus'");
    expect(usage(() => parseFlags(['--epochs'], SPEC))).toMatch(/--epochs.*argument missing/);
    expect(usage(() => parseFlags(['--json=yes'], SPEC))).toMatch(/--json' does not take an argument/);
    expect(usage(() => parseFlags(['stray'], SPEC))).toMatch(/Unexpected argument 'stray'/);
    expect(usage(() => parseFlags(['--epochs', '--json'], SPEC))).not.toMatch(/\n|TypeError/);
  });

  it('suggests the nearest flag for a typo', () => {
    expect(usage(() => parseFlags(['--epoch', '3'], SPEC))).toBe("Unknown option '--epoch' (did you mean --epochs?)");
    expect(usage(() => parseFlags(['--batchsize', '3'], SPEC))).toMatch(/did you mean --batch-size\?/);
    expect(usage(() => parseFlags(['--zzzzzz'], SPEC))).not.toMatch(/did you mean/);
  });
});

describe('intFlag', () => {
  it('reads integers in range and returns undefined when absent', () => {
    expect(intFlag({ epochs: '12' }, 'epochs', 1)).toBe(12);
    expect(intFlag({ epochs: ' 7 ' }, 'epochs', 1, 10)).toBe(7);
    expect(intFlag({}, 'epochs', 1)).toBeUndefined();
  });

  it('refuses with the flag, the value and the expected range', () => {
    expect(usage(() => intFlag({ epochs: '0' }, 'epochs', 1))).toBe("--epochs must be an integer >= 1, got '0'");
    expect(usage(() => intFlag({ epochs: '11' }, 'epochs', 1, 10))).toBe("--epochs must be an integer in [1, 10], got '11'");
    for (const bad of ['2.5', '1e3', '0x10', '', 'ten', '99999999999999999999']) {
      expect(usage(() => intFlag({ epochs: bad }, 'epochs', 0))).toContain(`got '${bad}'`);
    }
  });

  it('treats reading a boolean flag as a number as a programming error, not a usage error', () => {
    expect(() => intFlag({ json: true }, 'json', 0)).toThrow(/not a single-valued string flag/);
    expect(() => intFlag({ json: true }, 'json', 0)).not.toThrow(UsageError);
  });
});

describe('numFlag', () => {
  it('defaults to > 0', () => {
    expect(numFlag({ lr: '3e-4' }, 'lr')).toBeCloseTo(3e-4);
    expect(usage(() => numFlag({ lr: '0' }, 'lr'))).toBe("--lr must be a number > 0, got '0'");
    expect(usage(() => numFlag({ lr: '-1' }, 'lr'))).toBe("--lr must be a number > 0, got '-1'");
    expect(usage(() => numFlag({ lr: 'Infinity' }, 'lr'))).toContain("got 'Infinity'");
    expect(usage(() => numFlag({ lr: ' ' }, 'lr'))).toContain("got ' '");
  });

  it('honours min, max and exclusivity', () => {
    expect(numFlag({ w: '0' }, 'w', { min: 0 })).toBe(0);
    expect(usage(() => numFlag({ w: '-0.1' }, 'w', { min: 0 }))).toBe("--w must be a number >= 0, got '-0.1'");
    expect(numFlag({ s: '1' }, 's', { max: 1 })).toBe(1);
    expect(usage(() => numFlag({ s: '1' }, 's', { max: 1, exclusiveMax: true }))).toBe("--s must be a number in (0, 1), got '1'");
    expect(usage(() => numFlag({ s: '0' }, 's', { min: 0, max: 1, exclusiveMin: true }))).toBe("--s must be a number in (0, 1], got '0'");
    expect(usage(() => numFlag({ s: '2' }, 's', { min: 0, max: 1 }))).toBe("--s must be a number in [0, 1], got '2'");
  });
});

describe('string readers', () => {
  it('stringFlag: optional, refuses empty', () => {
    expect(stringFlag({ out: 'runs/a' }, 'out')).toBe('runs/a');
    expect(stringFlag({}, 'out')).toBeUndefined();
    expect(usage(() => stringFlag({ out: '' }, 'out'))).toBe("--out must not be empty, got ''");
  });

  it('requiredFlag: names the missing flag and the hint', () => {
    expect(requiredFlag({ data: 'x' }, 'data')).toBe('x');
    expect(usage(() => requiredFlag({}, 'data'))).toBe('--data is required');
    expect(usage(() => requiredFlag({ method: '' }, 'method', 'simclr | moco'))).toBe('--method is required (simclr | moco)');
  });

  it('oneOfFlag: fallback when absent, lists the choices otherwise', () => {
    expect(oneOfFlag({}, 'enc', ['a', 'b'] as const, 'a')).toBe('a');
    expect(oneOfFlag({}, 'enc', ['a', 'b'] as const)).toBeUndefined();
    expect(oneOfFlag({ enc: 'b' }, 'enc', ['a', 'b'] as const)).toBe('b');
    expect(usage(() => oneOfFlag({ enc: 'c' }, 'enc', ['a', 'b'] as const, 'a'))).toBe("--enc must be one of a, b, got 'c'");
  });

  it('boolFlag: true only when given', () => {
    expect(boolFlag({ json: true }, 'json')).toBe(true);
    expect(boolFlag({}, 'json')).toBe(false);
    expect(() => boolFlag({ json: 'yes' }, 'json')).toThrow(/not a boolean flag/);
  });
});
