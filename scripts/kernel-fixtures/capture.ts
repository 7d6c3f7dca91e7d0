/**
 * Load a source ruleset into a namespace through one iptables backend and read
 * back what the kernel tools print: the iptables-save dump and, when asked
 * for, an `iptables -S` listing of every table in the dump.
 */
import { readFileSync } from 'node:fs';
import type { Family } from '../../grammar/ast.js';
import type { Backend, SourceRuleset } from './manifest.js';
import { runInChecked, toolName } from './netns.js';

export interface Capture {
  /** iptables-save output (stdout), byte for byte. */
  save: string;
  /** `# table: X` + `iptables -S -t X` per table of the dump; absent when the source asks for none. */
  list?: string;
  /** Anything the tools wrote to stderr (warnings), for the log. */
  warnings: string[];
}

/** Table names in the order the dump prints them (`*nat` → `nat`). */
function tablesOfDump(save: string): string[] {
  return save
    .split('\n')
    .filter((line) => line.startsWith('*'))
    .map((line) => line.slice(1));
}

/** `# table: X` blocks of `iptables -S -t X [-v]`, as in the shared docker-rules listings. */
async function listTables(
  ns: string,
  family: Family,
  backend: Backend,
  tables: readonly string[],
  withCounters: boolean,
): Promise<string> {
  const verbose = withCounters ? ['-v'] : [];
  let listing = '';
  for (const table of tables) {
    const { stdout } = await runInChecked(ns, toolName(family, backend, 'cli'), ['-t', table, '-S', ...verbose]);
    listing += `# table: ${table}\n${stdout}`;
  }
  return listing;
}

export async function loadIpsets(ns: string, source: SourceRuleset): Promise<void> {
  if (source.ipsetFile) await runInChecked(ns, 'ipset', ['restore'], readFileSync(source.ipsetFile, 'utf8'));
}

/** `--counters` for restore and save of sources that carry `[p:b]`. */
function countersOption(source: SourceRuleset): string[] {
  return source.counters ? ['--counters'] : [];
}

/** Restores `source` into `ns` (its ipsets must be loaded already); returns stderr warnings. */
export async function restoreSource(ns: string, source: SourceRuleset, backend: Backend): Promise<string[]> {
  const rules = readFileSync(source.rulesFile, 'utf8');
  const { stderr } = await runInChecked(ns, toolName(source.family, backend, 'restore'), countersOption(source), rules);
  return stderr === '' ? [] : [stderr];
}

/** Restores `source` into the fresh namespace `ns`, then saves and lists it. */
export async function captureSource(ns: string, source: SourceRuleset, backend: Backend): Promise<Capture> {
  await loadIpsets(ns, source);
  const warnings = await restoreSource(ns, source, backend);
  const saved = await runInChecked(ns, toolName(source.family, backend, 'save'), countersOption(source));
  if (saved.stderr !== '') warnings.push(saved.stderr);
  const capture: Capture = { save: saved.stdout, warnings };
  if (source.listing) {
    capture.list = await listTables(ns, source.family, backend, tablesOfDump(saved.stdout), source.counters);
  }
  return capture;
}
