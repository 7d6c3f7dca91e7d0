/**
 * The bulk fixture: every OK rule of the netfilter extension tests
 * (`t-cases.jsonl`, one record per `.t` line) for one family, appended one at
 * a time to a namespace so that the kernel decides which ones it takes. The
 * namespace then holds all accepted rules together and its dump exercises
 * nearly every extension's save() output.
 */
import { basename } from 'node:path';
import type { Family } from '../../grammar/ast.js';
import { readTCases, type TCase } from '../lib/t-cases.js';
import type { Backend } from './manifest.js';
import { describeFailure, runIn, toolName } from './netns.js';

/** Tables the bulk fixture covers (security and the eb/arp tables are left out). */
const TABLES = new Set(['filter', 'nat', 'mangle', 'raw']);

export interface Candidate {
  /** `libxt_tcp.t:12` */
  origin: string;
  table: string;
  chain: string;
  rule: string;
}

/** `parse`: iptables-restore --test refuses the line; `kernel`: only the commit fails. */
export type RefusalStage = 'parse' | 'kernel';

export interface Refusal extends Candidate {
  stage: RefusalStage;
  message: string;
}

export interface BulkLoad {
  accepted: Candidate[];
  refused: Refusal[];
}

function toCandidate(record: TCase, family: Family): Candidate | undefined {
  const { table, input } = record;
  const chain = record.chains?.[0];
  if (record.kind !== undefined || record.result !== 'OK' || record.families?.includes(family) !== true) return undefined;
  if (table === undefined || !TABLES.has(table) || chain === undefined || input === undefined || input.trim() === '') return undefined;
  return { origin: `${basename(record.file)}:${record.line}`, table, chain, rule: input };
}

/** The OK rules for `family`, in corpus order; each goes into the first chain its test names. */
export function readCandidates(jsonlPath: string, family: Family): Candidate[] {
  return readTCases(jsonlPath)
    .map((record) => toCandidate(record, family))
    .filter((candidate): candidate is Candidate => candidate !== undefined);
}

function restoreInput(candidate: Candidate): string {
  return `*${candidate.table}\n-A ${candidate.chain} ${candidate.rule}\nCOMMIT\n`;
}

/** The tool's error output on one line (nft puts the reason on a second line). */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Try `'))
    .join(' / ');
}

/**
 * Appends each candidate to what the namespace already holds (`--noflush`).
 * A refused candidate is retried with `--test` to tell a parse error of this
 * iptables release from a refusal by the kernel.
 */
export async function loadCandidates(
  ns: string,
  family: Family,
  backend: Backend,
  candidates: readonly Candidate[],
): Promise<BulkLoad> {
  const restore = toolName(family, backend, 'restore');
  const outcome: BulkLoad = { accepted: [], refused: [] };
  for (const candidate of candidates) {
    const input = restoreInput(candidate);
    const loaded = await runIn(ns, restore, ['--noflush'], input);
    if (loaded.status === null) throw new Error(describeFailure(`${restore} (${candidate.origin})`, loaded));
    if (loaded.status === 0) {
      outcome.accepted.push(candidate);
      continue;
    }
    const tested = await runIn(ns, restore, ['--noflush', '--test'], input);
    const stage: RefusalStage = tested.status === 0 ? 'kernel' : 'parse';
    outcome.refused.push({ ...candidate, stage, message: oneLine(loaded.stderr) });
  }
  return outcome;
}
