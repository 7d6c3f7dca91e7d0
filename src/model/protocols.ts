/**
 * IP protocol names ↔ numbers: xtables' built-in list (`xtables_chain_protos[]`)
 * plus the /etc/protocols names that pre-1.8.11 iptables-save printed.
 */

const PROTOCOL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['all', 0],
  ['icmp', 1],
  ['igmp', 2],
  ['ipencap', 4],
  ['ipip', 4],
  ['tcp', 6],
  ['egp', 8],
  ['udp', 17],
  ['ipv6', 41],
  ['ipv6-route', 43],
  ['ipv6-frag', 44],
  ['rsvp', 46],
  ['gre', 47],
  ['esp', 50],
  ['ah', 51],
  ['ipv6-icmp', 58],
  ['icmpv6', 58],
  ['ipv6-nonxt', 59],
  ['ipv6-opts', 60],
  ['dccp', 33],
  ['ospf', 89],
  ['pim', 103],
  ['ipcomp', 108],
  ['vrrp', 112],
  ['l2tp', 115],
  ['sctp', 132],
  ['mobility-header', 135],
  ['ipv6-mh', 135],
  ['mh', 135],
  ['udplite', 136],
]);

/** Number of a protocol written as a name or a number (base 0 like strtoul); null if unknown. */
export function protocolNumber(text: string): number | null {
  const lower = text.toLowerCase();
  const named = PROTOCOL_NUMBERS.get(lower);
  if (named !== undefined) return named;
  const value = parseBaseZero(lower);
  return value !== null && value <= 255 ? value : null;
}

/** The usual name of a protocol number (`6` → `tcp`), or the number as text. */
export function protocolName(number: number): string {
  for (const [name, value] of PROTOCOL_NUMBERS) if (value === number) return name;
  return String(number);
}

/** strtoul(text, 0): decimal, `0x` hex or leading-0 octal; null when not a whole number. */
export function parseBaseZero(text: string): number | null {
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^0[0-7]+$/.test(text)) return Number.parseInt(text.slice(1), 8);
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  return null;
}
