/**
 * SARIF 2.1.0, as GitHub code scanning ingests it: every rule iptlint can
 * report in `tool.driver.rules` (with help text and a link to its docs),
 * one result per finding with its region, the source line as snippet and a
 * partial fingerprint that survives line moves, and one artifact per input.
 */
import type { Span } from '../../grammar/ast.js';
import { stringifyJson } from './json-text.js';
import { fingerprintFindings } from '../engine/fingerprint.js';
import { compareFindings } from '../engine/lint.js';
import { sourceLines } from '../engine/source-lines.js';
import { artifactUri, srcrootUri, SRCROOT, type ArtifactUri } from './artifact-uri.js';
import { ruleCatalog, type CatalogEntry } from './rule-catalog.js';
import { sarifRuleDescriptor, unlistedRuleDescriptor, type SarifLevel, type SarifRule } from './sarif-rules.js';
import type { CheckedFileReport, FileReport, Finding, Formatter, FormatOptions, Severity } from './types.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Key of the fingerprint in `partialFingerprints`; bump the version when fingerprintFindings changes. */
export const FINGERPRINT_KEY = 'iptlintFinding/v1';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
  index?: number;
}

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  snippet?: { text: string };
}

interface SarifLocation {
  id?: number;
  physicalLocation: { artifactLocation: SarifArtifactLocation; region?: SarifRegion };
  message?: { text: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
}

interface SarifNotification {
  level: 'error';
  message: { text: string };
  locations: SarifLocation[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: {
        driver: {
          name: string;
          version: string;
          semanticVersion: string;
          informationUri?: string;
          rules: SarifRule[];
        };
      };
      invocations: [{ executionSuccessful: boolean; endTimeUtc: string; toolExecutionNotifications?: SarifNotification[] }];
      originalUriBaseIds?: Record<string, { uri: string }>;
      artifacts: { location: SarifArtifactLocation; roles: string[] }[];
      columnKind: 'utf16CodeUnits';
      results: SarifResult[];
    },
  ];
}

/** Rules of the driver, and each rule id's index among them. */
class RuleTable {
  readonly rules: SarifRule[];
  private readonly index = new Map<string, number>();

  constructor(catalog: readonly CatalogEntry[], informationUri: string | undefined) {
    this.rules = catalog.map((entry) => sarifRuleDescriptor(entry, informationUri));
    this.rules.forEach((rule, i) => this.index.set(rule.id, i));
  }

  /** A rule id not in the catalogue (added by a later feature) still gets a descriptor, from its finding. */
  indexOf(finding: Finding): number {
    const known = this.index.get(finding.ruleId);
    if (known !== undefined) return known;
    this.rules.push(unlistedRuleDescriptor(finding));
    this.index.set(finding.ruleId, this.rules.length - 1);
    return this.rules.length - 1;
  }
}

export function toSarifLog(reports: readonly FileReport[], options: FormatOptions): SarifLog {
  const rules = new RuleTable(ruleCatalog(), options.tool.informationUri);
  const artifacts: SarifLog['runs'][0]['artifacts'] = [];
  const results: SarifResult[] = [];
  const notifications: SarifNotification[] = [];

  for (const report of reports) {
    const uri = artifactUri(report.file, options.cwd);
    const location: SarifArtifactLocation = { ...artifactLocation(uri), index: artifacts.length };
    artifacts.push({ location: artifactLocation(uri), roles: uri.stdin ? ['analysisTarget', 'standardStream'] : ['analysisTarget'] });
    if (report.status === 'unreadable') {
      notifications.push({
        level: 'error',
        message: { text: `cannot read ${report.file}: ${report.error}` },
        locations: [{ physicalLocation: { artifactLocation: location } }],
      });
      continue;
    }
    results.push(...fileResults(report, location, rules));
  }

  const cwd = options.cwd;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.tool.name,
            version: options.tool.version,
            semanticVersion: options.tool.version,
            ...(options.tool.informationUri === undefined ? {} : { informationUri: options.tool.informationUri }),
            rules: rules.rules,
          },
        },
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            endTimeUtc: (options.now ?? new Date()).toISOString(),
            ...(notifications.length === 0 ? {} : { toolExecutionNotifications: notifications }),
          },
        ],
        ...(cwd === undefined ? {} : { originalUriBaseIds: { [SRCROOT]: { uri: srcrootUri(cwd) } } }),
        artifacts,
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function artifactLocation(uri: ArtifactUri): SarifArtifactLocation {
  return uri.uriBaseId === undefined ? { uri: uri.uri } : { uri: uri.uri, uriBaseId: uri.uriBaseId };
}

function fileResults(report: CheckedFileReport, location: SarifArtifactLocation, rules: RuleTable): SarifResult[] {
  const findings = [...report.findings].sort(compareFindings);
  const fingerprints = fingerprintFindings(findings, report.source);
  const lines = sourceLines(report.source);
  return findings.map((finding, i) => {
    const related = (finding.related ?? []).map(
      (note, n): SarifLocation => ({
        id: n + 1,
        physicalLocation: { artifactLocation: location, region: region(note.span, lines) },
        message: { text: note.message },
      }),
    );
    return {
      ruleId: finding.ruleId,
      ruleIndex: rules.indexOf(finding),
      level: LEVEL[finding.severity],
      message: { text: finding.fix === undefined ? finding.message : `${finding.message}\nFix: ${finding.fix}` },
      locations: [{ physicalLocation: { artifactLocation: location, region: region(finding.span, lines) } }],
      ...(related.length > 0 ? { relatedLocations: related } : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprints[i] ?? '' },
    };
  });
}

/**
 * Longest snippet written. Snippets are optional (viewers read the artifact);
 * a finding that spans a whole table would otherwise copy the table into the
 * log once per finding: a crafted 12 MB dump gave a 180 MB log.
 */
const MAX_SNIPPET_CHARS = 4096;

/**
 * SARIF regions are 1-based with an exclusive end column, like iptlint's
 * spans; the snippet is the whole source lines the span covers, when they
 * fit in MAX_SNIPPET_CHARS.
 */
function region(span: Span, lines: readonly string[]): SarifRegion {
  const startLine = Math.max(1, span.line);
  const endLine = Math.max(startLine, span.endLine);
  const startColumn = Math.max(1, span.column);
  const endColumn = endLine === startLine ? Math.max(startColumn, span.endColumn) : Math.max(1, span.endColumn);
  const snippet = snippetOf(lines, startLine, endLine);
  return { startLine, startColumn, endLine, endColumn, ...(snippet === undefined ? {} : { snippet: { text: snippet } }) };
}

function snippetOf(lines: readonly string[], startLine: number, endLine: number): string | undefined {
  let length = 0;
  for (let line = startLine; line <= endLine && line <= lines.length; line++) {
    length += (lines[line - 1] as string).length + 1;
    if (length > MAX_SNIPPET_CHARS + 1) return undefined;
  }
  return length === 0 ? undefined : lines.slice(startLine - 1, endLine).join('\n');
}

export const formatSarif: Formatter = (reports, options) => stringifyJson(toSarifLog(reports, options), 2) + '\n';
