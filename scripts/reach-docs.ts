/**
 * Pages for the packet model's finding ids (docs/rules/reach/<name>.md): what
 * a finding proves, why it matters, and a real lab capture that shows it with
 * what `iptlint check` reports there. The findings come from the CLI's own
 * lint pipeline on the committed capture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Family } from '../grammar/ast.js';
import type { TopologySettings } from '../src/cli/args.js';
import { lintDumps } from '../src/cli/lint-pipeline.js';
import { iptablesCommand } from '../src/docker/fix-command.js';
import { loadDockerInputs } from '../src/docker/load-inputs.js';
import { ruleDocsPath } from '../src/formatters/rule-list-json.js';
import { asSentence } from '../src/formatters/sarif-rules.js';
import { formatStylish } from '../src/formatters/stylish.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../src/input-limit.js';
import { REACH_RULES, type ReachRuleId } from '../src/packet/reach-findings.js';

interface ReachDocs {
  rationale: string;
  /** A committed lab capture (fixtures/…) that shows the finding. */
  capture: string;
  /** Check its ip6tables dump too. */
  ip6?: true;
  /** Bridge netfilter sysctls the capture recorded as 0. */
  bridgeNetfilterOff?: Family;
}

const DOCS: Record<ReachRuleId, ReachDocs> = {
  'reach/isolation-gap': {
    rationale:
      "Docker keeps the containers of different bridge networks apart: one stack's database network is not reachable from another stack's web network. It enforces that with isolation rules (the DOCKER-ISOLATION-STAGE-1/2 chains up to 27.x, per-bridge rules from 28.x) that must come before the ACCEPT rules letting each network out. A deleted isolation rule, or an ACCEPT placed in FORWARD or DOCKER-USER before them, connects two networks silently: each line still looks like Docker's, and nothing fails. iptlint follows packets from every network to every other through all chains, and reports a pair only with a witness packet that the rules let through and whose replies come back.",
    capture: 'fixtures/docker/broken-isolation-deleted',
  },
  'reach/icc-violation': {
    rationale:
      "A network created with `enable_icc=false` (`dockerd --icc=false` for the default bridge) should stop its containers from talking to each other: only published ports and outbound traffic remain. Docker writes one DROP for traffic that enters and leaves the same bridge. It works only if bridged frames pass through iptables (the br_netfilter module, with `net.bridge.bridge-nf-call-iptables=1`), and an ACCEPT before it voids it. Some hardening guides set the sysctl to 0, which makes icc=false protect nothing while the rules look right; `scan --live` reads the sysctl, `check` and `reach` take it as `--bridge-nf-call-iptables`.",
    capture: 'fixtures/docker/broken-br-netfilter-off',
    bridgeNetfilterOff: 'ipv4',
  },
  'reach/unexpected-exposure': {
    rationale:
      'Only published ports should be reachable from other hosts. Up to Docker 27 that rests on the FORWARD chain\'s DROP policy: `iptables -P FORWARD ACCEPT` (Kubernetes, VPN and router tools often set it) or a catch-all `-A FORWARD -j ACCEPT` opens every port of every container (databases, admin interfaces) to any host that routes the container subnets via this one: a neighbour on the LAN, the upstream router. A stale DNAT rule left by a removed container can also forward a host port to a newer container that never published it.',
    capture: 'fixtures/docker/broken-forward-policy-accept',
  },
  'reach/direct-container-access': {
    rationale:
      'Publishing `-p 8080:80` maps a host port, but up to Docker 27 the ACCEPT that serves it matches the container\'s address and port, not the host port. A client that routes the container subnet via this host reaches port 80 directly, past the host-port mapping: a `-p 127.0.0.1:8080:80` restriction and any DOCKER-USER rule written for port 8080 do not apply to it. Docker 28 and later drop such packets in the raw table.',
    capture: 'fixtures/docker/published-ports',
  },
  'reach/ineffective-docker-user': {
    rationale:
      "DOCKER-USER is where administrators restrict access to published ports, but it runs in FORWARD, after the nat table's DNAT in PREROUTING: by then the packet carries the container's address and port. A rule that names the host port (`--dport 8080` for `-p 8080:80`) never matches published traffic, so the restriction it expresses does not exist. Matching the original destination with conntrack (`-m conntrack --ctorigdstport 8080`) does, which is what the finding's fix writes.",
    capture: 'fixtures/docker/broken-docker-user-hostport',
  },
  'reach/ipv6-exposure': {
    rationale:
      'Hosts that restrict IPv4 carefully often leave IPv6 open: DOCKER-USER rules written for iptables have no ip6tables twin, Docker up to 23.x did not create DOCKER-USER for ip6tables at all, and docker-proxy listens on `[::]` and forwards IPv6 connections to the container\'s IPv4 address, where no ip6tables rule sees them. A port that IPv4 blocks is then open over IPv6.',
    capture: 'fixtures/docker-28.5/broken-docker-user-hostport',
    ip6: true,
  },
};

const GENERATED = '<!-- Generated by scripts/gen-docs.ts from scripts/reach-docs.ts and the lab captures in fixtures/; edit those, then run `npx tsx scripts/gen-docs.ts`. -->';

const PROOF =
  "The packet model follows sets of packets through the dump's chains as the kernel does (conntrack, NAT, routing between the host's bridges), with Docker's networks and containers from their inspect output. It reports a finding only with a witness: a concrete packet, and the rules that decide its request and its reply. The lab checks the model's verdicts against the real kernel's on every committed capture.";

function commandArgs(docs: ReachDocs): string[] {
  const dumps = [`${docs.capture}/iptables.rules`, ...(docs.ip6 ? [`${docs.capture}/ip6tables.rules`] : [])];
  const sysctl = docs.bridgeNetfilterOff === undefined ? [] : [`--bridge-nf-call-${iptablesCommand(docs.bridgeNetfilterOff)}`, '0'];
  return [...dumps, '--docker-networks', `${docs.capture}/networks.json`, '--docker-containers', `${docs.capture}/containers.json`, ...sysctl];
}

/** What `iptlint check` reports on the capture, limited to `id`'s findings. */
function captureOutput(repo: string, id: ReachRuleId, docs: ReachDocs): string {
  const dumps = commandArgs(docs)
    .filter((arg) => arg.endsWith('.rules'))
    .map((file) => ({ file, text: readFileSync(join(repo, file), 'utf8'), parse: { inputFormat: 'auto' as const, maxInputBytes: DEFAULT_MAX_INPUT_BYTES } }));
  const docker = loadDockerInputs({ networksPath: join(repo, docs.capture, 'networks.json'), containersPath: join(repo, docs.capture, 'containers.json') });
  const topology: TopologySettings = { hostAddrs: [], routes: [], ...(docs.bridgeNetfilterOff ? { brNetfilter: { [docs.bridgeNetfilterOff]: false } } : {}) };
  const ignore = (): void => undefined;
  const io = { stdout: ignore, stderr: ignore, stdinChunks: () => [], stdinIsTTY: false, cwd: repo, colorByDefault: false };
  const { reports } = lintDumps(dumps, docker, { verbose: false, topology }, io);
  const own = reports.map((report) => ({ ...report, findings: report.findings.filter((finding) => finding.ruleId === id) })).filter((report) => report.findings.length > 0);
  if (own.length === 0) throw new Error(`${docs.capture} shows no ${id}: pick a capture that does`);
  return formatStylish(own, { color: false, tool: { name: 'iptlint', version: '' } });
}

function scenarioDescription(repo: string, capture: string): string {
  const scenario = JSON.parse(readFileSync(join(repo, capture, 'scenario.json'), 'utf8')) as { description?: string };
  const host = JSON.parse(readFileSync(join(repo, capture, 'host.json'), 'utf8')) as { versions?: { docker?: { server?: string } } };
  return `captured by the lab from a real Docker ${host.versions?.docker?.server?.replace(/\+.*/, '') ?? ''} daemon: ${scenario.description ?? ''}`;
}

function reachPage(repo: string, id: ReachRuleId): string {
  const rule = REACH_RULES[id];
  const docs = DOCS[id];
  return [
    `# ${id}`,
    '',
    GENERATED,
    '',
    `**Default severity:** ${rule.severity} · **Category:** security · reported by the packet model: \`iptlint check\` with Docker's state, and \`iptlint reach\``,
    '',
    asSentence(rule.description),
    '',
    '## Why it matters',
    '',
    docs.rationale,
    '',
    '## How iptlint proves it',
    '',
    PROOF,
    '',
    '## Example: a real Docker host',
    '',
    `\`${docs.capture}\`, ${scenarioDescription(repo, docs.capture)}`,
    '',
    `\`iptlint check ${commandArgs(docs).join(' ')}\` reports, among its other findings:`,
    '',
    '```text',
    captureOutput(repo, id, docs).trimEnd(),
    '```',
    '',
    'Each finding names its witness packet and the rules on its path, and says how to fix what it found.',
    '',
  ].join('\n');
}

/** Every reach page, by path. */
export function reachPages(repo: string): Map<string, string> {
  return new Map((Object.keys(REACH_RULES) as ReachRuleId[]).map((id) => [ruleDocsPath(id), reachPage(repo, id)]));
}
