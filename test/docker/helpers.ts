/**
 * Test helpers for the Docker audit: the shared listings (read in place from
 * ../shared, never copied), hand edits that must hit a real line, and a lint
 * run with only the Docker rules.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkText } from '../../src/engine/lint.js';
import type { Finding, LintInputs } from '../../src/engine/types.js';
import type { Model } from '../../src/model/types.js';
import type { Family } from '../../grammar/ast.js';
import { dockerRules } from '../../rules/docker-index.js';
import type { DockerGeneration, DockerInputs, G3Variant } from '../../src/docker/types.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const SHARED_DOCKER_RULES = resolve(REPO_ROOT, '..', 'shared', 'docker-rules');
export const LAB_FIXTURES = join(REPO_ROOT, 'fixtures', 'docker');

/**
 * Whether the shared data is here. Absent: tests skip loudly, except on CI,
 * where its absence is a failure.
 */
export function sharedDataAvailable(what: string): boolean {
  if (existsSync(SHARED_DOCKER_RULES)) return true;
  if (process.env['CI']) throw new Error(`${SHARED_DOCKER_RULES} is missing on CI: ${what} cannot run`);
  console.warn(`SKIPPED: ${what} — ${SHARED_DOCKER_RULES} is not present`);
  return false;
}

export interface Listing {
  name: string;
  path: string;
  family: Family;
  /** What the file name says the listing is. */
  generation: DockerGeneration;
  variant?: G3Variant;
}

function generationFromName(name: string): Pick<Listing, 'generation' | 'variant'> {
  if (name.startsWith('g1a_')) return { generation: 'G1a' };
  if (name.startsWith('g1b_')) return { generation: 'G1b' };
  if (name.startsWith('g2_')) return { generation: 'G2' };
  if (name.startsWith('v28.0.0__')) return { generation: 'G3', variant: '28.0.0' };
  if (name.startsWith('v28.')) return { generation: 'G3' };
  if (name.startsWith('v29.')) return { generation: 'G4' };
  throw new Error(`cannot tell the generation of listing ${name}`);
}

export function listings(): Listing[] {
  const found: Listing[] = [];
  for (const dir of ['iptablesdoc', 'reconstructed']) {
    for (const name of readdirSync(join(SHARED_DOCKER_RULES, dir)).sort()) {
      if (!name.endsWith('.txt')) continue;
      found.push({ name: `${dir}/${name}`, path: join(SHARED_DOCKER_RULES, dir, name), family: name.includes('ip6tables') ? 'ipv6' : 'ipv4', ...generationFromName(name) });
    }
  }
  return found;
}

export function goldenFiles(): { name: string; path: string; family: Family }[] {
  const dir = join(SHARED_DOCKER_RULES, 'iptabler-golden-v29');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.golden'))
    .sort()
    .map((name) => ({ name, path: join(dir, name), family: name.includes('ip6tables') ? 'ipv6' as const : 'ipv4' as const }));
}

/**
 * The routed-mode iptablesdoc files repeat the filter DOCKER chain as an
 * `iptables -S DOCKER` excerpt under `# table: filter (excerpt…)`; replaying
 * it would declare the chain twice, so the excerpt is dropped.
 */
export function readListing(path: string): string {
  const out: string[] = [];
  let inExcerpt = false;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('# table:')) inExcerpt = line.includes('excerpt');
    if (!inExcerpt) out.push(line);
  }
  return out.join('\n');
}

export type Edit = { remove: string } | { replace: string; with: string } | { append: string; after: string };

/** Applies hand edits; each must hit exactly one whole line, so a changed data file fails the test loudly. */
export function edit(text: string, ...edits: Edit[]): string {
  let lines = text.split('\n');
  for (const change of edits) {
    const target = 'remove' in change ? change.remove : 'replace' in change ? change.replace : change.after;
    const hits = lines.filter((line) => line === target).length;
    if (hits !== 1) throw new Error(`edit target found ${hits} times: ${target}`);
    if ('remove' in change) lines = lines.filter((line) => line !== change.remove);
    else if ('replace' in change) lines = lines.map((line) => (line === change.replace ? change.with : line));
    else lines.splice(lines.indexOf(change.after) + 1, 0, change.append);
  }
  return lines.join('\n');
}

export interface DockerLint {
  findings: Finding[];
  model: Model;
}

export function lintDocker(text: string, options: { file?: string; family?: Family; docker?: DockerInputs } = {}): DockerLint {
  const inputs: LintInputs = options.docker ? { docker: options.docker } : {};
  const { findings, model } = checkText(text, {
    file: options.file ?? 'dump.rules',
    rules: dockerRules,
    inputs,
    ...(options.family ? { family: options.family } : {}),
  });
  return { findings: findings.filter((finding) => finding.category === 'docker' || finding.category === 'security' || finding.category === 'internal'), model };
}

/** Drift = Docker rules that disagree with the expected state (category `docker`), plus crashes. */
export function driftFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.category === 'docker' || finding.category === 'internal');
}

export function describeFindings(findings: readonly Finding[]): string[] {
  return findings.map((finding) => `${finding.span.line}:${finding.span.column} ${finding.ruleId}: ${finding.message}`);
}

export function only(findings: readonly Finding[], ruleId: string): Finding[] {
  return findings.filter((finding) => finding.ruleId === ruleId);
}
