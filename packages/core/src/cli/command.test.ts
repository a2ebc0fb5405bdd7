import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError, type FlagSpec } from './args.js';
import { defineCli, isEntryModule, runMain, startCommand, type CliIo } from './command.js';
import { COMMON_FLAGS, readCommonFlags } from './common-flags.js';
import { emitSummary, type RunSummary } from './summary.js';

/** Captures what a CLI writes on each stream. */
function capture(): { out: string[]; err: string[]; io: CliIo } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => void out.push(l), err: (l) => void err.push(l) } };
}

const TRAIN_SPEC = { ...COMMON_FLAGS, method: { type: 'string' } } satisfies FlagSpec;
const TRAIN_HELP = 'demo train — train something';

const cli = defineCli({
  tool: 'demo',
  version: '1.2.3',
  summary: 'a demo tool',
  commands: {
    train: {
      summary: 'train a model',
      async run(argv, io) {
        const ctx = startCommand(argv, TRAIN_SPEC, TRAIN_HELP, io);
        if (!ctx) return 0;
        const common = readCommonFlags(ctx.values, { epochs: 1, batchSize: 4, lr: 0.1 });
        ctx.log(`training ${common.epochs} epochs`);
        const summary: RunSummary = {
          method: 'simclr',
          domain: 'test',
          seed: common.seed,
          epochs: common.epochs,
          steps: 2,
          seconds: 0.1,
          trainSeconds: 0.1,
          backend: 'cpu',
          out: 'runs/x',
          finalLoss: 1.5,
          metrics: { knnAccuracy: 0.5 },
          baselines: {},
        };
        emitSummary(summary, io, { json: ctx.json });
        return 0;
      },
    },
    usage: {
      summary: 'always a usage error',
      run: async () => {
        throw new UsageError('--data is required');
      },
    },
    crash: {
      summary: 'always fails',
      run: async () => {
        throw new Error('disk full');
      },
    },
  },
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('defineCli', () => {
  it('without a command prints the main help on stderr and exits 2', async () => {
    const c = capture();
    expect(await cli([], c.io)).toBe(2);
    expect(c.out).toEqual([]);
    expect(c.err.join('\n')).toMatch(/^demo — a demo tool[\s\S]*train\s+train a model[\s\S]*crash\s+always fails/);
  });

  it.each([['--help'], ['-h'], ['help']])('%s prints the main help on stdout and exits 0', async (flag) => {
    const c = capture();
    expect(await cli([flag], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/^demo — a demo tool/);
    expect(c.err).toEqual([]);
  });

  it("'help <command>' and '<command> --help' print the command's help, exit 0", async () => {
    for (const argv of [
      ['help', 'train'],
      ['train', '--help'],
      ['train', '--bogus', '-h'],
    ]) {
      const c = capture();
      expect(await cli(argv, c.io)).toBe(0);
      expect(c.out).toEqual([TRAIN_HELP]);
    }
  });

  it('--version prints the version, exit 0', async () => {
    const c = capture();
    expect(await cli(['--version'], c.io)).toBe(0);
    expect(c.out).toEqual(['1.2.3']);
  });

  it('an unknown command is a usage error listing the valid ones', async () => {
    const c = capture();
    expect(await cli(['trian'], c.io)).toBe(2);
    expect(c.out).toEqual([]);
    expect(c.err).toEqual(["demo: unknown command 'trian' (expected one of 'train', 'usage', 'crash')", "Run 'demo --help' for usage."]);
  });

  it("a UsageError prints the message and the command's --help hint on stderr, exit 2", async () => {
    const c = capture();
    expect(await cli(['usage'], c.io)).toBe(2);
    expect(c.err).toEqual(['demo: --data is required', "Run 'demo usage --help' for usage."]);
    const d = capture();
    expect(await cli(['train', '--epochs', '0'], d.io)).toBe(2);
    expect(d.err[0]).toBe("demo: --epochs must be an integer >= 1, got '0'");
    const e = capture();
    expect(await cli(['train', '--epoch', '2'], e.io)).toBe(2);
    expect(e.err[0]).toBe("demo: Unknown option '--epoch' (did you mean --epochs?)");
  });

  it('another error prints the message on stderr, exit 1; the stack only with CONTRASTIVE_DEBUG=1', async () => {
    vi.stubEnv('CONTRASTIVE_DEBUG', '');
    const c = capture();
    expect(await cli(['crash'], c.io)).toBe(1);
    expect(c.err).toEqual(['demo: disk full']);
    expect(c.out).toEqual([]);
    vi.stubEnv('CONTRASTIVE_DEBUG', '1');
    const d = capture();
    expect(await cli(['crash'], d.io)).toBe(1);
    expect(d.err[0]).toBe('demo: disk full');
    expect(d.err[1]).toMatch(/^Error: disk full\n\s+at /);
  });

  it('with --json, stdout carries only the JSON summary; logs go to stderr', async () => {
    const c = capture();
    expect(await cli(['train', '--epochs', '2', '--json'], c.io)).toBe(0);
    expect(c.out).toHaveLength(1);
    expect(JSON.parse(c.out[0]!)).toMatchObject({ method: 'simclr', epochs: 2, metrics: { knnAccuracy: 0.5 } });
    expect(c.err).toEqual(['training 2 epochs']);
  });

  it('without --json, logs still go to stderr and the readable report to stdout', async () => {
    const c = capture();
    expect(await cli(['train'], c.io)).toBe(0);
    expect(c.err).toEqual(['training 1 epochs']);
    expect(c.out[0]).toMatch(/^simclr \(test\): 1 epochs/);
    expect(c.out.join('\n')).not.toContain('training 1 epochs');
  });
});

describe('startCommand', () => {
  it('reads --json and --no-progress, and adds --help when the spec lacks it', () => {
    const c = capture();
    const ctx = startCommand(['--json', '--no-progress'], { json: { type: 'boolean' }, 'no-progress': { type: 'boolean' } }, 'H', c.io)!;
    expect(ctx).toMatchObject({ json: true, progress: false });
    expect(typeof ctx.started).toBe('number');
    ctx.log('x');
    expect(c.err).toEqual(['x']);
    expect(startCommand(['-h'], {}, 'H', c.io)).toBeNull();
    expect(c.out).toEqual(['H']);
    // After '--' a '--help' is not a request for help (and is refused: no positionals).
    expect(() => startCommand(['--', '--help'], {}, 'H', c.io)).toThrow(UsageError);
  });
});

describe('isEntryModule and runMain', () => {
  let root: string;
  const argv1 = process.argv[1];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'core-cli-entry-'));
  });
  afterAll(async () => {
    process.argv[1] = argv1!;
    await rm(root, { recursive: true, force: true });
  });

  it('recognises the entry script directly and through a bin symlink', async () => {
    const main = join(root, 'main.js');
    const other = join(root, 'other.js');
    await writeFile(main, '');
    await writeFile(other, '');
    await symlink(main, join(root, 'bin-link'));
    const url = pathToFileURL(main).href;
    process.argv[1] = main;
    expect(isEntryModule(url)).toBe(true);
    process.argv[1] = join(root, 'bin-link');
    expect(isEntryModule(url)).toBe(true);
    process.argv[1] = other;
    expect(isEntryModule(url)).toBe(false);
    process.argv[1] = join(root, 'missing.js');
    expect(isEntryModule(url)).toBe(false);
  });

  it('runMain sets process.exitCode from the CLI', async () => {
    const before = process.exitCode;
    try {
      await runMain(async (argv) => (argv[0] === 'x' ? 3 : 0), ['x']);
      expect(process.exitCode).toBe(3);
    } finally {
      process.exitCode = before;
    }
  });
});
