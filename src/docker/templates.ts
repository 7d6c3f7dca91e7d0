/**
 * Docker's rule shapes, generation by generation, written exactly as
 * `iptables -S` prints them (reference/docker-rules.md §2–§6).
 *
 * Placeholders: {BR} bridge, {OTHER} another bridge, {PEER} a linked container, {SUBNET} network CIDR,
 * {CIP} container address as /32 or /128, {CADDR} container address as DNAT
 * writes it (`192.0.2.2`, `[2001:db8::2]`), {CPORT}/{HPORT} container/host
 * port, {HIP} host address CIDR, {PROTO} tcp|udp|sctp, {SNATIP} SNAT source,
 * {IF} a trusted interface, {LOOPBACK} 127.0.0.0/8 or ::1/128, {MARK} fwmark,
 * {SETFAM} v4|v6.
 */
import type { DockerGeneration, G3Variant, InvariantId } from './types.js';
import { matchShape, shapeOfText, type RuleShape } from './rule-shape.js';

export interface RuleTemplate {
  id: string;
  invariant: InvariantId;
  table: 'filter' | 'nat' | 'raw' | 'mangle';
  text: string;
  /** Generations that install this shape. */
  generations: readonly DockerGeneration[];
  /** Docker may or may not install it; never reported missing or unexpected. */
  tolerated?: boolean;
}

const ALL: readonly DockerGeneration[] = ['G1a', 'G1b', 'G2', 'G3', 'G4'];
const G1: readonly DockerGeneration[] = ['G1a', 'G1b'];
const G1_G2: readonly DockerGeneration[] = ['G1a', 'G1b', 'G2'];
const G1_G3: readonly DockerGeneration[] = ['G1a', 'G1b', 'G2', 'G3'];
const G1B_ON: readonly DockerGeneration[] = ['G1b', 'G2', 'G3', 'G4', 'G4-nft'];
const G2_G3: readonly DockerGeneration[] = ['G2', 'G3'];
const G3_G4: readonly DockerGeneration[] = ['G3', 'G4'];

const PORT = '-p {PROTO} -m {PROTO}';

export const TEMPLATES: readonly RuleTemplate[] = [
  // --- wiring (shared chains) ---
  { id: 'nat-prerouting-jump', invariant: 'chain-wiring', table: 'nat', text: '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', generations: ALL },
  { id: 'nat-output-jump-proxy', invariant: 'chain-wiring', table: 'nat', text: '-A OUTPUT ! -d {LOOPBACK} -m addrtype --dst-type LOCAL -j DOCKER', generations: ALL },
  { id: 'nat-output-jump-noproxy', invariant: 'chain-wiring', table: 'nat', text: '-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER', generations: ALL },
  { id: 'forward-docker-user', invariant: 'chain-wiring', table: 'filter', text: '-A FORWARD -j DOCKER-USER', generations: G1B_ON },
  { id: 'forward-isolation', invariant: 'chain-wiring', table: 'filter', text: '-A FORWARD -j DOCKER-ISOLATION', generations: G1 },
  { id: 'isolation-return', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-ISOLATION -j RETURN', generations: G1 },
  { id: 'forward-stage1', invariant: 'chain-wiring', table: 'filter', text: '-A FORWARD -j DOCKER-ISOLATION-STAGE-1', generations: G2_G3 },
  { id: 'stage1-return', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-1 -j RETURN', generations: ['G2'] },
  { id: 'stage2-return', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-2 -j RETURN', generations: ['G2'] },
  { id: 'forward-ipset-ct', invariant: 'chain-wiring', table: 'filter', text: '-A FORWARD -m set --match-set docker-ext-bridges-{SETFAM} dst -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', generations: ['G3'] },
  { id: 'forward-ipset-docker', invariant: 'chain-wiring', table: 'filter', text: '-A FORWARD -m set --match-set docker-ext-bridges-{SETFAM} dst -j DOCKER', generations: ['G3'] },
  { id: 'forward-docker-forward', invariant: 'chain-wiring', table: 'filter', text: '-A FORWARD -j DOCKER-FORWARD', generations: G3_G4 },
  { id: 'docker-forward-ct', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-FORWARD -j DOCKER-CT', generations: G3_G4 },
  { id: 'docker-forward-stage1', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1', generations: ['G3'] },
  { id: 'docker-forward-internal', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-FORWARD -j DOCKER-INTERNAL', generations: ['G4'] },
  { id: 'docker-forward-bridge', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-FORWARD -j DOCKER-BRIDGE', generations: G3_G4 },
  { id: 'docker-forward-ingress', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-FORWARD -j DOCKER-INGRESS', generations: G3_G4, tolerated: true },
  { id: 'forward-ingress', invariant: 'chain-wiring', table: 'filter', text: '-A FORWARD -j DOCKER-INGRESS', generations: ['G2'], tolerated: true },
  { id: 'docker-forward-fwmark', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-FORWARD -m mark --mark {MARK} -j ACCEPT', generations: ['G4'], tolerated: true },
  { id: 'docker-user-return', invariant: 'chain-wiring', table: 'filter', text: '-A DOCKER-USER -j RETURN', generations: G1B_ON, tolerated: true },
  { id: 'nat-wsl-loopback-return', invariant: 'chain-wiring', table: 'nat', text: '-A DOCKER -d 127.0.0.0/8 -i loopback0 -j RETURN', generations: ALL, tolerated: true },

  // --- per-bridge forwarding: G1/G2 in FORWARD ---
  { id: 'forward-out-docker', invariant: 'bridge-forwarding', table: 'filter', text: '-A FORWARD -o {BR} -j DOCKER', generations: G1_G2 },
  { id: 'forward-ct', invariant: 'bridge-forwarding', table: 'filter', text: '-A FORWARD -o {BR} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', generations: G1_G2 },
  { id: 'forward-outgoing', invariant: 'bridge-forwarding', table: 'filter', text: '-A FORWARD -i {BR} ! -o {BR} -j ACCEPT', generations: G1_G3 },
  { id: 'forward-in-accept', invariant: 'icc', table: 'filter', text: '-A FORWARD -i {BR} -j ACCEPT', generations: ['G3'] },
  { id: 'forward-icc-accept', invariant: 'icc', table: 'filter', text: '-A FORWARD -i {BR} -o {BR} -j ACCEPT', generations: G1_G3 },
  { id: 'forward-icc-drop', invariant: 'icc', table: 'filter', text: '-A FORWARD -i {BR} -o {BR} -j DROP', generations: G1_G3 },
  // --- per-bridge forwarding: 28.0.1+ and 29.x in DOCKER-FORWARD / -CT / -BRIDGE / DOCKER ---
  { id: 'docker-forward-in-accept', invariant: 'icc', table: 'filter', text: '-A DOCKER-FORWARD -i {BR} -j ACCEPT', generations: G3_G4 },
  { id: 'docker-forward-icc-accept', invariant: 'icc', table: 'filter', text: '-A DOCKER-FORWARD -i {BR} -o {BR} -j ACCEPT', generations: G3_G4 },
  { id: 'docker-forward-icc-drop', invariant: 'icc', table: 'filter', text: '-A DOCKER-FORWARD -i {BR} -o {BR} -j DROP', generations: G3_G4 },
  { id: 'docker-forward-outgoing', invariant: 'bridge-forwarding', table: 'filter', text: '-A DOCKER-FORWARD -i {BR} ! -o {BR} -j ACCEPT', generations: G3_G4 },
  { id: 'docker-ct', invariant: 'bridge-forwarding', table: 'filter', text: '-A DOCKER-CT -o {BR} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', generations: G3_G4 },
  { id: 'docker-bridge-jump', invariant: 'bridge-forwarding', table: 'filter', text: '-A DOCKER-BRIDGE -o {BR} -j DOCKER', generations: G3_G4 },
  { id: 'docker-unpublished-drop', invariant: 'bridge-forwarding', table: 'filter', text: '-A DOCKER ! -i {BR} -o {BR} -j DROP', generations: G3_G4 },
  { id: 'docker-unprotected-accept', invariant: 'bridge-forwarding', table: 'filter', text: '-A DOCKER ! -i {BR} -o {BR} -j ACCEPT', generations: G3_G4 },
  { id: 'docker-routed-icmp', invariant: 'bridge-forwarding', table: 'filter', text: '-A DOCKER -o {BR} -p icmp -j ACCEPT', generations: G3_G4 },
  { id: 'docker-routed-icmp6', invariant: 'bridge-forwarding', table: 'filter', text: '-A DOCKER -o {BR} -p ipv6-icmp -j ACCEPT', generations: G3_G4 },

  // --- isolation between networks ---
  { id: 'isolation-pair', invariant: 'isolation', table: 'filter', text: '-A DOCKER-ISOLATION -i {BR} -o {OTHER} -j DROP', generations: G1 },
  { id: 'stage1-jump', invariant: 'isolation', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-1 -i {BR} ! -o {BR} -j DOCKER-ISOLATION-STAGE-2', generations: G2_G3 },
  { id: 'stage2-drop', invariant: 'isolation', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-2 -o {BR} -j DROP', generations: G2_G3 },
  { id: 'stage1-routed-ct', invariant: 'isolation', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-1 -i {BR} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', generations: ['G3'] },
  { id: 'stage1-routed-return', invariant: 'isolation', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-1 -o {BR} -j RETURN', generations: ['G3'] },

  // --- internal networks ---
  { id: 'internal-g1-out', invariant: 'internal', table: 'filter', text: '-A DOCKER-ISOLATION ! -s {SUBNET} -o {BR} -j DROP', generations: G1 },
  { id: 'internal-g1-in', invariant: 'internal', table: 'filter', text: '-A DOCKER-ISOLATION ! -d {SUBNET} -i {BR} -j DROP', generations: G1 },
  { id: 'internal-stage1-out', invariant: 'internal', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-1 ! -s {SUBNET} -o {BR} -j DROP', generations: G2_G3 },
  { id: 'internal-stage1-in', invariant: 'internal', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-1 ! -d {SUBNET} -i {BR} -j DROP', generations: G2_G3 },
  { id: 'internal-stage1-out6', invariant: 'internal', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-1 ! -s {SUBNET} ! -i {BR} -o {BR} -j DROP', generations: G2_G3 },
  { id: 'internal-stage1-in6', invariant: 'internal', table: 'filter', text: '-A DOCKER-ISOLATION-STAGE-1 ! -d {SUBNET} -i {BR} ! -o {BR} -j DROP', generations: G2_G3 },
  { id: 'internal-g4-out', invariant: 'internal', table: 'filter', text: '-A DOCKER-INTERNAL ! -s {SUBNET} -o {BR} -j DROP', generations: ['G4'] },
  { id: 'internal-g4-in', invariant: 'internal', table: 'filter', text: '-A DOCKER-INTERNAL ! -d {SUBNET} -i {BR} -j DROP', generations: ['G4'] },
  { id: 'internal-g4-out6', invariant: 'internal', table: 'filter', text: '-A DOCKER-INTERNAL ! -s {SUBNET} ! -i {BR} -o {BR} -j DROP', generations: ['G4'] },
  { id: 'internal-g4-in6', invariant: 'internal', table: 'filter', text: '-A DOCKER-INTERNAL ! -d {SUBNET} -i {BR} ! -o {BR} -j DROP', generations: ['G4'] },

  // --- NAT per bridge ---
  { id: 'masquerade-subnet', invariant: 'masquerade', table: 'nat', text: '-A POSTROUTING -s {SUBNET} ! -o {BR} -j MASQUERADE', generations: ALL },
  { id: 'snat-subnet', invariant: 'masquerade', table: 'nat', text: '-A POSTROUTING -s {SUBNET} ! -o {BR} -j SNAT --to-source {SNATIP}', generations: ['G2', 'G3', 'G4'] },
  { id: 'masquerade-local', invariant: 'masquerade', table: 'nat', text: '-A POSTROUTING -o {BR} -m addrtype --src-type LOCAL -j MASQUERADE', generations: ALL },
  { id: 'snat-local', invariant: 'masquerade', table: 'nat', text: '-A POSTROUTING -o {BR} -m addrtype --src-type LOCAL -j SNAT --to-source {SNATIP}', generations: ['G2', 'G3', 'G4'] },
  { id: 'nat-return', invariant: 'nat-return', table: 'nat', text: '-A DOCKER -i {BR} -j RETURN', generations: G1_G3 },

  // --- published ports ---
  { id: 'dnat', invariant: 'published-port', table: 'nat', text: `-A DOCKER ! -i {BR} ${PORT} --dport {HPORT} -j DNAT --to-destination {CADDR}:{CPORT}`, generations: ALL },
  { id: 'dnat-hostip', invariant: 'published-port', table: 'nat', text: `-A DOCKER -d {HIP} ! -i {BR} ${PORT} --dport {HPORT} -j DNAT --to-destination {CADDR}:{CPORT}`, generations: ALL },
  { id: 'dnat-noproxy', invariant: 'published-port', table: 'nat', text: `-A DOCKER ${PORT} --dport {HPORT} -j DNAT --to-destination {CADDR}:{CPORT}`, generations: ALL },
  { id: 'dnat-hostip-noproxy', invariant: 'published-port', table: 'nat', text: `-A DOCKER -d {HIP} ${PORT} --dport {HPORT} -j DNAT --to-destination {CADDR}:{CPORT}`, generations: ALL },
  { id: 'dnat6', invariant: 'published-port', table: 'nat', text: `-A DOCKER ! -s fe80::/10 ! -i {BR} ${PORT} --dport {HPORT} -j DNAT --to-destination {CADDR}:{CPORT}`, generations: G3_G4 },
  { id: 'dnat6-hostip', invariant: 'published-port', table: 'nat', text: `-A DOCKER ! -s fe80::/10 -d {HIP} ! -i {BR} ${PORT} --dport {HPORT} -j DNAT --to-destination {CADDR}:{CPORT}`, generations: G3_G4 },
  { id: 'dnat6-noproxy', invariant: 'published-port', table: 'nat', text: `-A DOCKER ! -s fe80::/10 ${PORT} --dport {HPORT} -j DNAT --to-destination {CADDR}:{CPORT}`, generations: G3_G4 },
  { id: 'dnat6-hostip-noproxy', invariant: 'published-port', table: 'nat', text: `-A DOCKER ! -s fe80::/10 -d {HIP} ${PORT} --dport {HPORT} -j DNAT --to-destination {CADDR}:{CPORT}`, generations: G3_G4 },
  { id: 'port-accept', invariant: 'published-port', table: 'filter', text: `-A DOCKER -d {CIP} ! -i {BR} -o {BR} ${PORT} --dport {CPORT} -j ACCEPT`, generations: ALL },
  { id: 'port-hairpin', invariant: 'published-port', table: 'nat', text: `-A POSTROUTING -s {CIP} -d {CIP} ${PORT} --dport {CPORT} -j MASQUERADE`, generations: ALL },
  { id: 'link-accept-dport', invariant: 'published-port', table: 'filter', text: `-A DOCKER -s {CIP} -d {PEER} -i {BR} -o {BR} ${PORT} --dport {CPORT} -j ACCEPT`, generations: ALL, tolerated: true },
  { id: 'link-accept-sport', invariant: 'published-port', table: 'filter', text: `-A DOCKER -s {CIP} -d {PEER} -i {BR} -o {BR} -p {PROTO} -m {PROTO} --sport {CPORT} -j ACCEPT`, generations: ALL, tolerated: true },
  { id: 'sctp-checksum', invariant: 'published-port', table: 'mangle', text: '-A POSTROUTING -p sctp -m sctp --sport {CPORT} -j CHECKSUM --checksum-fill', generations: ['G1b', 'G2', 'G3'], tolerated: true },

  // --- raw-table protection (28.0+); the loopback shape first, it is the more specific ---
  { id: 'raw-loopback-drop', invariant: 'raw-protection', table: 'raw', text: `-A PREROUTING -d {HIP} ! -i lo ${PORT} --dport {HPORT} -j DROP`, generations: G3_G4 },
  { id: 'raw-port-drop', invariant: 'raw-protection', table: 'raw', text: `-A PREROUTING -d {CIP} ! -i {BR} ${PORT} --dport {CPORT} -j DROP`, generations: ['G3'] },
  { id: 'raw-endpoint-drop', invariant: 'raw-protection', table: 'raw', text: '-A PREROUTING -d {CIP} ! -i {BR} -j DROP', generations: G3_G4 },
  { id: 'raw-trusted-accept', invariant: 'raw-protection', table: 'raw', text: '-A PREROUTING -d {CIP} -i {IF} -j ACCEPT', generations: G3_G4, tolerated: true },
  { id: 'raw-loopback-wsl', invariant: 'raw-protection', table: 'raw', text: `-A PREROUTING -d {HIP} -i loopback0 ${PORT} --dport {HPORT} -j ACCEPT`, generations: G3_G4, tolerated: true },
];

/**
 * 28.x sub-variants that write a template (absent: every 28.x). 28.0.0 kept
 * its rules in FORWARD with ipsets; 28.0.1 moved them to DOCKER-FORWARD and
 * friends; 28.2.0 replaced the per-port raw DROP by a per-endpoint one.
 */
const G3_VARIANTS: Record<string, readonly G3Variant[]> = {
  'forward-ipset-ct': ['28.0.0'],
  'forward-ipset-docker': ['28.0.0'],
  'forward-stage1': ['28.0.0'],
  'forward-in-accept': ['28.0.0'],
  'forward-outgoing': ['28.0.0'],
  'forward-icc-accept': ['28.0.0'],
  'forward-icc-drop': ['28.0.0'],
  'forward-docker-forward': ['28.0.1-28.1', '28.2+'],
  'docker-forward-ct': ['28.0.1-28.1', '28.2+'],
  'docker-forward-stage1': ['28.0.1-28.1', '28.2+'],
  'docker-forward-bridge': ['28.0.1-28.1', '28.2+'],
  'docker-forward-in-accept': ['28.0.1-28.1', '28.2+'],
  'docker-forward-icc-accept': ['28.0.1-28.1', '28.2+'],
  'docker-forward-icc-drop': ['28.0.1-28.1', '28.2+'],
  'docker-forward-outgoing': ['28.0.1-28.1', '28.2+'],
  'docker-ct': ['28.0.1-28.1', '28.2+'],
  'docker-bridge-jump': ['28.0.1-28.1', '28.2+'],
  'raw-port-drop': ['28.0.0', '28.0.1-28.1'],
  'raw-endpoint-drop': ['28.2+'],
};

/** Whether Docker of this generation (and 28.x sub-variant, when known) writes rules of this shape. */
export function templateFits(template: RuleTemplate, generation: DockerGeneration, variant: G3Variant | undefined): boolean {
  if (!template.generations.includes(generation)) return false;
  if (generation !== 'G3' || variant === undefined) return true;
  const variants = G3_VARIANTS[template.id];
  return variants === undefined || variants.includes(variant);
}

export interface CompiledTemplate extends RuleTemplate {
  shape: RuleShape;
}

const COMPILED: readonly CompiledTemplate[] = TEMPLATES.map((template) => ({ ...template, shape: shapeOfText(template.text) }));
const BY_ID = new Map(COMPILED.map((template) => [template.id, template]));

export function compiledTemplates(): readonly CompiledTemplate[] {
  return COMPILED;
}

export function templateById(id: string): CompiledTemplate {
  const template = BY_ID.get(id);
  if (!template) throw new Error(`unknown Docker rule template ${id}`);
  return template;
}

/** The placeholder values of a concrete rule shape, read back through the first template it fits. */
export function capturesOfShape(table: string, shape: RuleShape): { templateId: string; captures: Record<string, string> } | undefined {
  for (const template of COMPILED) {
    if (template.table !== table || template.shape.chain !== shape.chain) continue;
    const captures = matchShape(template.shape, shape);
    if (captures) return { templateId: template.id, captures };
  }
  return undefined;
}
