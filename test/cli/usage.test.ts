import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { DATA, REPO, runCli, STACK_FRAME } from './run-cli.js';
import { readFileSync } from 'node:fs';

const version = (JSON.parse(readFileSync(`${REPO}/package.json`, 'utf8')) as { version: string }).version;

describe('help and version', () => {
  it('--version prints the package version', () => {
    expect(runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the commands, examples and exit codes', () => {
    const result = runCli(['--help']);
    expect(result.code).toBe(0);
    for (const text of ['iptlint check [files..]', 'iptlint fmt [file]', 'iptlint rules', 'Examples:', 'Exit codes:']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('check --help documents every option', () => {
    const result = runCli(['check', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--format', '--fail-on', '--color', '--quiet', '--table', '--input-format', '--family']) {
      expect(result.stdout).toContain(option);
    }
  });
});

describe('usage errors', () => {
  it.each([
    [[], 'missing command'],
    [['lint', 'x.rules'], "unknown command 'lint'"],
    [['check', '--format', 'xml'], 'invalid value "xml" for --format: expected one of "stylish", "json"'],
    [['check', '--input-format', 'nft'], 'invalid value "nft" for --input-format'],
    [['check', '--family', 'ipv5'], 'invalid value "ipv5" for --family'],
    [['check', '--frobnicate'], 'Unknown argument: frobnicate'],
    [['fmt', 'a', 'b'], 'Unknown argument: b'],
    [['fmt', 'a', '-'], 'Unknown argument: -'],
    [['fmt', 'a', '--', 'b'], 'fmt takes one file, got 2'],
  ])('iptlint %j → %s', (args, reason) => {
    const result = runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toContain(`iptlint: ${reason}`);
    expect(result.stderr).toMatch(/^iptlint: [^\n]+\nhint: [^\n]+\n$/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('a file given without a command gets a hint to use check', () => {
    expect(runCli([`${DATA}/minimal.rules`]).stderr).toContain(`run 'iptlint check ${DATA}/minimal.rules'`);
  });
});

describe('internal errors', () => {
  function fakeIo(overrides: Partial<CliIo>): CliIo & { err: string } {
    const io = {
      err: '',
      stdout: () => {},
      stderr: (text: string) => {
        io.err += text;
      },
      stdinChunks: () => [],
      stdinIsTTY: false,
      cwd: REPO,
      colorByDefault: false,
      ...overrides,
    };
    return io;
  }

  it('an unexpected exception becomes one "internal error" line and exit 2, without a stack trace', async () => {
    const io = fakeIo({
      stdout: () => {
        throw new TypeError('boom \x1b[31m');
      },
    });
    expect(await main(['check', `${DATA}/minimal.rules`], io)).toBe(2);
    expect(io.err).toBe('iptlint: internal error: boom \\x1b[31m, please report\n');
  });

  it('also when reading stdin fails', async () => {
    const io = fakeIo({
      stdinChunks: async function* () {
        yield new TextEncoder().encode('*filter\n');
        throw new Error('EIO');
      },
    });
    expect(await main(['check', '-'], io)).toBe(2);
    expect(io.err).toMatch(/^iptlint: cannot read '<stdin>': EIO\nhint: /);
  });

  it('refuses to wait on a terminal for stdin', async () => {
    const io = fakeIo({ stdinIsTTY: true });
    expect(await main(['check'], io)).toBe(2);
    expect(io.err).toMatch(/^iptlint: no input: stdin is a terminal\nhint: /);
  });
});
