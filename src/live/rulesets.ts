/**
 * The host's live rulesets: every save program of both families is run,
 * and each backend that holds tables becomes one dump to lint. Rules in
 * both the legacy and the nft backend of one family are reported: the
 * kernel runs both sets, while `iptables` (and Docker) see only one.
 */
import type { Family, Span } from '../../grammar/ast.js';
import type { Finding } from '../engine/types.js';
import { findSaveCommands, liveFileName, runSave, type Backend, type SaveLimits, type SaveResult } from './save-commands.js';

export interface LiveDump {
  file: string;
  family: Family;
  backend: Backend;
  bytes: Uint8Array;
  /** False when the backend has no table at all (an empty ruleset). */
  holdsTables: boolean;
  /** Findings about the host rather than the dump's text (rules in both backends). */
  hostFindings: Finding[];
}

export interface LiveRulesets {
  dumps: LiveDump[];
  /** Programs that failed: shown as unreadable inputs. */
  failures: { file: string; error: string; hint: string }[];
  /** What was run and what it showed, for --verbose and notes. */
  log: string[];
  missing: Family[];
}

export const BOTH_BACKENDS_RULE = 'live/both-backends';

const TABLE_LINE = /^\*(\S+)/gm;

function tablesIn(text: string): string[] {
  return [...text.matchAll(TABLE_LINE)].map((match) => match[1] ?? '');
}

function firstTableSpan(text: string): Span {
  const offset = text.search(/^\*/m);
  const start = Math.max(offset, 0);
  const line = text.slice(0, start).split('\n').length;
  const end = text.indexOf('\n', start);
  const length = (end === -1 ? text.length : end) - start;
  return { line, column: 1, endLine: line, endColumn: length + 1, offset: start };
}

function bothBackendsFinding(legacy: LiveDump, legacyText: string, nft: LiveDump, nftText: string): Finding {
  const save = legacy.family === 'ipv4' ? 'iptables' : 'ip6tables';
  return {
    ruleId: BOTH_BACKENDS_RULE,
    severity: 'warning',
    category: 'security',
    message:
      `rules found in both legacy and nft backends: ${save}-legacy-save shows table(s) ${tablesIn(legacyText).join(', ')} and ` +
      `${save}-nft-save shows ${tablesIn(nftText).join(', ')} (${nft.file}); the kernel applies both rulesets, a packet must pass both, ` +
      `but \`${save}\` and Docker read and write only one of them, so each set hides half of the firewall`,
    fix: `keep one backend: move the wanted rules into the one \`${save}\` uses (\`${save} --version\` names it), then flush and delete the other's tables (e.g. \`${save}-legacy -t filter -F\`, \`-X\`)`,
    file: legacy.file,
    span: firstTableSpan(legacyText),
  };
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export async function readLiveRulesets(pathVar: string, limits: SaveLimits): Promise<LiveRulesets> {
  const { commands, missing } = findSaveCommands(pathVar);
  const results: SaveResult[] = [];
  // One at a time: the programs take the xtables lock, and order keeps the log stable.
  for (const command of commands) results.push(await runSave(command, pathVar, limits));

  const log: string[] = [];
  const dumps: LiveDump[] = [];
  const failures: LiveRulesets['failures'] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const ofFamily = results.filter((result) => result.command.family === family);
    const read: { dump: LiveDump; text: string }[] = [];
    for (const result of ofFamily) {
      const file = liveFileName(family, result.command.backend);
      if (!result.ok) {
        failures.push({ file, error: result.error, hint: result.hint });
        log.push(`${result.command.path}: failed: ${result.error}`);
        continue;
      }
      const text = decoder.decode(result.stdout);
      const tables = tablesIn(text);
      log.push(`${result.command.path}: ${tables.length === 0 ? 'no tables' : `tables ${tables.join(', ')}`}${result.stderr ? ` (stderr: ${result.stderr.split('\n')[0]})` : ''}`);
      read.push({ dump: { file, family, backend: result.command.backend, bytes: result.stdout, holdsTables: tables.length > 0, hostFindings: [] }, text });
    }
    const holding = read.filter((entry) => entry.dump.holdsTables);
    // A family without tables anywhere is still reported (as an empty ruleset) so the scan shows it looked.
    const chosen = holding.length > 0 ? holding : read.slice(0, 1);
    const legacy = holding.find((entry) => entry.dump.backend === 'legacy');
    const nft = holding.find((entry) => entry.dump.backend === 'nft');
    if (legacy && nft) legacy.dump.hostFindings.push(bothBackendsFinding(legacy.dump, legacy.text, nft.dump, nft.text));
    dumps.push(...chosen.map((entry) => entry.dump));
  }
  return { dumps, failures, log, missing };
}
