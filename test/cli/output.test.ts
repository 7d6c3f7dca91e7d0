import { describe, expect, it } from 'vitest';
import { DATA, runCli } from './run-cli.js';
import { compileSchema } from './schemas.js';

const UNDEFINED_JUMP = `${DATA}/undefined-jump.rules`;
const ESC = '\x1b';

describe('stylish output', () => {
  it('shows path:line:col, severity, message and rule id, the source line, and a caret under the target', () => {
    const { stdout } = runCli(['check', UNDEFINED_JUMP]);
    const lines = stdout.split('\n');
    const head = lines.findIndex((line) => line.includes('undefined-jump-target'));
    expect(lines[head]).toMatch(/^test\/cli\/data\/undefined-jump\.rules:6:15 {2}error {2}.*DOCKER-USR.* {2}undefined-jump-target$/);
    expect(lines[head + 1]).toBe('  |');
    expect(lines[head + 2]).toBe('6 | -A FORWARD -j DOCKER-USR');
    expect(lines[head + 3]).toBe(`  |${' '.repeat(15)}^${'~'.repeat('DOCKER-USR'.length - 1)}`);
    expect(lines[head + 4]).toMatch(/^ {2}= fix: .*DOCKER-USER/);
    expect(lines.at(-2)).toMatch(/^✖ \d+ problems? \(\d+ errors?, \d+ warnings?, \d+ info\)$/);
  });
});

describe('json output', () => {
  const validate = compileSchema('findings.schema.json');

  it.each([
    ['one file with findings', ['check', UNDEFINED_JUMP]],
    ['syntax errors', ['check', `${DATA}/syntax-and-lint.rules`]],
    ['several files and an unreadable one', ['check', UNDEFINED_JUMP, `${DATA}/minimal.rules`, `${DATA}/missing.rules`]],
    ['no findings', ['check', '--quiet', `${DATA}/minimal.rules`]],
  ])('validates against schemas/findings.schema.json: %s', (_name, args) => {
    const result = runCli([...args, '--format', 'json']);
    const doc: unknown = JSON.parse(result.stdout);
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('reports the finding with its position and fix', () => {
    const doc = JSON.parse(runCli(['check', UNDEFINED_JUMP, '--format', 'json']).stdout);
    expect(doc.tool.name).toBe('iptlint');
    expect(doc.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'undefined-jump-target', severity: 'error', file: UNDEFINED_JUMP, line: 6, column: 15, endLine: 6, endColumn: 25, fix: expect.stringContaining('DOCKER-USER') }),
    );
  });
});

describe('colour', () => {
  const hasColour = (env: Record<string, string>, extra: string[] = []): boolean =>
    runCli(['check', UNDEFINED_JUMP, ...extra], { env }).stdout.includes(ESC);

  it('is off when stdout is not a terminal', () => {
    expect(hasColour({})).toBe(false);
  });

  it('is on with FORCE_COLOR or --color', () => {
    expect(hasColour({ FORCE_COLOR: '1' })).toBe(true);
    expect(hasColour({}, ['--color'])).toBe(true);
  });

  it('is off with --no-color or NO_COLOR, even when forced', () => {
    expect(hasColour({ FORCE_COLOR: '1' }, ['--no-color'])).toBe(false);
    expect(hasColour({ NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(hasColour({ FORCE_COLOR: '0' })).toBe(false);
  });

  it('never colours JSON', () => {
    expect(runCli(['check', UNDEFINED_JUMP, '--format', 'json', '--color']).stdout).not.toContain(ESC);
  });
});
