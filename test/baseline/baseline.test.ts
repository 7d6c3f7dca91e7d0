import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { readSchema } from '../../src/config/schema-file.js';
import { iptlint, tree } from '../config/helpers.js';

/** A real dockerd 20.10 capture: a stale DNAT and its DOCKER accept rule, found against Docker's own state. */
const CAPTURE = 'fixtures/docker/broken-stale-dnat';
const read = (name: string) => readFileSync(new URL(`../../${CAPTURE}/${name}`, import.meta.url), 'utf8');
const DUMP = read('iptables.rules');
const NETWORKS = read('networks.json');
const CONTAINERS = read('containers.json');

// The packet model's reach/* findings are left out here except in the churn test, which keeps them: their witnesses carry container addresses.
const DOCKER_ARGS = ['--docker-networks', 'state/networks.json', '--docker-containers', 'state/containers.json', '--no-reach'];
const WITH_REACH = DOCKER_ARGS.filter((arg) => arg !== '--no-reach');

interface JsonReport {
  findings: { ruleId: string; line: number; message: string }[];
}

/**
 * The same host after Docker recreated its networks and containers: every
 * network gets a new id (so a new br-<id> bridge name) and every container
 * address moves, consistently in the dump and in Docker's inspect output, as
 * a second capture of the same lab scenario would show. Comment lines and a
 * new INPUT rule above move every line.
 */
function churned(texts: { dump: string; networks: string; containers: string }): { dump: string; networks: string; containers: string } {
  const ids = (JSON.parse(texts.networks) as { Id: string }[]).map((network) => network.Id);
  const renames: [string, string][] = ids.flatMap((id) => {
    const fresh = [...id].map((digit) => ((parseInt(digit, 16) + 7) % 16).toString(16)).join('');
    return [[id, fresh], [id.slice(0, 12), fresh.slice(0, 12)]];
  });
  const apply = (text: string) => {
    let out = text;
    for (const [from, to] of renames) out = out.replaceAll(from, to);
    return out.replace(/\b172\.(18|19)\.0\.(\d+)\b(?!\.)/g, (_match, net: string, host: string) => (host === '0' || host === '1' ? `172.${net}.0.${host}` : `172.${net}.0.${Number(host) + 20}`));
  };
  const dump = apply(texts.dump)
    .replace('*filter\n', '*filter\n# saved by the nightly job\n# reviewed: ops\n')
    .replace('-A FORWARD ', '-A INPUT -i lo -j ACCEPT\n-A FORWARD ');
  return { dump, networks: apply(texts.networks), containers: apply(texts.containers) };
}

function host(dump = DUMP, networks = NETWORKS, containers = CONTAINERS): string {
  return tree({ 'dumps/host.rules': dump, 'state/networks.json': networks, 'state/containers.json': containers });
}

async function checkJson(cwd: string, args: readonly string[], docker = DOCKER_ARGS) {
  const run = await iptlint(cwd, ['check', '--format', 'json', ...docker, ...args]);
  return { ...run, report: JSON.parse(run.stdout || '{"findings": []}') as JsonReport };
}

describe('baselines', () => {
  it('--update-baseline records every finding atomically, prints nothing on stdout and exits 0', async () => {
    const root = host();
    const before = await checkJson(root, ['dumps/host.rules']);
    expect(before.code).toBe(0);
    expect(before.report.findings.map((finding) => `${finding.line} ${finding.ruleId}`)).toEqual(['25 docker-stale-rule', '54 docker-stale-rule']);

    const run = await iptlint(root, ['check', ...DOCKER_ARGS, '--baseline', 'iptlint-baseline.json', '--update-baseline', 'dumps/host.rules']);
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'baseline iptlint-baseline.json: recorded 2 findings of 1 dump\n' });
    expect(readdirSync(root).sort()).toEqual(['dumps', 'iptlint-baseline.json', 'state']);
    const written = JSON.parse(readFileSync(join(root, 'iptlint-baseline.json'), 'utf8')) as { version: number; files: Record<string, Record<string, { ruleId: string; message: string }>> };
    const validate = new Ajv({ strict: true }).compile(readSchema('schemas/baseline.schema.json'));
    expect(validate(written)).toBe(true);
    expect(Object.keys(written.files)).toEqual(['dumps/host.rules']);
    const entries = Object.entries(written.files['dumps/host.rules'] ?? {});
    expect(entries.map(([print, entry]) => [/^[0-9a-f]{32}:1$/.test(print), entry.ruleId, entry.message])).toEqual(
      before.report.findings.map((finding) => [true, finding.ruleId, finding.message]),
    );
  });

  it('--baseline reports only new findings and says how many it hid', async () => {
    const root = host();
    await iptlint(root, ['check', ...DOCKER_ARGS, '--baseline', 'b.json', '--update-baseline', 'dumps/host.rules']);
    const same = await checkJson(root, ['--baseline', 'b.json', 'dumps/host.rules']);
    expect(same.report.findings).toEqual([]);
    expect(same.code).toBe(0);
    expect(same.stderr).toBe('baseline b.json: 2 known findings not shown\n');

    const withNew = DUMP.replace('-A FORWARD -j DOCKER-USER\n', '-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-USER\n');
    writeFileSync(join(root, 'dumps/host.rules'), withNew);
    const fresh = await checkJson(root, ['--baseline', 'b.json', 'dumps/host.rules']);
    // The copied Docker rule is new: both the generic and the Docker check report it.
    expect(fresh.report.findings.map((finding) => `${finding.line} ${finding.ruleId}`)).toEqual(['11 docker-stale-rule', '11 duplicate-rule']);
    expect(fresh.stderr).toBe('baseline b.json: 2 known findings not shown\n');
    expect(fresh.code).toBe(0);
    expect((await checkJson(root, ['--baseline', 'b.json', '--fail-on', 'warning', 'dumps/host.rules'])).code).toBe(1);
  });

  it('survives line moves and Docker churn (new bridge ids, new container addresses) on a real capture', async () => {
    const root = host();
    await iptlint(root, ['check', ...WITH_REACH, '--baseline', 'b.json', '--update-baseline', 'dumps/host.rules']);
    const after = churned({ dump: DUMP, networks: NETWORKS, containers: CONTAINERS });
    const churnedRoot = host(after.dump, after.networks, after.containers);
    writeFileSync(join(churnedRoot, 'b.json'), readFileSync(join(root, 'b.json')));

    // The churn is real: same findings, at other lines, with other bridge names and addresses in their messages.
    const original = (await checkJson(root, ['dumps/host.rules'], WITH_REACH)).report.findings;
    const moved = (await checkJson(churnedRoot, ['dumps/host.rules'], WITH_REACH)).report.findings;
    expect(moved.map((finding) => finding.ruleId)).toEqual(original.map((finding) => finding.ruleId));
    expect(moved.map((finding) => finding.line)).toEqual(original.map((finding) => finding.line + 3));
    expect(moved.map((finding) => finding.ruleId)).toContain('reach/unexpected-exposure');
    expect(moved.some((finding) => finding.message.includes('br-b660ea08cc98'))).toBe(true);
    for (const [index, finding] of moved.entries()) expect(finding.message).not.toBe(original[index]?.message);

    const run = await checkJson(churnedRoot, ['--baseline', 'b.json', 'dumps/host.rules'], WITH_REACH);
    expect(run.report.findings).toEqual([]);
    expect(run.stderr).toBe(`baseline b.json: ${original.length} known findings not shown\n`);
  });

  it('refreshing replaces the entries of the dumps checked and keeps the others', async () => {
    const root = tree({ 'a.rules': DUMP, 'b.rules': DUMP, 'state/networks.json': NETWORKS, 'state/containers.json': CONTAINERS });
    await iptlint(root, ['check', ...DOCKER_ARGS, '--baseline', 'b.json', '--update-baseline', 'a.rules', 'b.rules']);
    const fixed = DUMP.split('\n').filter((_line, index) => index + 1 !== 25 && index + 1 !== 54).join('\n');
    writeFileSync(join(root, 'a.rules'), fixed);
    const run = await iptlint(root, ['check', ...DOCKER_ARGS, '--baseline', 'b.json', '--update-baseline', 'a.rules']);
    expect(run.stderr).toBe('baseline b.json: recorded 0 findings of 1 dump\n');
    const written = JSON.parse(readFileSync(join(root, 'b.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(written.files)).toEqual(['b.rules']);
  });

  it('--update-baseline needs --baseline', async () => {
    const run = await iptlint(host(), ['check', '--update-baseline', 'dumps/host.rules']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: "iptlint: --update-baseline needs --baseline FILE\nhint: name the file to write, e.g. 'iptlint check --baseline iptlint-baseline.json --update-baseline dumps/*.rules'\n",
    });
  });

  const bad: [content: string, message: string][] = [
    ['{"version": 1, "files": {}', 'b.json:1:27: not valid JSON: Expected \',\' or \'}\' after property value'],
    ['{\n  "version": 2,\n  "files": {}\n}\n', 'b.json:2:14: must be 1 (at version)'],
    ['{\n  "version": 1,\n  "files": {\n    "dumps/host.rules": {\n      "abc:1": {"ruleId": "x", "message": "y"}\n    }\n  }\n}\n', 'b.json:5:7: "abc:1" is not a fingerprint (32 hex digits, ":", a count) (at files.dumps/host.rules.abc:1)'],
    ['{"version": 1, "files": {"h.rules": {"0123456789abcdef0123456789abcdef:1": {"ruleId": "x"}}}}', 'b.json:1:76: missing required key "message" (at files.h.rules.0123456789abcdef0123456789abcdef:1)'],
    ['{"version": 1}', 'b.json:1:1: missing required key "files" (at (document root))'],
  ];

  it.each(bad)('a bad baseline file is a located error: %j', async (content, message) => {
    const root = host();
    writeFileSync(join(root, 'b.json'), content);
    const run = await iptlint(root, ['check', '--baseline', 'b.json', 'dumps/host.rules']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `iptlint: ${message}\nhint: fix or delete the baseline file, then recreate it with --update-baseline; nothing was checked\n` });
  });

  it('a missing baseline file is an error when reading it, not when updating it', async () => {
    const root = host();
    const run = await iptlint(root, ['check', '--baseline', 'none.json', 'dumps/host.rules']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('iptlint: none.json: baseline file not found (create it with --update-baseline)');
  });
});
