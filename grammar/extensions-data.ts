/**
 * Registry of every iptables/ip6tables match and target extension: option
 * names, argument count, whether `!` is accepted, mandatory options.
 *
 * Facts from the option tables in netfilter iptables `extensions/lib{xt,ipt,ip6t}_*.c`
 * at v1.8.13-8-g5ef190fb (see /work/shared/reference/extensions.md, section C),
 * including the obsolete CLUSTERIP and ULOG (their tests were dropped), the
 * MIRROR, SAME and unclean extensions removed in 2015 (they still appear in
 * old dumps) and the standard verdicts ACCEPT, DROP, QUEUE, RETURN. ebtables
 * (`libebt_*`) and arptables (`libarpt_*`) extensions are left out.
 *
 * Conventions:
 * - One entry per name and kind. Where revisions differ, an option is listed
 *   if any revision has it, is invertible if any revision allows `!`, and is
 *   mandatory only if every revision requires it.
 * - Families come from the registrations: `libxt_` is both families unless
 *   every registration names one (osf).
 * - Options are in the order of the upstream option table.
 * - `o(name, args, flags, ...aliases)`: `args` is how many tokens the option
 *   consumes; flags `!` = invertible, `*` = mandatory.
 */
import type { Family } from './ast.js';
import type { ExtensionDef, OptionDef } from './extension-types.js';

type Flags = '' | '!' | '*' | '!*';

function o(name: string, args: 0 | 1 | 2, flags: Flags = '', ...aliases: string[]): OptionDef {
  const def: OptionDef = { name, args, invertible: flags.includes('!') };
  if (flags.includes('*')) def.mandatory = true;
  if (aliases.length > 0) def.aliases = aliases;
  return def;
}

const BOTH: readonly Family[] = ['ipv4', 'ipv6'];
const V4: readonly Family[] = ['ipv4'];
const V6: readonly Family[] = ['ipv6'];

function match(name: string, families: readonly Family[], options: OptionDef[], realName?: string): ExtensionDef {
  return realName === undefined ? { name, kind: 'match', families, options } : { name, kind: 'match', families, options, realName };
}

function target(name: string, families: readonly Family[], options: OptionDef[], realName?: string): ExtensionDef {
  return realName === undefined ? { name, kind: 'target', families, options } : { name, kind: 'target', families, options, realName };
}

/** `--sport`/`--dport` and their long synonyms, shared by tcp, udp, dccp and sctp. */
const ports = (): OptionDef[] => [o('sport', 1, '!', 'source-port'), o('dport', 1, '!', 'destination-port')];

/**
 * rateest flags that take one OPTIONAL operand (a rate): iptables consumes the
 * next token only when it does not begin with `-` or `!` (`libxt_rateest.c:
 * rateest_parse()`). `OptionDef.args` cannot say "optional", so these are
 * `args: 0` in the table and listed here for the parser.
 */
export const OPTIONAL_OPERAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  rateest: ['rateest-bps1', 'rateest-pps1', 'rateest-bps2', 'rateest-pps2', 'rateest-bps', 'rateest-pps'],
};

const MATCHES: readonly ExtensionDef[] = [
  match('addrtype', BOTH, [
    o('src-type', 1, '!'),
    o('dst-type', 1, '!'),
    o('limit-iface-in', 0),
    o('limit-iface-out', 0),
  ]),
  // libipt_ah has only --ahspi; --ahlen and --ahres exist for IPv6 only (libip6t_ah).
  match('ah', BOTH, [o('ahspi', 1, '!'), o('ahlen', 1, '!'), o('ahres', 0)]),
  match('bpf', BOTH, [o('bytecode', 1), o('object-pinned', 1)]),
  // --cgroup is mandatory in revision 0 only; revisions 1-2 accept --path instead.
  match('cgroup', BOTH, [o('path', 1, '!'), o('cgroup', 1, '!')]),
  match('cluster', BOTH, [
    o('cluster-total-nodes', 1, '*'),
    o('cluster-local-node', 1, '!'),
    o('cluster-local-nodemask', 1, '!'),
    o('cluster-hash-seed', 1, '*'),
  ]),
  match('comment', BOTH, [o('comment', 1, '*')]),
  match('connbytes', BOTH, [o('connbytes', 1, '!*'), o('connbytes-dir', 1, '*'), o('connbytes-mode', 1, '*')]),
  match('connlabel', BOTH, [o('label', 1, '!*'), o('set', 0)]),
  match('connlimit', BOTH, [
    o('connlimit-upto', 1, '!'),
    o('connlimit-above', 1, '!'),
    o('connlimit-mask', 1),
    o('connlimit-saddr', 0),
    o('connlimit-daddr', 0),
  ]),
  match('connmark', BOTH, [o('mark', 1, '!*')]),
  // Revision 0 (IPv4 only) lacks the port options and --ctdir.
  match('conntrack', BOTH, [
    o('ctstate', 1, '!'),
    o('ctproto', 1, '!'),
    o('ctorigsrc', 1, '!'),
    o('ctorigdst', 1, '!'),
    o('ctreplsrc', 1, '!'),
    o('ctrepldst', 1, '!'),
    o('ctstatus', 1, '!'),
    o('ctexpire', 1, '!'),
    o('ctorigsrcport', 1, '!'),
    o('ctorigdstport', 1, '!'),
    o('ctreplsrcport', 1, '!'),
    o('ctrepldstport', 1, '!'),
    o('ctdir', 1),
  ]),
  match('cpu', BOTH, [o('cpu', 1, '!*')]),
  match('dccp', BOTH, [...ports(), o('dccp-types', 1, '!'), o('dccp-option', 1, '!')]),
  match('devgroup', BOTH, [o('src-group', 1, '!'), o('dst-group', 1, '!')]),
  match('dscp', BOTH, [o('dscp', 1, '!'), o('dscp-class', 1, '!')]),
  match('dst', V6, [o('dst-len', 1, '!'), o('dst-opts', 1)]),
  match('ecn', BOTH, [o('ecn-tcp-cwr', 0, '!'), o('ecn-tcp-ece', 0, '!'), o('ecn-ip-ect', 1, '!')]),
  match('esp', BOTH, [o('espspi', 1, '!')]),
  match('eui64', V6, []),
  match('frag', V6, [
    o('fragid', 1, '!'),
    o('fraglen', 1, '!'),
    o('fragres', 0),
    o('fragfirst', 0),
    o('fragmore', 0),
    o('fraglast', 0),
  ]),
  // --hashlimit is the revision-0 rate option (saved as such by rev 0) and an
  // old name of --hashlimit-upto in revisions 1-3, where it is invertible.
  // --hashlimit-mode is mandatory in revision 0 only.
  match('hashlimit', BOTH, [
    o('hashlimit-upto', 1, '!'),
    o('hashlimit-above', 1, '!'),
    o('hashlimit', 1, '!'),
    o('hashlimit-srcmask', 1),
    o('hashlimit-dstmask', 1),
    o('hashlimit-burst', 1),
    o('hashlimit-htable-size', 1),
    o('hashlimit-htable-max', 1),
    o('hashlimit-htable-gcinterval', 1),
    o('hashlimit-htable-expire', 1),
    o('hashlimit-mode', 1),
    o('hashlimit-name', 1, '*'),
    o('hashlimit-rate-match', 0),
    o('hashlimit-rate-interval', 1),
  ]),
  match('hbh', V6, [o('hbh-len', 1, '!'), o('hbh-opts', 1)]),
  match('helper', BOTH, [o('helper', 1, '!*')]),
  // --hl is an old name of --hl-eq but, unlike it, cannot be negated: kept apart.
  match('hl', V6, [o('hl-lt', 1), o('hl-gt', 1), o('hl-eq', 1, '!'), o('hl', 1)]),
  match('icmp', V4, [o('icmp-type', 1, '!*')]),
  match('icmp6', V6, [o('icmpv6-type', 1, '!*')]),
  match('ipcomp', BOTH, [o('ipcompspi', 1, '!'), o('compres', 0)]),
  match('iprange', BOTH, [o('src-range', 1, '!'), o('dst-range', 1, '!')]),
  match('ipv6header', V6, [o('header', 1, '!*'), o('soft', 0)]),
  match('ipvs', BOTH, [
    o('ipvs', 0, '!'),
    o('vproto', 1, '!'),
    o('vaddr', 1, '!'),
    o('vport', 1, '!'),
    o('vdir', 1),
    o('vmethod', 1, '!'),
    o('vportctl', 1, '!'),
  ]),
  match('length', BOTH, [o('length', 1, '!*')]),
  match('limit', BOTH, [o('limit', 1), o('limit-burst', 1)]),
  match('mac', BOTH, [o('mac-source', 1, '!*')]),
  match('mark', BOTH, [o('mark', 1, '!*')]),
  match('mh', V6, [o('mh-type', 1, '!')]),
  match('multiport', BOTH, [
    o('sports', 1, '!', 'source-ports'),
    o('dports', 1, '!', 'destination-ports'),
    o('ports', 1, '!'),
  ]),
  match('nfacct', BOTH, [o('nfacct-name', 1, '*')]),
  // Registered for NFPROTO_IPV4 only.
  match('osf', V4, [o('genre', 1, '!*'), o('ttl', 1), o('log', 1)]),
  // --pid-owner, --sid-owner (revision 0) and --cmd-owner (revision 0, IPv4 only) are for old kernels.
  match('owner', BOTH, [
    o('uid-owner', 1, '!'),
    o('gid-owner', 1, '!'),
    o('pid-owner', 1, '!'),
    o('sid-owner', 1, '!'),
    o('cmd-owner', 1, '!'),
    o('socket-exists', 0, '!'),
    o('suppl-groups', 0),
  ]),
  match('physdev', BOTH, [
    o('physdev-in', 1, '!'),
    o('physdev-out', 1, '!'),
    o('physdev-is-in', 0, '!'),
    o('physdev-is-out', 0, '!'),
    o('physdev-is-bridged', 0, '!'),
  ]),
  match('pkttype', BOTH, [o('pkt-type', 1, '!*')]),
  // --reqid … --mode may repeat, once per policy element, separated by --next.
  match('policy', BOTH, [
    o('dir', 1),
    o('pol', 1),
    o('strict', 0),
    o('reqid', 1, '!'),
    o('spi', 1, '!'),
    o('tunnel-src', 1, '!'),
    o('tunnel-dst', 1, '!'),
    o('proto', 1, '!'),
    o('mode', 1, '!'),
    o('next', 0),
  ]),
  match('quota', BOTH, [o('quota', 1, '!*')]),
  // getopt-style parser. --rateest is the absolute-mode name of --rateest1 and
  // --rateest-bps/-pps of --rateest-bps2/-pps2; save prints whichever fits the
  // mode, so each is its own entry. The rate flags take an optional operand:
  // args 0 here, see OPTIONAL_OPERAND_OPTIONS. --rateest-lt/gt/eq accept `!`
  // (rateest_parse() sets XT_RATEEST_MATCH_INVERT; the reference table says no).
  match('rateest', BOTH, [
    o('rateest1', 1),
    o('rateest', 1),
    o('rateest2', 1),
    o('rateest-bps1', 0),
    o('rateest-pps1', 0),
    o('rateest-bps2', 0),
    o('rateest-pps2', 0),
    o('rateest-bps', 0),
    o('rateest-pps', 0),
    o('rateest-delta', 0),
    o('rateest-lt', 0, '!'),
    o('rateest-gt', 0, '!'),
    o('rateest-eq', 0, '!'),
  ]),
  match('realm', V4, [o('realm', 1, '!*')]),
  match('recent', BOTH, [
    o('set', 0, '!'),
    o('rcheck', 0, '!'),
    o('update', 0, '!'),
    o('remove', 0, '!'),
    o('seconds', 1),
    o('reap', 0),
    o('hitcount', 1),
    o('rttl', 0),
    o('name', 1),
    o('rsource', 0),
    o('rdest', 0),
    o('mask', 1),
  ]),
  // Negation is the --invert flag, not `!`.
  match('rpfilter', BOTH, [o('loose', 0), o('validmark', 0), o('accept-local', 0), o('invert', 0)]),
  match('rt', V6, [
    o('rt-type', 1, '!'),
    o('rt-segsleft', 1, '!'),
    o('rt-len', 1, '!'),
    o('rt-0-res', 0),
    o('rt-0-addrs', 1),
    o('rt-0-not-strict', 0),
  ]),
  // --chunk-types all|any|only CHUNK[:FLAGS][,…]
  match('sctp', BOTH, [...ports(), o('chunk-types', 2, '!')]),
  // --match-set SETNAME FLAGS; --set is its deprecated name. The counter
  // options belong to revisions 3-4; `! --update-counters` is their only useful form.
  match('set', BOTH, [
    o('match-set', 2, '!', 'set'),
    o('return-nomatch', 0),
    o('update-counters', 0, '!'),
    o('update-subcounters', 0, '!'),
    o('packets-eq', 1, '!'),
    o('packets-lt', 1),
    o('packets-gt', 1),
    o('bytes-eq', 1, '!'),
    o('bytes-lt', 1),
    o('bytes-gt', 1),
  ]),
  match('socket', BOTH, [o('transparent', 0), o('nowildcard', 0), o('restore-skmark', 0)]),
  match('srh', V6, [
    o('srh-next-hdr', 1, '!'),
    o('srh-hdr-len-eq', 1, '!'),
    o('srh-hdr-len-gt', 1, '!'),
    o('srh-hdr-len-lt', 1, '!'),
    o('srh-segs-left-eq', 1, '!'),
    o('srh-segs-left-gt', 1, '!'),
    o('srh-segs-left-lt', 1, '!'),
    o('srh-last-entry-eq', 1, '!'),
    o('srh-last-entry-gt', 1, '!'),
    o('srh-last-entry-lt', 1, '!'),
    o('srh-tag', 1, '!'),
    o('srh-psid', 1, '!'),
    o('srh-nsid', 1, '!'),
    o('srh-lsid', 1, '!'),
  ]),
  // Revisions 1-3 are conntrack aliases; revision 0 is the old xt_state match.
  match('state', BOTH, [o('state', 1, '!*')], 'conntrack'),
  match('statistic', BOTH, [o('mode', 1, '*'), o('probability', 1, '!'), o('every', 1, '!'), o('packet', 1)]),
  match('string', BOTH, [
    o('from', 1),
    o('to', 1),
    o('algo', 1, '*'),
    o('string', 1, '!'),
    o('hex-string', 1, '!'),
    o('icase', 0),
  ]),
  // --tcp-flags MASK COMP
  match('tcp', BOTH, [...ports(), o('syn', 0, '!'), o('tcp-flags', 2, '!'), o('tcp-option', 1, '!')]),
  match('tcpmss', BOTH, [o('mss', 1, '!*')]),
  match('time', BOTH, [
    o('datestart', 1),
    o('datestop', 1),
    o('timestart', 1),
    o('timestop', 1),
    o('contiguous', 0),
    o('weekdays', 1, '!'),
    o('monthdays', 1, '!'),
    o('localtz', 0),
    o('utc', 0),
    o('kerneltz', 0),
  ]),
  match('tos', BOTH, [o('tos', 1, '!*')]),
  // --ttl is an old name of --ttl-eq but, unlike it, cannot be negated: kept apart.
  match('ttl', V4, [o('ttl-lt', 1), o('ttl-gt', 1), o('ttl-eq', 1, '!'), o('ttl', 1)]),
  match('u32', BOTH, [o('u32', 1, '!*')]),
  match('udp', BOTH, ports()),
  // Removed in 2015 (d81dc8e5).
  match('unclean', V4, []),
];

const TARGETS: readonly ExtensionDef[] = [
  // Standard verdicts: iptables maps them to the option-less `standard` target.
  target('ACCEPT', BOTH, [], 'standard'),
  target('AUDIT', BOTH, [o('type', 1, '*')]),
  target('CHECKSUM', BOTH, [o('checksum-fill', 0, '*')]),
  target('CLASSIFY', BOTH, [o('set-class', 1, '*')]),
  // Obsolete: upstream dropped its test file in 2023 (aa72fad6); still in old dumps.
  target('CLUSTERIP', V4, [
    o('new', 0),
    o('hashmode', 1),
    o('clustermac', 1),
    o('total-nodes', 1),
    o('local-node', 1),
    o('hash-init', 1),
  ]),
  target('CONNMARK', BOTH, [
    o('set-xmark', 1),
    o('set-mark', 1),
    o('and-mark', 1),
    o('or-mark', 1),
    o('xor-mark', 1),
    o('save-mark', 0),
    o('restore-mark', 0),
    o('left-shift-mark', 1),
    o('right-shift-mark', 1),
    o('ctmask', 1),
    o('nfmask', 1),
    o('mask', 1),
  ]),
  target('CONNSECMARK', BOTH, [o('save', 0), o('restore', 0)]),
  target('CT', BOTH, [
    o('notrack', 0),
    o('helper', 1),
    o('timeout', 1),
    o('ctevents', 1),
    o('expevents', 1),
    o('zone-orig', 1),
    o('zone-reply', 1),
    o('zone', 1),
  ]),
  target('DNAT', BOTH, [o('to-destination', 1, '*'), o('random', 0), o('persistent', 0)]),
  target('DNPT', V6, [o('src-pfx', 1, '*'), o('dst-pfx', 1, '*')]),
  target('DROP', BOTH, [], 'standard'),
  target('DSCP', BOTH, [o('set-dscp', 1), o('set-dscp-class', 1)]),
  target('ECN', V4, [o('ecn-tcp-remove', 0), o('ecn-tcp-cwr', 1), o('ecn-tcp-ece', 1), o('ecn-ip-ect', 1)]),
  target('HL', V6, [o('hl-set', 1), o('hl-dec', 1), o('hl-inc', 1)]),
  target('HMARK', BOTH, [
    o('hmark-tuple', 1),
    o('hmark-src-prefix', 1),
    o('hmark-dst-prefix', 1),
    o('hmark-sport-mask', 1),
    o('hmark-dport-mask', 1),
    o('hmark-spi-mask', 1),
    o('hmark-sport', 1),
    o('hmark-dport', 1),
    o('hmark-spi', 1),
    o('hmark-proto-mask', 1),
    o('hmark-rnd', 1),
    o('hmark-mod', 1, '*'),
    o('hmark-offset', 1),
  ]),
  target('IDLETIMER', BOTH, [o('timeout', 1, '*'), o('label', 1, '*'), o('alarm', 0)]),
  target('LED', BOTH, [o('led-trigger-id', 1, '*'), o('led-delay', 1), o('led-always-blink', 0)]),
  target('LOG', BOTH, [
    o('log-level', 1),
    o('log-prefix', 1),
    o('log-tcp-sequence', 0),
    o('log-tcp-options', 0),
    o('log-ip-options', 0),
    o('log-uid', 0),
    o('log-macdecode', 0),
  ]),
  // Revisions 0-1 know only --set-mark, --and-mark, --or-mark.
  target('MARK', BOTH, [o('set-xmark', 1), o('set-mark', 1), o('and-mark', 1), o('or-mark', 1), o('xor-mark', 1)]),
  target('MASQUERADE', BOTH, [o('to-ports', 1), o('random', 0), o('random-fully', 0)]),
  // Removed in 2015 (73f453bb).
  target('MIRROR', V4, []),
  // libipt_NETMAP and libip6t_NETMAP have the same option table.
  target('NETMAP', BOTH, [o('to', 1, '*')]),
  target('NFLOG', BOTH, [
    o('nflog-group', 1),
    o('nflog-prefix', 1),
    o('nflog-range', 1),
    o('nflog-size', 1),
    o('nflog-threshold', 1),
  ]),
  target('NFQUEUE', BOTH, [o('queue-num', 1), o('queue-balance', 1), o('queue-bypass', 0), o('queue-cpu-fanout', 0)]),
  // Printed for CT --notrack since v1.4.20; before v1.4.16 a target of its own.
  target('NOTRACK', BOTH, [], 'CT'),
  target('QUEUE', BOTH, [], 'standard'),
  target('RATEEST', BOTH, [o('rateest-name', 1, '*'), o('rateest-interval', 1, '*'), o('rateest-ewmalog', 1, '*')]),
  target('REDIRECT', BOTH, [o('to-ports', 1), o('random', 0)]),
  // libipt_REJECT and libip6t_REJECT have the same option table (different values).
  target('REJECT', BOTH, [o('reject-with', 1)]),
  target('RETURN', BOTH, [], 'standard'),
  // Removed in 2015 (28972c60).
  target('SAME', V4, [o('to', 1, '*'), o('nodst', 0), o('random', 0)]),
  target('SECMARK', BOTH, [o('selctx', 1, '*')]),
  // getopt-style parser: --add-set/--del-set/--map-set SETNAME FLAGS. parse()
  // ignores `!`, so nothing here is invertible.
  target('SET', BOTH, [
    o('add-set', 2),
    o('del-set', 2),
    o('exist', 0),
    o('timeout', 1),
    o('map-set', 2),
    o('map-mark', 0),
    o('map-prio', 0),
    o('map-queue', 0),
  ]),
  target('SNAT', BOTH, [o('to-source', 1, '*'), o('random', 0), o('random-fully', 0), o('persistent', 0)]),
  target('SNPT', V6, [o('src-pfx', 1, '*'), o('dst-pfx', 1, '*')]),
  target('SYNPROXY', BOTH, [o('sack-perm', 0), o('timestamp', 0), o('wscale', 1), o('mss', 1), o('ecn', 0)]),
  target('TCPMSS', BOTH, [o('set-mss', 1), o('clamp-mss-to-pmtu', 0)]),
  target('TCPOPTSTRIP', BOTH, [o('strip-options', 1)]),
  target('TEE', BOTH, [o('gateway', 1, '*'), o('oif', 1)]),
  target('TOS', BOTH, [o('set-tos', 1), o('and-tos', 1), o('or-tos', 1), o('xor-tos', 1)]),
  target('TPROXY', BOTH, [o('on-port', 1, '*'), o('on-ip', 1), o('tproxy-mark', 1)]),
  target('TRACE', BOTH, []),
  target('TTL', V4, [o('ttl-set', 1), o('ttl-dec', 1), o('ttl-inc', 1)]),
  // Obsolete: upstream dropped its test file in 2018 (79c2da98); still in old dumps.
  target('ULOG', V4, [o('ulog-nlgroup', 1), o('ulog-prefix', 1), o('ulog-cprange', 1), o('ulog-qthreshold', 1)]),
];

export const EXTENSIONS: readonly ExtensionDef[] = [...MATCHES, ...TARGETS];
