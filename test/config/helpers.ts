import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runMain } from '../cli/run-cli.js';
import { scratchDir } from '../scratch.js';

export const EXAMPLE_DUMP = readFileSync(new URL('../../examples/docker-host.rules', import.meta.url), 'utf8');
export const EXAMPLE_NETWORKS = readFileSync(new URL('../../examples/docker-host.networks.json', import.meta.url), 'utf8');
export const EXAMPLE_CONTAINERS = readFileSync(new URL('../../examples/docker-host.containers.json', import.meta.url), 'utf8');

/** A fresh directory tree: file path (relative) → content. */
export function tree(files: Record<string, string>): string {
  const root = scratchDir('iptlint-config-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `iptlint ARGS` in this process, with `cwd` as the working directory. */
export function iptlint(cwd: string, args: readonly string[], stdin = ''): Promise<Run> {
  return runMain(args, stdin, cwd);
}

export interface JsonFinding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

/** `check --format json` → "line ruleId severity" per finding. */
export async function checkJson(cwd: string, args: readonly string[]): Promise<{ run: Run; findings: string[] }> {
  const run = await iptlint(cwd, ['check', '--format', 'json', ...args]);
  const parsed = JSON.parse(run.stdout) as { findings: JsonFinding[] };
  return { run, findings: parsed.findings.map((finding) => `${finding.line} ${finding.ruleId} ${finding.severity}`) };
}
