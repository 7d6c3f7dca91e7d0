import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputFileError, writeFileAtomic, type OutputFs } from '../../src/cli/output-file.js';
import { canDropRoot, REPO, runCli, STACK_FRAME } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'iptlint-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirCount = 0;
function freshDir(): string {
  const dir = join(root, `d${dirCount++}`);
  mkdirSync(dir);
  return dir;
}

/** The real file system, with one operation replaced. */
function failing(step: keyof OutputFs, error: NodeJS.ErrnoException): OutputFs {
  return { ...(fs as unknown as OutputFs), [step]: () => { throw error; } };
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('writeFileAtomic', () => {
  it('writes the text, keeps a replaced file\'s permissions and leaves no temporary file', () => {
    const dir = freshDir();
    const target = join(dir, 'report.sarif');
    writeFileAtomic(target, 'first\n');
    expect(readFileSync(target, 'utf8')).toBe('first\n');
    chmodSync(target, 0o600);
    writeFileAtomic('report.sarif', 'second ✓\n', { cwd: dir });
    expect(readFileSync(target, 'utf8')).toBe('second ✓\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['report.sarif']);
  });

  it.each([
    ['writeSync', 'ENOSPC', 'no space left on the device (ENOSPC)'],
    ['fsyncSync', 'EIO', 'input/output error (EIO)'],
    ['renameSync', 'EACCES', 'permission denied (EACCES)'],
    ['openSync', 'EROFS', 'the file system is read-only (EROFS)'],
  ] as const)('a failing %s (%s) leaves the previous file intact, removes the temporary file and says why', (step, code, reason) => {
    const dir = freshDir();
    const target = join(dir, 'findings.prom');
    writeFileSync(target, 'previous report\n');
    let thrown: unknown;
    try {
      writeFileAtomic(target, 'new report\n', { fs: failing(step, errno(code)) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OutputFileError);
    expect((thrown as OutputFileError).message).toBe(`cannot write ${target}: ${reason}`);
    expect((thrown as OutputFileError).hint).toContain('the previous file, if any, is unchanged');
    expect(readFileSync(target, 'utf8')).toBe('previous report\n');
    expect(readdirSync(dir)).toEqual(['findings.prom']);
  });

  it('leaves the previous file intact when the process is killed in the middle of writing', () => {
    const dir = freshDir();
    const target = join(dir, 'report.xml');
    writeFileSync(target, 'previous report\n');
    const module = fileURLToPath(new URL('../../src/cli/output-file.ts', import.meta.url));
    // The child writes half the report, then dies by SIGKILL before it could rename.
    const script = `
      import * as fs from 'node:fs';
      import { writeFileAtomic } from ${JSON.stringify(module)};
      const ops = { ...fs, writeSync: (fd, data, offset, length) => { fs.writeSync(fd, data, offset, length / 2); process.kill(process.pid, 'SIGKILL'); return 0; } };
      writeFileAtomic(${JSON.stringify(target)}, 'x'.repeat(1 << 20), { fs: ops });
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(readFileSync(target, 'utf8')).toBe('previous report\n');
    // The killed writer's half-written temporary file is all that is left besides it, never the report itself.
    const others = readdirSync(dir).filter((name) => name !== 'report.xml');
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(/^\.report\.xml\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(statSync(join(dir, others[0] ?? '')).size).toBe(1 << 19);
  });

  it('refuses a directory as target', () => {
    const dir = freshDir();
    expect(() => writeFileAtomic(dir, 'x')).toThrow(`cannot write ${dir}: it is a directory`);
  });
});

describe('check --output', () => {
  it('writes the report to the file, prints nothing on stdout and keeps the exit code of the findings', () => {
    const dir = freshDir();
    const result = runCli(['check', '--format', 'sarif', '--output', join(dir, 'iptlint.sarif'), 'examples/docker-host.rules']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const expected = runCli(['check', '--format', 'sarif', 'examples/docker-host.rules']).stdout;
    const written = readFileSync(join(dir, 'iptlint.sarif'), 'utf8');
    // Same report but for the scan time.
    expect(written.replace(/"endTimeUtc": "[^"]*"/, '')).toBe(expected.replace(/"endTimeUtc": "[^"]*"/, ''));
  });

  it('writes no colours into a file even with --color', () => {
    const dir = freshDir();
    runCli(['check', '--color', '-o', join(dir, 'out.txt'), 'examples/docker-host.rules']);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).not.toContain('\u001b[');
  });

  it('exits 2 with a clear error, and no stack trace, when the directory does not exist', () => {
    const target = join(root, 'missing-dir', 'out.sarif');
    const result = runCli(['check', '--format', 'sarif', '--output', target, 'examples/docker-host.rules']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `iptlint: cannot write ${target}: its directory does not exist (ENOENT)\nhint: create the directory first, or write to an existing one; the previous file, if any, is unchanged\n`,
    );
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it.runIf(canDropRoot())('exits 2 and leaves the previous report when the directory is not writable', () => {
    const dir = freshDir();
    const target = join(dir, 'report.prom');
    writeFileSync(target, 'previous report\n');
    chmodSync(target, 0o666);
    chmodSync(dir, 0o755);
    chmodSync(root, 0o755);
    const result = runCli(['check', '--format', 'prometheus', '--output', target, 'examples/docker-host.rules'], { dropRoot: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`iptlint: cannot write ${target}: permission denied (EACCES)`);
    expect(readFileSync(target, 'utf8')).toBe('previous report\n');
  });

  it('treats --output - as stdout and refuses an empty file name', () => {
    expect(runCli(['check', '--format', 'github', '--output', '-', 'examples/docker-host.rules']).stdout).toContain('::error file=examples/docker-host.rules');
    const empty = runCli(['check', '--output', '', 'examples/docker-host.rules']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe("iptlint: --output needs a file name\nhint: write e.g. --output iptlint.sarif, or leave --output out to print to stdout\n");
  });
});
