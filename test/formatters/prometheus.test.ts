import { describe, expect, it } from 'vitest';
import { escapeLabelValue, formatPrometheus } from '../../src/formatters/prometheus.js';
import { runMain, type JsonOut } from '../cli/run-cli.js';
import { finding, report, TOOL } from './fixtures.js';
import { dockerCaptureCases } from './real-reports.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the text exposition format (version 0.0.4) as
 * node-exporter's textfile collector parses it: HELP and TYPE once per
 * family and before its samples, valid metric and label names, label values
 * with only the `\\`, `\"` and `\n` escapes, numeric values, no timestamps
 * (the collector rejects them), no series twice, a final line feed.
 */
function parseExposition(text: string): Sample[] {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const samples: Sample[] = [];
  const typed = new Map<string, string>();
  const helped = new Set<string>();
  const seenSeries = new Set<string>();
  let current: string | undefined;
  for (const [index, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (kind === 'HELP') {
        if (helped.has(name)) throw new Error(`${where}: second HELP`);
        if (/\\[^\\n]/.test(rest.replaceAll('\\\\', ''))) throw new Error(`${where}: bad escape in HELP`);
        helped.add(name);
      } else {
        if (typed.has(name)) throw new Error(`${where}: second TYPE`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`${where}: unknown type`);
        typed.set(name, rest);
      }
      current = name;
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`${where}: not a sample (or has a timestamp)`);
    const [, name = '', , body = '', value = ''] = sample;
    if (name !== current || !typed.has(name) || !helped.has(name)) throw new Error(`${where}: sample outside its family's HELP/TYPE block`);
    const labels = parseLabels(body, where);
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?Inf$|^NaN$/.test(value)) throw new Error(`${where}: bad value`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(series)) throw new Error(`${where}: duplicate series`);
    seenSeries.add(series);
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

function parseLabels(body: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = body;
  while (rest !== '') {
    const pair = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (!pair) throw new Error(`${where}: bad labels at ${JSON.stringify(rest)}`);
    const [whole, key = '', raw = ''] = pair;
    if (key in labels) throw new Error(`${where}: label ${key} twice`);
    labels[key] = raw.replace(/\\([\\"n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(whole.length);
  }
  return labels;
}

function value(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()))?.value;
}

const NOW = new Date('2026-11-28T05:00:00Z');

describe('prometheus formatter', () => {
  it.each(dockerCaptureCases().map((testCase) => [testCase.name, testCase.args] as const))(
    '%s: findings by file, rule and severity add up to the JSON report',
    async (_name, args) => {
      const text = (await runMain(['check', '--format', 'prometheus', ...args])).stdout;
      const json = JSON.parse((await runMain(['check', '--format', 'json', ...args])).stdout) as JsonOut;
      const samples = parseExposition(text);
      const findings = samples.filter((s) => s.name === 'iptlint_findings');
      expect(findings.reduce((sum, s) => sum + s.value, 0)).toBe(json.findings.length);
      for (const f of json.findings) {
        const expected = json.findings.filter((x) => x.file === f.file && x.ruleId === f.ruleId && x.severity === f.severity).length;
        expect(value(samples, 'iptlint_findings', { file: f.file, rule: f.ruleId, severity: f.severity })).toBe(expected);
      }
      for (const severity of ['error', 'warning', 'info'] as const) {
        expect(value(samples, 'iptlint_findings_total', { severity })).toBe(json.summary.counts[severity]);
      }
      expect(value(samples, 'iptlint_files_checked')).toBe(json.files.length);
      expect(value(samples, 'iptlint_scan_success')).toBe(1);
      for (const file of json.files) {
        const syntax = json.findings.filter((f) => f.file === file.file && f.ruleId.startsWith('syntax/')).length;
        expect(value(samples, 'iptlint_parse_errors', { file: file.file })).toBe(syntax);
      }
      expect(Math.abs((value(samples, 'iptlint_last_scan_timestamp_seconds') ?? 0) - Date.now() / 1000)).toBeLessThan(600);
    },
  );

  it('counts parse errors per file and fails the scan when an input cannot be read', async () => {
    const result = await runMain(['check', '--format', 'prometheus', 'test/cli/bad-inputs/crlf.rules', 'examples/docker-host.rules', 'test/formatters/gone.rules']);
    const samples = parseExposition(result.stdout);
    expect(value(samples, 'iptlint_parse_errors', { file: 'test/cli/bad-inputs/crlf.rules' })).toBeGreaterThan(0);
    expect(value(samples, 'iptlint_parse_errors', { file: 'examples/docker-host.rules' })).toBe(0);
    expect(value(samples, 'iptlint_files_checked')).toBe(2);
    expect(value(samples, 'iptlint_scan_success')).toBe(0);
  });

  it('escapes label values so a hostile file name reads back unchanged and cannot add series', () => {
    const file = 'dumps/a"b\\c\nfake_metric{x="1"} 99\n.rules';
    const samples = parseExposition(formatPrometheus([report([finding()], undefined, file)], { color: false, tool: TOOL, now: NOW }));
    expect(samples.map((s) => s.name)).not.toContain('fake_metric');
    expect(value(samples, 'iptlint_findings', { file, rule: 'undefined-jump-target', severity: 'error' })).toBe(1);
    expect(value(samples, 'iptlint_parse_errors', { file })).toBe(0);
    expect(escapeLabelValue('a\\"\n')).toBe('a\\\\\\"\\n');
  });

  it('writes every family with HELP and TYPE, also for a clean scan, and the scan time in seconds', () => {
    const text = formatPrometheus([report([])], { color: false, tool: TOOL, now: NOW });
    const samples = parseExposition(text);
    for (const name of ['iptlint_findings', 'iptlint_findings_total', 'iptlint_parse_errors', 'iptlint_files_checked', 'iptlint_last_scan_timestamp_seconds', 'iptlint_scan_success']) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toContain(`# TYPE ${name} gauge`);
    }
    expect(samples.filter((s) => s.name === 'iptlint_findings')).toEqual([]);
    expect(value(samples, 'iptlint_findings_total', { severity: 'error' })).toBe(0);
    expect(value(samples, 'iptlint_last_scan_timestamp_seconds')).toBe(NOW.getTime() / 1000);
  });

  it('rejects what the collector rejects (the parser can fail)', () => {
    expect(() => parseExposition('iptlint_x 1\n')).toThrow(/outside its family/);
    expect(() => parseExposition('# HELP a h\n# TYPE a gauge\na{f="x\ny"} 1\n')).toThrow();
    expect(() => parseExposition('# HELP a h\n# TYPE a gauge\na 1 1700000000\n')).toThrow(/timestamp/);
    expect(() => parseExposition('# HELP a h\n# TYPE a gauge\na 1\na 2\n')).toThrow(/duplicate/);
  });
});
