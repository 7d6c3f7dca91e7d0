/**
 * Findings from a reach report (`reach/*` rule ids), each with a witness
 * packet and its rule path in the message and the rules on that path as
 * related spans.
 */
import type { Family, Span } from '../../grammar/ast.js';
import { iptablesCommand } from '../docker/fix-command.js';
import type { Finding, Severity } from '../engine/types.js';
import type { Rule } from '../model/types.js';
import { formatAddr } from './address.js';
import { ruleText } from './evaluator.js';
import type { Host } from './host.js';
import type { Exposure, MatrixCell, ReachReport } from './reach.js';
import type { Witness } from './reach-query.js';

export const REACH_RULES = {
  'reach/isolation-gap': { severity: 'error', description: 'two Docker networks that Docker isolates can open connections to each other' },
  'reach/icc-violation': { severity: 'error', description: 'containers of a network with inter-container communication disabled can reach each other' },
  'reach/unexpected-exposure': { severity: 'error', description: 'a container port that is not published is reachable from outside' },
  'reach/direct-container-access': { severity: 'warning', description: 'a published container port is also reachable directly at the container address' },
  'reach/ineffective-docker-user': { severity: 'error', description: 'a DOCKER-USER rule names the host side of a published port, which FORWARD never sees' },
  'reach/ipv6-exposure': { severity: 'warning', description: 'a container port is reachable over IPv6 where IPv4 blocks or restricts it' },
} as const satisfies Record<string, { severity: Severity; description: string }>;

export type ReachRuleId = keyof typeof REACH_RULES;

const FAMILY_LABEL: Record<Family, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

function hopText(hop: { table: string; chain: string; rule?: number; ruleLine?: number; action: string }): string {
  if (hop.ruleLine === undefined) return `${hop.table}${hop.chain ? ` ${hop.chain}` : ''}: ${hop.action}`;
  return `${hop.table} ${hop.chain} #${hop.rule ?? '?'} (line ${hop.ruleLine}): ${hop.action}`;
}

/** `tcp 203.0.113.1:40000 → 172.18.0.2:80 in eth0`. */
export function describeWitnessPacket(witness: Witness): string {
  const { packet } = witness;
  const at = (address: string, port: number | undefined): string => (port === undefined ? address : packet.family === 'ipv6' ? `[${address}]:${port}` : `${address}:${port}`);
  return `${packet.proto} ${at(packet.src, packet.sport)} → ${at(packet.dst, packet.dport)}${packet.in ? ` in ${packet.in}` : ''}`;
}

/**
 * The decisive steps of a path, in one line: the rules that acted (not jumps
 * or returns), else what decided without a rule — a filtering policy, or the
 * kernel (a frame bridged without iptables, no route).
 */
function decisiveSteps(hops: Witness['request']): string {
  const rules = hops.filter((hop) => hop.ruleLine !== undefined && !/^(jump|goto|RETURN)/.test(hop.action)).map(hopText);
  const policy = [...hops].reverse().find((hop) => hop.ruleLine === undefined && hop.action.startsWith('policy') && ['filter', 'raw', 'mangle', 'security'].includes(hop.table));
  const kernel = hops.filter((hop) => hop.table === 'bridge' || (hop.table === 'routing' && !/^(out |local delivery)/.test(hop.action))).map(hopText);
  const parts = [...kernel, ...rules];
  if (policy && !rules.some((rule) => rule.startsWith(`${policy.table} `) && /ACCEPT|DROP|REJECT/.test(rule))) parts.push(hopText(policy));
  return parts.length > 0 ? parts.join(', ') : 'no rule matched, every policy ACCEPT';
}

/** The witness in one line: the packet, what decided its request and its reply. */
export function describeWitness(witness: Witness): string {
  const parts = [`witness ${describeWitnessPacket(witness)}`, `request: ${decisiveSteps(witness.request)}`];
  if (witness.reply) parts.push(`reply: ${decisiveSteps(witness.reply)}`);
  if (witness.why) parts.push(witness.why);
  return parts.join('; ');
}

interface FindingContext {
  host: Host;
  report: ReachReport;
  findings: Finding[];
}

function fileOf(host: Host, family: Family): string {
  return host.rulesets[family]?.model.source.file ?? '<stdin>';
}

function chainSpan(host: Host, family: Family, table: string, chain: string): Span | undefined {
  const found = host.rulesets[family]?.model.tables.get(table)?.chains.get(chain);
  return found ? (found.declarations[0]?.span ?? found.span) : undefined;
}

const START: Span = { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0 };

/** Where to point: the rule (or policy) that decided the witness, else the FORWARD chain. */
function spanOf(host: Host, family: Family, witness: Witness | undefined, fallbackChain = 'FORWARD'): Span {
  if (witness?.decidedBy) return witness.decidedBy.span;
  if (witness?.decidedByPolicy) return chainSpan(host, family, witness.decidedByPolicy.table, witness.decidedByPolicy.chain) ?? START;
  return chainSpan(host, family, 'filter', fallbackChain) ?? START;
}

function related(witness: Witness | undefined): { message: string; span: Span }[] {
  if (!witness) return [];
  const seen = new Set<Rule>();
  const out: { message: string; span: Span }[] = [];
  for (const rule of witness.rules) {
    if (seen.has(rule) || rule === witness.decidedBy) continue;
    seen.add(rule);
    out.push({ message: `on the witness path: ${rule.table} ${rule.chain} #${rule.index + 1}`, span: rule.span });
  }
  return out.slice(0, 6);
}

/** What let the witness through: the filtering policy or the rule that accepted it. */
function opener(family: Family, witness: Witness | undefined): string | undefined {
  const tool = iptablesCommand(family);
  const policy = witness?.decidedByPolicy;
  if (policy?.policy === 'ACCEPT') {
    return `${tool} -t ${policy.table} -P ${policy.chain} DROP, after an ACCEPT for the other traffic this host must forward (Docker 28 and later also write a per-bridge DROP into DOCKER: restart dockerd to restore it)`;
  }
  const rule = witness?.decidedBy;
  if (rule) return `delete or narrow the rule that accepts it (line ${rule.span.line}: \`${ruleText(rule)}\`) if you added it, else restart dockerd to restore the rules that stop this packet before it`;
  return undefined;
}

function push(context: FindingContext, ruleId: ReachRuleId, family: Family, message: string, witness: Witness | undefined, extra: { fix?: string; span?: Span; severity?: Severity } = {}): void {
  const finding: Finding = {
    ruleId,
    severity: extra.severity ?? REACH_RULES[ruleId].severity,
    category: 'security',
    message,
    file: fileOf(context.host, family),
    span: extra.span ?? spanOf(context.host, family, witness),
  };
  if (extra.fix) finding.fix = extra.fix;
  const links = related(witness);
  if (links.length > 0) finding.related = links;
  context.findings.push(finding);
}

function networkLabel(host: Host, name: string): string {
  const network = host.networks.find((candidate) => candidate.name === name);
  return network && network.bridge !== name ? `network "${name}" (${network.bridge})` : `network "${name}"`;
}

/** Without br_netfilter's hook, frames bridged between two containers never see iptables, so no rule can stop them. */
function bridgeNetfilterFix(family: Family): string {
  const key = `net.bridge.bridge-nf-call-${iptablesCommand(family)}`;
  return `sysctl -w ${key}=1, and keep it across reboots: the br_netfilter module in /etc/modules-load.d/ and ${key} = 1 in /etc/sysctl.d/`;
}

function isolation(context: FindingContext, mayTalk: readonly (readonly [string, string])[]): void {
  const allowed = (a: string, b: string): boolean => mayTalk.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  const reported = new Set<string>();
  for (const cell of context.report.matrix) {
    if (cell.status !== 'open' && cell.status !== 'partial') continue;
    const { host } = context;
    if (cell.from === cell.to) {
      const network = host.networks.find((candidate) => candidate.name === cell.from);
      if (network && !network.icc) {
        push(
          context,
          'reach/icc-violation',
          cell.family,
          `${networkLabel(host, cell.from)} disables inter-container communication (enable_icc=false), yet its containers reach each other over ${FAMILY_LABEL[cell.family]}: ${summary(cell)}; ${cell.witness ? describeWitness(cell.witness) : ''}`.trim(),
          cell.witness,
          { fix: host.topology.brNetfilter[cell.family] ? `${opener(cell.family, cell.witness) ?? 'remove the rule that accepts traffic within the bridge'} (Docker's \`-i BRIDGE -o BRIDGE -j DROP\` must see it)` : bridgeNetfilterFix(cell.family) },
        );
      }
      continue;
    }
    if (allowed(cell.from, cell.to) || cell.onlyPublished) continue;
    const key = `${cell.family}:${[cell.from, cell.to].sort().join('|')}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const back = context.report.matrix.find((other) => other.family === cell.family && other.from === cell.to && other.to === cell.from);
    const both = back && (back.status === 'open' || back.status === 'partial');
    push(
      context,
      'reach/isolation-gap',
      cell.family,
      `${networkLabel(host, cell.from)} can open connections to ${networkLabel(host, cell.to)}${both ? ' and back' : ''} over ${FAMILY_LABEL[cell.family]}, although Docker isolates bridge networks from each other: ${summary(cell)}; ${cell.witness ? describeWitness(cell.witness) : ''}`.trim(),
      cell.witness,
      {
        fix: `restart dockerd to restore its isolation rules and remove whatever deleted or bypassed them (the request path above shows what let the packet through); to connect the two networks on purpose, attach the containers that need it to both networks (\`docker network connect\`), or list the pair under \`mayTalkTo\` in the policy file`,
      },
    );
  }
}

function summary(cell: MatrixCell): string {
  return cell.open.length === 0 ? cell.status : cell.open.map((line) => line.trim()).join(' ');
}

function exposureTarget(exposure: Exposure): string {
  const port = exposure.ports ? `${exposure.proto} ${exposure.ports}` : exposure.proto;
  return `${exposure.container ? `container "${exposure.container}"` : `address ${exposure.address}`} (${exposure.address}${exposure.network ? `, network "${exposure.network}"` : ''}) ${port}`;
}

function subnetsText(host: Host, exposure: Exposure): string {
  const network = host.networks.find((candidate) => candidate.name === exposure.network);
  return network?.subnets.filter((block) => block.family === exposure.family).map((block) => `${formatAddr(block.network, block.family)}/${block.bits}`).join(', ') || 'the container subnet';
}

function exposures(context: FindingContext): void {
  const { host, report } = context;
  // Published ports reachable directly: one finding per network (on Docker < 28 that is every published port).
  const direct = new Map<string, Exposure[]>();
  const unpublished = new Map<string, Exposure[]>();
  for (const exposure of report.exposure) {
    if (exposure.status !== 'open' && exposure.status !== 'partial') continue;
    const witness = exposure.witness;
    const tail = witness ? `; ${describeWitness(witness)}` : '';
    const from = `from outside (${exposure.interfaces.join(', ') || 'the uplink'}, sources ${exposure.sources})`;
    if (exposure.via === 'direct') {
      if (exposure.published) {
        const key = `${exposure.family}|${exposure.network ?? ''}`;
        direct.set(key, [...(direct.get(key) ?? []), exposure]);
        continue;
      }
      const key = `${exposure.family}|${exposure.address}`;
      unpublished.set(key, [...(unpublished.get(key) ?? []), exposure]);
      continue;
    }
    if (!exposure.published) {
      push(
        context,
        'reach/unexpected-exposure',
        exposure.family,
        `${exposureTarget(exposure)} is reachable ${from} through host port ${exposure.hostPorts ?? '?'} (${exposure.mapping ?? ''}), although ${exposure.container ? `"${exposure.container}" does not publish that port: a stale mapping?` : 'no known container owns that address (a stale mapping, or a sandbox Docker does not list, like swarm\'s ingress-sbox)'}${tail}`,
        witness,
        exposure.dnatRule ? { span: exposure.dnatRule.span, fix: `${iptablesCommand(exposure.family)} -t nat -D ${exposure.dnatRule.chain} ${ruleText(exposure.dnatRule).replace(/^-A \S+ /, '')}` } : {},
      );
    }
  }
  // Unpublished ports reachable directly: one finding per container address.
  for (const group of unpublished.values()) {
    const first = group[0] as Exposure;
    const witnessed = group.find((exposure) => exposure.proto === 'tcp' && exposure.witness) ?? group.find((exposure) => exposure.witness) ?? first;
    const what = group.map((exposure) => (exposure.ports ? `${exposure.proto} ${exposure.ports}` : exposure.proto)).join(', ');
    const who = first.container ? `container "${first.container}"` : `address ${first.address}`;
    push(
      context,
      'reach/unexpected-exposure',
      first.family,
      `${who} (${first.address}${first.network ? `, network "${first.network}"` : ''}) accepts ${what} from outside (${first.interfaces.join(', ') || 'the uplink'}, sources ${first.sources}) — from hosts that route ${subnetsText(host, first)} via this host — although it does not publish them${witnessed.witness ? `; ${describeWitness(witnessed.witness)}` : ''}`,
      witnessed.witness,
      { fix: opener(first.family, witnessed.witness) ?? 'restart dockerd to restore the rules that drop traffic to unpublished container ports' },
    );
  }
  for (const group of direct.values()) {
    const first = group[0] as Exposure;
    const witnessed = group.find((exposure) => exposure.witness) ?? first;
    const items = group.map((exposure) => `${exposure.container ?? exposure.address} ${exposure.proto}/${exposure.ports}`);
    const shown = items.length > 6 ? `${items.slice(0, 6).join(', ')} and ${items.length - 6} more` : items.join(', ');
    push(
      context,
      'reach/direct-container-access',
      first.family,
      `network "${first.network ?? '?'}": published container ports are also reachable directly at the container addresses (${shown}) from hosts that route ${subnetsText(host, first)} via this host, bypassing the host-port mapping and any rule written for the host port (Docker 28 and later drop such packets in the raw table)${witnessed.witness ? `; ${describeWitness(witnessed.witness)}` : ''}`,
      witnessed.witness,
      { fix: `upgrade to Docker 28 or later, which drops these packets in the raw table; until then, make sure no neighbour or upstream router routes ${subnetsText(host, first)} to this host` },
    );
  }
}

function dockerUser(context: FindingContext): void {
  for (const check of context.report.dockerUser) {
    const ports = check.missesPorts.map((miss) => `host port ${miss.hostPort}/${miss.proto} (→ ${miss.container ?? '?'}:${miss.containerPort})`).join(', ');
    const witness = check.missesPorts[0]?.witness;
    push(
      context,
      'reach/ineffective-docker-user',
      check.family,
      `DOCKER-USER rule \`${check.ruleText}\` names the host side of ${ports}, but DOCKER-USER runs in FORWARD after the DNAT in PREROUTING: the packet then carries the container address and port, so the rule never matches this traffic; match the original destination with conntrack instead${witness ? `; ${describeWitness(witness)}` : ''}`,
      witness,
      { span: check.rule.span, ...(check.suggestion ? { fix: `${iptablesCommand(check.family)} -R DOCKER-USER ${check.rule.index + 1} ${check.suggestion.replace(/^-A DOCKER-USER /, '')}` } : {}) },
    );
  }
}

function ipv6(context: FindingContext): void {
  const { report } = context;
  for (const exposure of report.exposure) {
    if (exposure.family !== 'ipv6' || (exposure.status !== 'open' && exposure.status !== 'partial')) continue;
    const counterparts = report.exposure.filter(
      (other) => other.family === 'ipv4' && other.container === exposure.container && other.proto === exposure.proto && other.ports === exposure.ports && (exposure.via === 'direct') === (other.via === 'direct'),
    );
    const v4Open = counterparts.filter((other) => other.status === 'open' && other.restrictedBy.length === 0);
    if (counterparts.length > 0 && v4Open.length > 0) continue;
    const restrictions = counterparts.flatMap((other) => other.restrictedBy.map((rule) => `line ${rule.ruleLine} \`${rule.ruleText}\``));
    const v4 =
      counterparts.length === 0
        ? 'over IPv4 it is not reachable this way'
        : restrictions.length > 0
          ? `over IPv4 ${[...new Set(restrictions)].join(', ')} blocks it`
          : `over IPv4 it is ${counterparts[0]?.status ?? 'closed'}`;
    const via = exposure.via === 'proxy' ? `through docker-proxy on [::]:${exposure.hostPorts ?? '?'} (no ip6tables rule sees the forwarded connection)` : exposure.via === 'published' ? `through host port ${exposure.hostPorts ?? '?'}` : `directly at ${exposure.address}`;
    push(
      context,
      'reach/ipv6-exposure',
      'ipv6',
      `${exposureTarget(exposure)} is reachable over IPv6 ${via}, while ${v4}${exposure.witness ? `; ${describeWitness(exposure.witness)}` : ''}`,
      exposure.witness,
      {
        fix:
          exposure.via === 'proxy'
            ? 'publish the port on an IPv4 address only (`-p 0.0.0.0:PORT:PORT`), or run dockerd with `"userland-proxy": false` so that ip6tables rules see the traffic, then restrict it there'
            : 'write the IPv4 restriction for IPv6 too: the same rule in ip6tables DOCKER-USER, with the IPv6 addresses',
      },
    );
  }
}

export interface ReachFindingOptions {
  /** Network pairs allowed to reach each other (a policy's `mayTalk`). */
  mayTalk?: readonly (readonly [string, string])[];
}

/** The `reach/*` findings of a report. */
export function reachFindings(host: Host, report: ReachReport, options: ReachFindingOptions = {}): Finding[] {
  const context: FindingContext = { host, report, findings: [] };
  isolation(context, options.mayTalk ?? []);
  exposures(context);
  dockerUser(context);
  ipv6(context);
  return context.findings;
}
