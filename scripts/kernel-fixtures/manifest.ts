/**
 * What the kernel fixtures are made of: the hand-written source rulesets, the
 * iptables backends they are loaded through, and where the outputs go.
 *
 * Naming rule shared by sources and fixtures: a name ending in `-ip6` is an
 * IPv6 ruleset (ip6tables); everything else is IPv4.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DumpFormat, Family } from '../../grammar/ast.js';

export type Backend = 'nft' | 'legacy';
export const BACKENDS: readonly Backend[] = ['nft', 'legacy'];

export interface SourceRuleset {
  name: string;
  family: Family;
  description: string;
  /** Restore with `--counters`, save with `-c`, list with `-S -v` (the source carries `[p:b]`). */
  counters: boolean;
  /** Also capture an `iptables -S` listing. */
  listing: boolean;
  rulesFile: string;
  /** `ipset restore` input loaded into the namespace before the rules. */
  ipsetFile?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
const SOURCES_DIR = join(here, 'sources');
export const FIXTURES_DIR = join(REPO_ROOT, 'fixtures/kernel');

interface SourceEntry {
  name: string;
  description: string;
  counters?: boolean;
  listing?: boolean;
}

const ENTRIES: readonly SourceEntry[] = [
  { name: 'docker-host', description: 'Docker 20.10 host: docker0 + two user bridges (one internal), published ports, DOCKER-USER', listing: true },
  { name: 'kube-proxy', description: 'kube-proxy (iptables mode) node: KUBE-SERVICES/SVC/SEP/EXT/FW chains, statistic, DNAT, MARK, comments', listing: true },
  { name: 'firewalld', description: 'firewalld 0.8 iptables backend: zones, ipset source, forward-port, raw/mangle/security/nat/filter' },
  { name: 'ufw', description: 'ufw 0.36: before/user/after chains, limit via recent, LOG prefixes with brackets' },
  { name: 'shorewall', description: 'Shorewall 5.2 two-interface router: generated chain names (~comb0, %smurflog, +net-fw), tcpflags, dynamic ipset' },
  { name: 'kitchen-sink', description: 'IPv4 ruleset using most match/target extensions, quoting edge cases, non-canonical input', listing: true },
  { name: 'router-counters', description: 'small router restored with --counters and saved with -c: [p:b] on every rule, 2^64-1 counters', counters: true, listing: true },
  { name: 'docker-host-ip6', description: 'Docker 20.10 host with ip6tables enabled: ICMPv6 host rules, bracketed DNAT targets', listing: true },
  { name: 'kube-proxy-ip6', description: 'dual-stack kube-proxy node, IPv6 family' },
  { name: 'ufw-ip6', description: 'ufw 0.36 IPv6 side (ufw6-* chains, rt type 0 drop, ICMPv6 neighbour discovery)' },
  { name: 'kitchen-sink-ip6', description: 'IPv6-only extensions (frag, hbh, dst, rt, ipv6header, mh, eui64, HL, DNPT/SNPT, REJECT icmp6-*)', listing: true },
];

function familyOfName(name: string): Family {
  return name.endsWith('-ip6') ? 'ipv6' : 'ipv4';
}

function toSourceRuleset(entry: SourceEntry): SourceRuleset {
  const ipsetFile = join(SOURCES_DIR, `${entry.name}.ipset`);
  return {
    name: entry.name,
    family: familyOfName(entry.name),
    description: entry.description,
    counters: entry.counters ?? false,
    listing: entry.listing ?? false,
    rulesFile: join(SOURCES_DIR, `${entry.name}.rules`),
    ...(existsSync(ipsetFile) ? { ipsetFile } : {}),
  };
}

export const SOURCES: readonly SourceRuleset[] = ENTRIES.map(toSourceRuleset);

const FIXTURE_EXTENSIONS: Readonly<Record<DumpFormat, string>> = { save: '.rules', list: '.list' };

export function fixturePath(backend: Backend, name: string, format: DumpFormat): string {
  return join(FIXTURES_DIR, backend, `${name}${FIXTURE_EXTENSIONS[format]}`);
}

/** How a fixture file is to be parsed, from its path; undefined for files that are not fixtures. */
export function fixtureKind(path: string): { format: DumpFormat; family: Family } | undefined {
  const extension = extname(path);
  const format = (Object.keys(FIXTURE_EXTENSIONS) as DumpFormat[]).find((kind) => FIXTURE_EXTENSIONS[kind] === extension);
  return format === undefined ? undefined : { format, family: familyOfName(basename(path, extension)) };
}
