/**
 * `iptlint reach` on real captures (fixtures/docker) and Docker 28 listings:
 * the classic traps each come out as a finding with a witness packet and
 * its rule path, and healthy hosts give none.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { analyzeDocker, loadDockerInputs } from '../../src/docker/index.js';
import type { Finding } from '../../src/engine/types.js';
import { buildModel } from '../../src/model/build.js';
import { hostFromDocker, type Host } from '../../src/packet/host.js';
import { analyzeReach, type ReachOptions, type ReachReport } from '../../src/packet/reach.js';
import { reachFindings } from '../../src/packet/reach-findings.js';
import { reachJson, renderReach } from '../../src/packet/reach-render.js';
import type { TopologyOptions } from '../../src/packet/topology.js';
import { DEFAULT_FIXTURE_DIR } from '../lab/fixtures.js';
import { UPLINK } from './helpers.js';

interface Analysed {
  host: Host;
  report: ReachReport;
  findings: Finding[];
}

function capture(name: string, topology: TopologyOptions = UPLINK, options: ReachOptions = {}): Analysed {
  const dir = join(DEFAULT_FIXTURE_DIR, name);
  const ipv4 = buildModel(parse(readFileSync(join(dir, 'iptables.rules'), 'utf8'), { file: `${name}/iptables.rules`, family: 'ipv4' }));
  const ipv6 = buildModel(parse(readFileSync(join(dir, 'ip6tables.rules'), 'utf8'), { file: `${name}/ip6tables.rules`, family: 'ipv6' }));
  const inputs = loadDockerInputs({ networksPath: join(dir, 'networks.json'), containersPath: join(dir, 'containers.json') });
  const host = hostFromDocker({ ipv4, ipv6, docker: analyzeDocker(ipv4, inputs), inputs, topology });
  const report = analyzeReach(host, options);
  return { host, report, findings: reachFindings(host, report) };
}

function ids(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.ruleId).sort();
}

const hasCaptures = existsSync(join(DEFAULT_FIXTURE_DIR, 'broken-forward-policy-accept'));

describe.skipIf(!hasCaptures)('reach on the lab captures', () => {
  it('a healthy multi-network host: isolated networks, masquerade as configured, only published ports exposed', () => {
    const { report, findings } = capture('multi-network');
    const cell = (from: string, to: string) => report.matrix.find((entry) => entry.family === 'ipv4' && entry.from === from && entry.to === to)?.status;
    expect(cell('appnet', 'dbnet')).toBe('closed');
    expect(cell('appnet', 'appnet')).toBe('open');
    expect(cell('iccoff', 'iccoff')).toBe('closed');
    expect(cell('internal', 'internal')).toBe('open');
    const outbound = (network: string) => report.outbound.find((entry) => entry.family === 'ipv4' && entry.network === network);
    expect(outbound('internal')?.status).toBe('closed');
    expect(outbound('appnet')).toMatchObject({ status: 'open', masquerade: 'masqueraded as 192.0.2.1' });
    expect(outbound('nomasq')?.masquerade).toMatch(/^not masqueraded/);
    expect(ids(findings).filter((id) => id !== 'reach/direct-container-access' && id !== 'reach/ipv6-exposure')).toEqual([]);
    const published = report.exposure.filter((entry) => entry.family === 'ipv4' && entry.via === 'published');
    expect(published.map((entry) => `${entry.container}:${entry.ports} ${entry.hostPorts} ${entry.status}`).sort()).toEqual(['iso1:80 8081 open', 'web1:80 8080 open']);
  });

  it('FORWARD policy ACCEPT exposes every port of every container, with a witness through the policy', () => {
    const { findings } = capture('broken-forward-policy-accept');
    const unexpected = findings.filter((finding) => finding.ruleId === 'reach/unexpected-exposure');
    expect(unexpected.map((finding) => /container "(\w+)"/.exec(finding.message)?.[1]).sort()).toEqual(['db', 'web1', 'web2']);
    const db = unexpected.find((finding) => finding.message.startsWith('container "db"')) as Finding;
    expect(db.message).toMatch(/accepts icmp, tcp any, udp any, sctp any, other protocols from outside/);
    expect(db.message).toMatch(/witness tcp 203\.0\.113\.7:40000 → 172\.19\.0\.2:80 in eth0; request: filter FORWARD: policy ACCEPT/);
    const web1 = unexpected.find((finding) => finding.message.startsWith('container "web1"')) as Finding;
    // Port 80 is published: it is a direct-access warning, the rest of TCP is the unexpected exposure.
    expect(web1.message).toMatch(/tcp 0-79,81-65535/);
    expect(web1.message).toMatch(/→ 172\.18\.0\.2:443 in eth0/);
    const lines = readFileSync(join(DEFAULT_FIXTURE_DIR, 'broken-forward-policy-accept', 'iptables.rules'), 'utf8').split('\n');
    expect(lines[db.span.line - 1]).toBe(':FORWARD ACCEPT [0:0]');
  });

  it('a published container port reachable directly at its address (Docker < 28)', () => {
    const { findings } = capture('default-bridge');
    const direct = findings.find((finding) => finding.ruleId === 'reach/direct-container-access') as Finding;
    expect(direct.message).toMatch(/network "bridge": published container ports are also reachable directly .*web tcp\/80/);
    expect(direct.message).toMatch(/witness tcp 203\.0\.113\.7:40000 → 172\.17\.0\.2:80 in eth0; request: filter DOCKER #1 \(line \d+\): ACCEPT/);
    expect(direct.related?.length).toBeGreaterThan(0);
  });

  it('a DOCKER-USER rule on the host port never matches; the ctorigdstport form does', () => {
    const { report, findings } = capture('broken-docker-user-hostport');
    const ineffective = findings.filter((finding) => finding.ruleId === 'reach/ineffective-docker-user');
    expect(ineffective).toHaveLength(1);
    expect(ineffective[0]?.message).toContain('`-A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP` names the host side of host port 8080/tcp (→ web1:80)');
    expect(ineffective[0]?.fix).toBe('iptables -R DOCKER-USER 2 -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP');
    expect(ineffective[0]?.message).toMatch(/witness tcp 203\.0\.113\.7:40000 → 192\.0\.2\.1:8080 in eth0; request: nat DOCKER #\d \(line 56\): DNAT to 172\.18\.0\.2:80, filter DOCKER #1 \(line 24\): ACCEPT/);
    const port8081 = report.exposure.find((entry) => entry.family === 'ipv4' && entry.via === 'published' && entry.hostPorts === '8081');
    expect(port8081).toMatchObject({ status: 'closed', restrictedBy: [{ ruleLine: 34, action: 'DROP' }] });
    // …but over IPv6 docker-proxy answers 8081 and no iptables rule sees it.
    const v6 = findings.filter((finding) => finding.ruleId === 'reach/ipv6-exposure');
    expect(v6.map((finding) => finding.message)).toEqual([expect.stringMatching(/container "web2" .* tcp 80 is reachable over IPv6 through docker-proxy on \[::\]:8081 .* while over IPv4 line 34 `-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8081 -j DROP` blocks it/)]);
  });

  it('an accept-all rule on top of FORWARD breaks isolation, and the witness names it', () => {
    const { report, findings } = capture('broken-forward-accept-all');
    expect(report.matrix.find((cell) => cell.from === 'appnet' && cell.to === 'dbnet')?.status).toBe('open');
    const gaps = findings.filter((finding) => finding.ruleId === 'reach/isolation-gap');
    expect(gaps.length).toBeGreaterThan(0);
    const gap = gaps.find((finding) => /network "appnet" .* network "dbnet"|network "dbnet" .* network "appnet"/.test(finding.message)) as Finding;
    expect(gap.message).toMatch(/and back/);
    expect(gap.message).toMatch(/request: filter FORWARD #1 \(line \d+\): ACCEPT/);
    expect(readFileSync(join(DEFAULT_FIXTURE_DIR, 'broken-forward-accept-all', 'iptables.rules'), 'utf8').split('\n')[gap.span.line - 1]).toBe('-A FORWARD -j ACCEPT');
  });

  it('isolation rules deleted on both sides open the pair; on one side only, the replies are still dropped', () => {
    const both = capture('broken-isolation-deleted');
    expect(both.findings.filter((finding) => finding.ruleId === 'reach/isolation-gap').map((finding) => finding.message)).toEqual([expect.stringMatching(/network "appnet" .* can open connections to network "dbnet" .* and back/)]);
    const one = capture('broken-isolation-one-side');
    expect(one.report.matrix.find((cell) => cell.from === 'appnet' && cell.to === 'dbnet')?.status).toBe('closed');
    expect(ids(one.findings)).not.toContain('reach/isolation-gap');
  });

  it('icc=false holds with br_netfilter, and is void without it', () => {
    expect(ids(capture('daemon-icc-false').findings)).not.toContain('reach/icc-violation');
    const off = capture('broken-br-netfilter-off', { ...UPLINK, brNetfilter: { ipv4: false } });
    const violations = off.findings.filter((finding) => finding.ruleId === 'reach/icc-violation');
    expect(violations.map((finding) => /network "(\w+)"/.exec(finding.message)?.[1]).sort()).toEqual(['bridge', 'iccoff']);
    expect(violations[0]?.message).toMatch(/request: bridge: bridged on docker0 without iptables \(bridge-nf-call-iptables=0\)/);
  });

  it('a stale DNAT serving a container that never published the port', () => {
    const { findings } = capture('broken-stale-dnat');
    const stale = findings.find((finding) => finding.ruleId === 'reach/unexpected-exposure' && /through host port 8081/.test(finding.message)) as Finding;
    expect(stale.message).toMatch(/container "newcomer" .* tcp 80 is reachable from outside .* "newcomer" does not publish that port/);
    expect(stale.fix).toMatch(/^iptables -t nat -D DOCKER ! -i br-\w+ -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172\.18\.0\.3:80$/);
  });

  it('renders a matrix, the outbound lines, the exposure table and the findings; JSON is plain data', () => {
    const analysed = capture('broken-docker-user-hostport');
    const text = renderReach(analysed.report, analysed.findings);
    expect(text).toContain('IPv4 isolation — rows: from, columns: to');
    expect(text).toMatch(/ {2}1 bridge ~ {2}· {2}· /);
    expect(text).toContain('IPv4 outbound — containers to the outside');
    expect(text).toMatch(/IPv6 +web2 +tcp\/80 +\*:8081 docker-proxy +any +✓ open/);
    expect(text).toContain('instead: -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP');
    const json = JSON.parse(JSON.stringify(reachJson(analysed.report, analysed.findings))) as { matrix: unknown[]; dockerUser: { rule: { line: number } }[] };
    expect(json.matrix.length).toBe(analysed.report.matrix.length);
    expect(json.dockerUser[0]?.rule.line).toBe(35);
  });
});

const LISTINGS = '/work/shared/docker-rules/iptablesdoc';

function listing(file: string): Analysed {
  const model = buildModel(parse(readFileSync(join(LISTINGS, file), 'utf8'), { file, family: 'ipv4' }));
  const host = hostFromDocker({ ipv4: model, docker: analyzeDocker(model), topology: { hostAddrs: ['10.255.0.1/24=eth0'], routes: [{ cidr: '0.0.0.0/0', iface: 'eth0' }] } });
  const report = analyzeReach(host);
  return { host, report, findings: reachFindings(host, report) };
}

describe.skipIf(!existsSync(LISTINGS))('reach on every Docker 28/29 listing', () => {
  const files = existsSync(LISTINGS) ? readdirSync(LISTINGS).filter((file) => file.endsWith('.txt')) : [];
  it.each(files)('%s', (file) => {
    const { report, findings } = listing(file);
    const direct = report.exposure.filter((entry) => entry.via === 'direct');
    const text = readFileSync(join(LISTINGS, file), 'utf8');
    const raw = text.includes('# table: raw');
    // With the raw table in the listing, only nat-unprotected (and routed, whose subnet the listing does not show) leave containers open.
    if (raw && !file.includes('natunprot')) expect(direct).toEqual([]);
    if (!raw && /usernet-portmap(-noicc|-noproxy)?\.txt$/.test(file)) expect(report.notes.some((note) => note.includes('no raw table'))).toBe(true);
    // Docker 29 lets published ports be reached from every network: not an isolation gap.
    if (file.startsWith('v29') && !file.includes('swarm') && !file.includes('natunprot')) expect(ids(findings)).not.toContain('reach/isolation-gap');
    expect(report.exposure.every((entry) => entry.hostPorts !== '0')).toBe(true);
  });
});

describe('reach on Docker 28 listings (iptables -S, no inspect JSON)', () => {
  const listing = '/work/shared/docker-rules/iptablesdoc/v28.2.2-v28.5.2__usernet-portmap.txt';
  it.skipIf(!existsSync(listing))('raw-table drops block direct access; the published port stays open', () => {
    const model = buildModel(parse(readFileSync(listing, 'utf8'), { file: 'usernet-portmap.txt', family: 'ipv4' }));
    const analysis = analyzeDocker(model);
    const host = hostFromDocker({ ipv4: model, docker: analysis, topology: { hostAddrs: ['10.255.0.1/24=eth0'], routes: [{ cidr: '0.0.0.0/0', iface: 'eth0' }] } });
    const report = analyzeReach(host);
    const findings = reachFindings(host, report);
    expect(report.exposure.filter((entry) => entry.via === 'direct')).toEqual([]);
    expect(report.exposure.filter((entry) => entry.via === 'published').map((entry) => `${entry.address}:${entry.ports} ${entry.hostPorts} ${entry.status}`)).toEqual(['192.0.2.2:80 8080 open']);
    expect(ids(findings)).toEqual([]);
    const network = report.networks.find((entry) => entry.bridge === 'bridge1')?.name as string;
    expect(report.matrix.find((cell) => cell.from === network && cell.to === network)?.status).toBe('open');
  });
});
