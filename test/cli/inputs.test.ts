import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA, REPO, runCli, runJson } from './run-cli.js';

const UNDEFINED_JUMP = `${DATA}/undefined-jump.rules`;
const MINIMAL = `${DATA}/minimal.rules`;

describe('inputs', () => {
  it('reads stdin when no file is given, and for -', () => {
    const dump = readFileSync(`${REPO}/${UNDEFINED_JUMP}`, 'utf8');
    for (const args of [['check'], ['check', '-']]) {
      const result = runCli(args, { stdin: dump });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^<stdin>:6:15 {2}error {2}.*undefined-jump-target$/m);
    }
  });

  it('checks several files in one run, in the order given', () => {
    const { json, code } = runJson(['check', UNDEFINED_JUMP, MINIMAL, '-'], { stdin: readFileSync(`${REPO}/${MINIMAL}`) });
    expect(code).toBe(1);
    expect(json.files.map((file) => file.file)).toEqual([UNDEFINED_JUMP, MINIMAL, '<stdin>']);
  });

  it('takes file names that start with - after --', () => {
    const { json } = runJson(['check', '--', '-dash.rules'], { cwd: `${REPO}${DATA}/dash` });
    expect(json.files).toEqual([expect.objectContaining({ file: '-dash.rules', status: 'checked' })]);
  });

  it('checks a file named twice once', () => {
    const { json } = runJson(['check', UNDEFINED_JUMP, `./${UNDEFINED_JUMP}`]);
    expect(json.files).toHaveLength(1);
  });

  it('expands quoted glob patterns itself: *, ?, [..] and **', () => {
    const files = (pattern: string): string[] => runJson(['check', pattern]).json.files.map((file) => file.file);
    const globs = `${DATA}/globs`;
    expect(files(`${globs}/*.rules`)).toEqual([`${globs}/one.rules`]);
    expect(files(`${globs}/**/*.rules`)).toEqual([`${globs}/a/b/three.rules`, `${globs}/a/two.rules`, `${globs}/one.rules`]);
    expect(files(`${globs}/a/t?o.rules`)).toEqual([`${globs}/a/two.rules`]);
    expect(files(`${globs}/[ox]ne.rules`)).toEqual([`${globs}/one.rules`]);
    expect(files(`${globs}/.*.rules`)).toEqual([`${globs}/.hidden.rules`]);
    expect(files(`${globs}/a/**`)).toEqual([`${globs}/a/b/three.rules`, `${globs}/a/two.rules`]);
  });

  it('treats an existing file name with glob characters literally', () => {
    const result = runJson(['check', `${DATA}/odd[name].rules`]);
    expect(result.json.files.map((file) => file.file)).toEqual([`${DATA}/odd[name].rules`]);
  });

  it('fails with exit 2 when a pattern matches nothing', () => {
    const result = runCli(['check', `${DATA}/globs/*.nothing`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `iptlint: no files match '${DATA}/globs/*.nothing'\nhint: check the pattern; iptlint expands *, ?, [..] and ** itself\n`,
    );
  });
});
