/**
 * A plain check loads neither ajv nor yaml (about 200 ms of every start
 * together): they load when a config, policy, baseline or YAML file needs
 * them. A Docker audit does not build the yargs parser (about 150 ms). The CLI runs in a fresh node, and the CommonJS module cache says
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

  // yargs is ESM and not in the CommonJS cache; get-caller-file, which only yargs uses, is.
  it('a Docker audit reads its arguments without yargs; an option the fast reader does not know loads it', () => {
    const audit = ['check', 'examples/docker-host.rules', '--docker-networks', 'examples/docker-host.networks.json', '--docker-containers', 'examples/docker-host.containers.json'];
    expect(packagesLoadedBy([...audit, '--verbose', '--timing'])).not.toContain('get-caller-file');
    expect(packagesLoadedBy([...audit, '--table', 'filter'])).toContain('get-caller-file');
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
