/**
 * Stable identities for findings, so that a finding accepted in a baseline
 * (or an alert in code scanning) is recognised again after the dump changes
 * around it. A fingerprint ignores where the finding is (line numbers move)
 * and what Docker regenerates on its own (bridge ids, container addresses,
 * veth names, rule counters, the line and rule numbers a message cites); it
 * keeps what the finding is about (rule id, message, the rule's text).
 */
import { createHash } from 'node:crypto';
import type { Finding } from './types.js';
import { sourceLines } from './source-lines.js';

const VOLATILE: readonly [RegExp, string][] = [
  // Messages point at other lines ("after Docker's DNAT (line 63)"), which move with the finding.
  [/\blines? \d+\b/g, 'line <n>'],
  [/\[\d+:\d+\]/g, '[*]'],
  // Messages and fixes cite other lines and rule positions ("first at line 63", "rule 2 of chain X"): they move with every edit.
  [/\b(lines?|rules?) \d+(?:(?:[-–]| and |, )\d+)*\b/g, '$1 <n>'],
  [/\bbr-[0-9a-f]{12}\b/g, 'br-*'],
  [/\bveth[0-9a-f]{7}\b/g, 'veth*'],
  [/\b[0-9a-f]{64}\b|\b[0-9a-f]{12}\b/g, '<id>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?:\/32)?(?![\d/])/g, '<addr>'],
  [/(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:\/128)?(?![\w:/])/gi, '<addr6>'],
];

/** The finding's text with Docker's regenerated names and host addresses masked. */
export function normalizeForFingerprint(text: string): string {
  let normalized = text.trim();
  for (const [pattern, replacement] of VOLATILE) normalized = normalized.replace(pattern, replacement);
  return normalized;
}

/**
 * One fingerprint per finding of one file, in the order given: a hash of the
 * rule id, the normalized message and the normalized source line, followed by
 * `:N` when the same hash occurs more than once (N counts from 1 in order).
 */
export function fingerprintFindings(findings: readonly Finding[], source: string): string[] {
  const lines = sourceLines(source);
  const seen = new Map<string, number>();
  // Many findings can share one long line (a rule repeating an option 2,000 times): mask it once.
  const normalizedLines = new Map<number, string>();
  const normalizedLine = (number: number): string => {
    let text = normalizedLines.get(number);
    if (text === undefined) {
      text = normalizeForFingerprint(lines[number - 1] ?? '');
      normalizedLines.set(number, text);
    }
    return text;
  };
  return findings.map((finding) => {
    const hash = createHash('sha256')
      .update(finding.ruleId)
      .update('\0')
      .update(normalizeForFingerprint(finding.message))
      .update('\0')
      .update(normalizedLine(finding.span.line))
      .digest('hex')
      .slice(0, 32);
    const count = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, count);
    return `${hash}:${count}`;
  });
}
