/**
 * --max-input-size: a dump or Docker state file larger than the limit is
 * refused with a clear, located message before it is read whole — by size
 * for a regular file (a sparse 4 GiB file is refused at once), by counting
 * for a stream (/dev/zero, stdin) — and the run exits 2 without a stack trace.
 */
import { closeSync, mkdtempSync, openSync, rmSync, ftruncateSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_INPUT_BYTES, MAX_INPUT_BYTES_CEILING, parseByteSize } from '../../src/input-limit.js';
import { REPO, runCli, runMain, STACK_FRAME } from '../cli/run-cli.js';

const DUMP = 'fixtures/docker/multi-network/iptables.rules';
const NETWORKS = 'fixtures/docker/multi-network/networks.json';
const GIB = 2 ** 30;

let scratch: string;
let huge: string;

beforeAll(async () => {
  // Loads the check command and the rules once, so the timing below is about the input.
  await runMain(['check', DUMP]);
  scratch = mkdtempSync(join(tmpdir(), 'iptlint-size-'));
  huge = join(scratch, 'huge.rules');
  // Sparse: 4 GiB long, no disk used; reading it would take minutes and all memory.
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 4 * GIB);
  closeSync(fd);
}, 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('parseByteSize', () => {
  it('reads sizes with binary units, and refuses what is not a size', () => {
    expect(parseByteSize('100')).toBe(100);
    expect(parseByteSize('64KiB')).toBe(64 * 1024);
    expect(parseByteSize('512M')).toBe(512 * 2 ** 20);
    expect(parseByteSize('1.5g')).toBe(1.5 * GIB);
    expect(parseByteSize('2 GB')).toBe(2 * GIB);
    for (const bad of ['', 'abc', '-1', '0', '1e9', '10 parsecs', '1..2M']) expect(parseByteSize(bad)).toBeUndefined();
  });
});

describe('--max-input-size', () => {
  it('refuses a 4 GiB dump by its size, at once, with the default limit', async () => {
    const started = performance.now();
    const result = await runMain(['check', huge]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`iptlint: cannot read '${huge}': larger than the input size limit of 128 MiB (it has 4 GiB)`);
    expect(result.stderr).toMatch(/^hint: pass a larger --max-input-size/m);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(128 * 2 ** 20);
  });

  it('applies to every command that reads a dump', async () => {
    for (const argv of [['fmt', huge], ['trace', huge, '--src', '10.0.0.1', '--dst', '10.0.0.2'], ['reach', huge]]) {
      const result = await runMain(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toContain('larger than the input size limit of 128 MiB');
    }
  });

  it('refuses a real dump above a smaller limit, and reads it below', async () => {
    const size = readFileSync(join(REPO, DUMP)).length;
    const refused = await runMain(['check', '--max-input-size', String(size - 1), DUMP]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`larger than the input size limit of ${((size - 1) / 1024).toFixed(1)} KiB`);
    const read = await runMain(['check', '--max-input-size', String(size), DUMP]);
    expect(read.stderr).toBe('');
    expect(read.code).not.toBe(2);
  });

  it('counts a stream without a size: /dev/zero is cut off at the limit', async () => {
    const result = await runMain(['check', '--max-input-size', '1MiB', '/dev/zero']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read '/dev/zero': larger than the input size limit of 1 MiB\n");
  });

  it('counts stdin in the real process', () => {
    const result = runCli(['check', '--max-input-size', '4K', '-'], { stdin: 'x'.repeat(10_000) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read '<stdin>': larger than the input size limit of 4 KiB");
    expect(result.stderr).not.toMatch(STACK_FRAME);
    const batch = runCli(['trace', DUMP, '--batch', '--max-input-size', '5K'], { stdin: `${JSON.stringify({ src: '10.0.0.1', dst: '10.0.0.2' })}\n`.repeat(200) });
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain('the --batch packets on stdin are larger than the input size limit of 5 KiB');
  });

  it('applies to Docker state files, located by file name', async () => {
    const big = await runMain(['check', DUMP, '--docker-networks', huge]);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(`iptlint: ${huge}: larger than the input size limit of 128 MiB (it has 4 GiB)`);
    const small = await runMain(['check', DUMP, '--docker-networks', NETWORKS, '--max-input-size', '100']);
    expect(small.code).toBe(2);
    expect(small.stderr).toContain(`${NETWORKS}: larger than the input size limit of 100 bytes`);
    expect(small.stderr).not.toMatch(STACK_FRAME);
  });

  it('refuses a limit that is not a size, or that no string could hold', async () => {
    const bad = await runMain(['check', '--max-input-size', 'lots', DUMP]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("iptlint: invalid --max-input-size 'lots'\nhint: give a size such as 64MiB, 512M, 1G or a number of bytes\n");
    const above = await runMain(['check', '--max-input-size', '4G', DUMP]);
    expect(above.code).toBe(2);
    expect(above.stderr).toContain('is above what iptlint can read');
    expect(MAX_INPUT_BYTES_CEILING).toBeLessThan(2 ** 29);
  });
});
