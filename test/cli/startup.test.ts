/**
 * A plain check loads neither ajv nor yaml (about 200 ms of every start
 * together): they load when a config, policy, baseline or YAML file needs
 * them. The CLI runs in a fresh node, and the CommonJS module cache says
 * what was loaded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './run-cli.js';

function packagesLoadedBy(args: readonly string[]): string[] {
  const script = `
    import { createRequire } from 'node:module';
    import { main } from './dist/cli/main.js';
    const quiet = () => undefined;
    await main(${JSON.stringify(args)}, { stdout: quiet, stderr: quiet, stdinChunks: () => [], stdinIsTTY: false, cwd: process.cwd(), colorByDefault: false });
    const loaded = Object.keys(createRequire(import.meta.url).cache).map((path) => /node_modules\\/([^/]+)\\//.exec(path)?.[1]).filter(Boolean);
    process.stdout.write(JSON.stringify([...new Set(loaded)].sort()));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as string[];
}

describe('start-up cost', () => {
  it('a plain check loads neither ajv nor yaml', () => {
    const loaded = packagesLoadedBy(['check', 'examples/docker-host.rules']);
    expect(loaded).not.toContain('ajv');
    expect(loaded).not.toContain('yaml');
  });

  it('a YAML policy loads yaml, and its validation ajv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iptlint-startup-'));
    try {
      const policy = join(dir, 'policy.yaml');
      writeFileSync(policy, 'version: 1\npublishedPorts:\n  - {port: 8080, protocol: tcp}\n');
      const loaded = packagesLoadedBy(['check', 'examples/docker-host.rules', '--policy', policy]);
      expect(loaded).toContain('yaml');
      expect(loaded).toContain('ajv');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
