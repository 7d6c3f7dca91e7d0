/**
 * Reader of the netfilter project's extension test cases as flattened in
 * `../shared/netfilter-corpus/t-cases.jsonl` (one record per `.t` line; see
 * that folder's INDEX.md). Shared by the kernel-fixture generator and the
 * conformance tests; the corpus itself is never copied into the repository.
 */
import { readFileSync } from 'node:fs';

export interface TCase {
  file: string;
  line: number;
  /** `external-command` for `@cmd` / `%cmd` lines. */
  kind?: string;
  families?: string[];
  table?: string;
  chains?: string[];
  /** Rule spec after `-A CHAIN`. */
  input?: string;
  /** Exact iptables-save text after `-A CHAIN `; null when not given. */
  expected_save?: string | null;
  result?: string;
  variant?: string;
  alt_result?: string;
}

export function readTCases(jsonlPath: string): TCase[] {
  return readFileSync(jsonlPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TCase);
}
