/**
 * SARIF `reportingDescriptor`s for iptlint's rules: the text code scanning
 * shows beside an alert (help, with the rule's bad and good examples), a link
 * to the rule's page, the default level, and for security rules the
 * `security-severity` score GitHub ranks alerts by.
 */
import type { Finding, Severity } from '../engine/types.js';
import type { CatalogEntry } from './rule-catalog.js';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel; enabled?: false };
  properties: { tags: string[]; precision: 'very-high' | 'high'; 'security-severity'?: string };
}

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/** GitHub's scale: 9.0+ critical, 7.0+ high, 4.0+ medium, below that low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

/** `undefined-jump-target` → `UndefinedJumpTarget`, `syntax/crlf` → `SyntaxCrlf` (SARIF's friendly name). */
export function friendlyName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

/** Where the rule's docs page is published, below the project's home page. */
export function ruleHelpUri(docsPath: string | undefined, informationUri: string | undefined): string | undefined {
  if (docsPath === undefined || informationUri === undefined) return undefined;
  return `${informationUri.replace(/\/+$/, '')}/blob/main/${docsPath}`;
}

export function sarifRuleDescriptor(entry: CatalogEntry, informationUri: string | undefined): SarifRule {
  const helpUri = ruleHelpUri(entry.docsPath, informationUri);
  const sentence = asSentence(entry.description);
  const rationale = entry.docs === undefined ? undefined : asSentence(entry.docs.rationale);
  const text = [sentence, rationale, entry.docs && `Triggers it:\n${entry.docs.bad}`, entry.docs && `Fixed:\n${entry.docs.good}`, helpUri && `Docs: ${helpUri}`];
  const markdown = [
    `**${escapeMarkdown(sentence)}**`,
    rationale === undefined ? undefined : escapeMarkdown(rationale),
    entry.docs && `Example that triggers it:\n\n${fence(entry.docs.bad)}`,
    entry.docs && `Fixed:\n\n${fence(entry.docs.good)}`,
    helpUri && `[Rule documentation](${helpUri})`,
  ];
  return {
    id: entry.id,
    name: friendlyName(entry.id),
    shortDescription: { text: sentence },
    fullDescription: { text: rationale ?? sentence },
    help: { text: join(text), markdown: join(markdown) },
    ...(helpUri === undefined ? {} : { helpUri }),
    defaultConfiguration: entry.enabledByDefault === false ? { level: LEVEL[entry.severity], enabled: false } : { level: LEVEL[entry.severity] },
    properties: {
      tags: tags(entry.category),
      // Syntax errors are what iptables-restore rejects; every other rule reasons about the model.
      precision: entry.category === 'syntax' ? 'very-high' : 'high',
      ...(entry.category === 'security' ? { 'security-severity': SECURITY_SEVERITY[entry.severity] } : {}),
    },
  };
}

/** A rule id the catalogue does not know yet: described by the first finding that uses it. */
export function unlistedRuleDescriptor(finding: Finding): SarifRule {
  return sarifRuleDescriptor(
    { id: finding.ruleId, source: 'engine', severity: finding.severity, category: finding.category, description: `iptlint finding ${finding.ruleId}` },
    undefined,
  );
}

/** `security` among the tags is what makes GitHub file an alert under security. */
function tags(category: string): string[] {
  return ['iptables', category];
}

/** `text` with a capital first letter and a final full stop. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : capital + '.';
}

function join(parts: readonly (string | undefined)[]): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join('\n\n');
}

/**
 * Markdown specials in prose become literal (rule text quotes `*table`,
 * `DOCKER_USER`, `[0:0]`, `<id>`); code spans in backticks stay as they are.
 */
function escapeMarkdown(text: string): string {
  return text
    .split(/(`+[^`]*`+)/)
    .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(/[\\*_[\]<>#|]/g, (char) => `\\${char}`)))
    .join('');
}

function fence(code: string): string {
  const body = code.endsWith('\n') ? code : code + '\n';
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}text\n${body}${ticks}`;
}
