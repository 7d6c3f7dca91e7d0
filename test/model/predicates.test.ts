import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { buildModel } from '../../src/model/build.js';
import {
  parseAddressPredicate,
  parseCidr,
  parseInterfacePredicate,
  parsePortPredicate,
  parseProtocolPredicate,
} from '../../src/model/predicates.js';
import type { Rule } from '../../src/model/types.js';

function onlyRule(line: string, family: 'ipv4' | 'ipv6' = 'ipv4'): Rule {
  const model = buildModel(parse(`*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${line}\nCOMMIT\n`, { family }));
  const rule = model.tables.get('filter')?.chains.get('INPUT')?.rules[0];
  if (!rule) throw new Error(`no rule parsed from ${line}`);
  return rule;
}

describe('addresses', () => {
  it('normalizes a CIDR and clears host bits', () => {
    const cidr = parseCidr('10.1.2.3/8', 'ipv4');
    expect(cidr).toMatchObject({ family: 'ipv4', network: 0x0a000000n, bits: 8, text: '10.0.0.0/8', hostBitsCleared: true });
    expect(parseCidr('10.0.0.0/8', 'ipv4')?.hostBitsCleared).toBeUndefined();
  });

  it('treats a bare address as a host and completes partial dotted forms like xtables', () => {
    expect(parseCidr('192.0.2.7', 'ipv4')?.text).toBe('192.0.2.7/32');
    expect(parseCidr('10', 'ipv4')?.text).toBe('10.0.0.0/32');
    expect(parseCidr('192.168.1/24', 'ipv4')?.text).toBe('192.168.1.0/24');
  });

  it('reads dotted masks and refuses non-contiguous ones', () => {
    expect(parseCidr('172.16.0.0/255.240.0.0', 'ipv4')?.bits).toBe(12);
    expect(parseCidr('10.0.0.0/255.0.255.0', 'ipv4')).toBeNull();
  });

  it('normalizes IPv6 to the compressed form', () => {
    expect(parseCidr('2001:0db8:0000:0000::1/64', 'ipv6')?.text).toBe('2001:db8::/64');
    expect(parseCidr('::/0', 'ipv6')).toMatchObject({ bits: 0, network: 0n });
    expect(parseCidr('fe80::/ffff:ffff:ffff:ffff::', 'ipv6')?.bits).toBe(64);
  });

  it('reads comma lists and keeps the negation', () => {
    const predicate = parseAddressPredicate('10.0.0.0/8, 192.168.0.0/16', true, 'ipv4');
    expect(predicate.negated).toBe(true);
    expect(predicate.cidrs.map((c) => c.text)).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
  });

  it('marks hostnames and wrong-family addresses as unparsed', () => {
    expect(parseAddressPredicate('db.example.com', false, 'ipv4')).toEqual({ cidrs: [], negated: false, unparsed: 'db.example.com' });
    expect(parseAddressPredicate('2001:db8::1', false, 'ipv4').unparsed).toBe('2001:db8::1');
    expect(parseAddressPredicate('10.0.0.300', false, 'ipv4').unparsed).toBe('10.0.0.300');
  });
});

describe('interfaces, protocols, ports', () => {
  it('interfaces: exact, prefix wildcard, any', () => {
    expect(parseInterfacePredicate('eth0', false)).toEqual({ name: 'eth0', wildcard: false, prefix: 'eth0', negated: false });
    expect(parseInterfacePredicate('veth+', true)).toEqual({ name: 'veth+', wildcard: true, prefix: 'veth', negated: true });
    expect(parseInterfacePredicate('+', false)).toMatchObject({ wildcard: true, prefix: '' });
  });

  it('protocols: names and numbers both ways, case-insensitive', () => {
    expect(parseProtocolPredicate('TCP', false)).toEqual({ number: 6, name: 'tcp', negated: false });
    expect(parseProtocolPredicate('all', false).number).toBe(0);
    expect(parseProtocolPredicate('47', false).number).toBe(47);
    expect(parseProtocolPredicate('0x11', false).number).toBe(17);
    expect(parseProtocolPredicate('icmpv6', false).number).toBe(58);
    expect(parseProtocolPredicate('no-such-proto', false).number).toBeNull();
  });

  it('ports: single, ranges with open ends, service names, lists', () => {
    expect(parsePortPredicate('22', false, false).ranges).toEqual([{ from: 22, to: 22 }]);
    expect(parsePortPredicate(':1023', false, false).ranges).toEqual([{ from: 0, to: 1023 }]);
    expect(parsePortPredicate('1024:', false, false).ranges).toEqual([{ from: 1024, to: 65535 }]);
    expect(parsePortPredicate('ssh', false, false).ranges).toEqual([{ from: 22, to: 22 }]);
    expect(parsePortPredicate('80,443,8000:8080', true, true)).toEqual({
      ranges: [
        { from: 80, to: 80 },
        { from: 443, to: 443 },
        { from: 8000, to: 8080 },
      ],
      negated: true,
    });
    expect(parsePortPredicate('90:80', false, false).unparsed).toBe('90:80');
    expect(parsePortPredicate('70000', false, false).unparsed).toBe('70000');
  });
});

describe('rule predicates from parsed rules', () => {
  it('collects base options, ports and conntrack states', () => {
    const rule = onlyRule('-A INPUT -s 10.1.2.3/8 ! -i docker0 -p tcp -m multiport --dports 80,443 -m tcp --sport 1024: -m conntrack --ctstate NEW,established -j ACCEPT');
    expect(rule.predicates.source?.cidrs[0]?.text).toBe('10.0.0.0/8');
    expect(rule.predicates.inInterface).toMatchObject({ name: 'docker0', negated: true });
    expect(rule.predicates.protocol?.number).toBe(6);
    expect(rule.predicates.destinationPorts?.[0]?.ranges).toEqual([
      { from: 80, to: 80 },
      { from: 443, to: 443 },
    ]);
    expect(rule.predicates.sourcePorts?.[0]?.ranges).toEqual([{ from: 1024, to: 65535 }]);
    expect(rule.predicates.connectionStates).toEqual([{ states: ['NEW', 'ESTABLISHED'], negated: false }]);
    expect(rule.unconditional).toBe(false);
  });

  it('multiport --ports means source or destination', () => {
    const rule = onlyRule('-A INPUT -p udp -m multiport --ports 53,123 -j ACCEPT');
    expect(rule.predicates.anyPorts?.[0]?.ranges).toHaveLength(2);
    expect(rule.predicates.destinationPorts).toBeUndefined();
  });

  it('counts comment-only, /0, -p all and -i + rules as unconditional', () => {
    expect(onlyRule('-A INPUT -m comment --comment "catch all" -j DROP').unconditional).toBe(true);
    expect(onlyRule('-A INPUT -s 0.0.0.0/0 -p all -i + -j DROP').unconditional).toBe(true);
    expect(onlyRule('-A INPUT ! -s 0.0.0.0/0 -j DROP').unconditional).toBe(false);
    expect(onlyRule('-A INPUT -p tcp -j DROP').unconditional).toBe(false);
  });

  it('reads IPv6 rules', () => {
    const rule = onlyRule('-A INPUT -d fe80::/64 -p ipv6-icmp -j ACCEPT', 'ipv6');
    expect(rule.predicates.destination?.cidrs[0]).toMatchObject({ family: 'ipv6', text: 'fe80::/64', bits: 64 });
    expect(rule.predicates.protocol?.number).toBe(58);
  });
});
