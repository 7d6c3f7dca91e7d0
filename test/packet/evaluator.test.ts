/**
 * Traversal semantics (ipt_do_table): jump, goto, RETURN, policies, targets
 * that continue, NAT bindings, and the matches the model decides — each
 * checked through the trace API on one packet.
 */
import { describe, expect, it } from 'vitest';
import { dump, host, network, steps, trace } from './helpers.js';

const FROM_OUTSIDE = { in: 'eth0', src: '203.0.113.7', proto: 'tcp', sport: 40000 } as const;

describe('chain traversal', () => {
  const rules = dump({
    filter: {
      policies: { FORWARD: 'DROP' },
      chains: ['A', 'B'],
      rules: [
        '-A FORWARD -j A',
        '-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT',
        '-A FORWARD -p udp -j RETURN',
        '-A A -p tcp -m tcp --dport 80 -j ACCEPT',
        '-A A -g B',
        '-A A -j ACCEPT',
        '-A B -p tcp -m tcp --dport 443 -j RETURN',
        '-A B -p tcp -m tcp --dport 8443 -j DROP',
      ],
    },
  });
  const h = host({ ipv4: rules });
  const at = (dport: number, proto = 'tcp') => trace(h, { ...FROM_OUTSIDE, proto, dst: '198.51.100.9', dport });

  it('accepts in a jumped-to chain', () => {
    expect(at(80).verdict).toBe('accepted');
    expect(steps(at(80))).toContain('filter A ACCEPT');
  });

  it('returns from a goto target to the chain that jumped, not to the goto rule', () => {
    // B was reached by -g from A: its RETURN resumes FORWARD after `-j A`, skipping A's `-j ACCEPT`.
    const result = at(443);
    expect(result.verdict).toBe('dropped');
    expect(steps(result).filter((step) => step.startsWith('filter'))).toEqual(['filter FORWARD jump A', 'filter A goto B', 'filter B RETURN', 'filter FORWARD policy DROP']);
  });

  it('falls off the end of a user chain back into the caller', () => {
    const result = at(22);
    expect(result.verdict).toBe('accepted');
    expect(steps(result)).toEqual(expect.arrayContaining(['filter B return', 'filter FORWARD ACCEPT']));
  });

  it('drops in a goto target', () => {
    expect(at(8443).verdict).toBe('dropped');
  });

  it('applies the policy on RETURN from a built-in chain', () => {
    const result = at(53, 'udp');
    expect(result.verdict).toBe('dropped');
    expect(steps(result).slice(-2)).toEqual(['filter FORWARD RETURN', 'filter FORWARD policy DROP']);
  });

  it('records rule numbers, lines and texts like -j TRACE', () => {
    const hop = at(80).path.find((step) => step.chain === 'A' && step.action === 'ACCEPT');
    expect(hop).toMatchObject({ table: 'filter', chain: 'A', rule: 1, ruleText: '-A A -p tcp -m tcp --dport 80 -j ACCEPT' });
    expect(hop?.ruleLine).toBeGreaterThan(1);
  });
});

describe('targets that let the packet go on', () => {
  const rules = dump({
    mangle: { rules: ['-A FORWARD -p tcp -j MARK --set-xmark 0x4000/0x4000'] },
    filter: {
      policies: { FORWARD: 'DROP' },
      rules: ['-A FORWARD -j LOG --log-prefix "fw "', '-A FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT'],
    },
  });
  it('LOG continues, MARK sets the mark a later rule matches', () => {
    const h = host({ ipv4: rules });
    const tcp = trace(h, { ...FROM_OUTSIDE, dst: '198.51.100.9', dport: 80 });
    expect(tcp.verdict).toBe('accepted');
    expect(steps(tcp)).toEqual(expect.arrayContaining(['mangle FORWARD MARK --set-xmark 0x4000/0x4000', 'filter FORWARD LOG (continue)']));
    const udp = trace(h, { ...FROM_OUTSIDE, proto: 'udp', dst: '198.51.100.9', dport: 53 });
    expect(udp.verdict).toBe('dropped');
  });
});

describe('"may match": what the model cannot decide', () => {
  it('an ipset match makes the verdict depend on the rule, with both branches', () => {
    const h = host({ ipv4: dump({ filter: { policies: { FORWARD: 'DROP' }, rules: ['-A FORWARD -m set --match-set allowed src -j ACCEPT'] } }) });
    const result = trace(h, { ...FROM_OUTSIDE, dst: '198.51.100.9', dport: 80 });
    expect(result.verdict).toBe('depends');
    expect(result.branches?.map((branch) => branch.verdict).sort()).toEqual(['accepted', 'dropped']);
    expect(result.branches?.[0]?.dependsOn?.[0]).toMatchObject({ ruleText: '-A FORWARD -m set --match-set allowed src -j ACCEPT' });
  });

  it('a rule whose undecidable match leads to the same verdict either way decides nothing', () => {
    const h = host({ ipv4: dump({ filter: { rules: ['-A FORWARD -m recent --name x --rcheck -j LOG'] } }) });
    expect(trace(h, { ...FROM_OUTSIDE, dst: '198.51.100.9', dport: 80 }).verdict).toBe('accepted');
  });

  it('NFQUEUE hands the verdict to userspace', () => {
    const h = host({ ipv4: dump({ filter: { rules: ['-A FORWARD -p tcp -j NFQUEUE --queue-num 1'] } }) });
    expect(trace(h, { ...FROM_OUTSIDE, dst: '198.51.100.9', dport: 80 }).verdict).toBe('depends');
  });
});

describe('matches the model decides', () => {
  const decide = (rule: string, request: Partial<Parameters<typeof trace>[1]> = {}, extra: Parameters<typeof dump>[0] = {}) => {
    const h = host({ ipv4: dump({ ...extra, filter: { policies: { FORWARD: 'DROP', INPUT: 'DROP' }, rules: [rule] } }) });
    return trace(h, { ...FROM_OUTSIDE, dst: '198.51.100.9', dport: 80, ...request }).verdict;
  };

  it('addresses, negation, protocols and ports', () => {
    expect(decide('-A FORWARD -s 203.0.113.0/24 -j ACCEPT')).toBe('accepted');
    expect(decide('-A FORWARD ! -s 203.0.113.0/24 -j ACCEPT')).toBe('dropped');
    expect(decide('-A FORWARD -p udp -j ACCEPT')).toBe('dropped');
    expect(decide('-A FORWARD -p tcp -m multiport --dports 22,80:90 -j ACCEPT')).toBe('accepted');
    expect(decide('-A FORWARD -p tcp -m multiport --ports 40000 -j ACCEPT')).toBe('accepted');
    expect(decide('-A FORWARD -m iprange --dst-range 198.51.100.1-198.51.100.10 -j ACCEPT')).toBe('accepted');
  });

  it('interfaces with + wildcards and negation', () => {
    expect(decide('-A FORWARD -i eth+ -j ACCEPT')).toBe('accepted');
    expect(decide('-A FORWARD ! -i eth+ -j ACCEPT')).toBe('dropped');
    expect(decide('-A FORWARD -i eth1 -j ACCEPT')).toBe('dropped');
  });

  it('conntrack and state', () => {
    expect(decide('-A FORWARD -m conntrack --ctstate NEW -j ACCEPT')).toBe('accepted');
    expect(decide('-A FORWARD -m state --state ESTABLISHED -j ACCEPT')).toBe('dropped');
    expect(decide('-A FORWARD -m state --state ESTABLISHED -j ACCEPT', { state: 'ESTABLISHED' })).toBe('accepted');
    expect(decide('-A FORWARD -m conntrack --ctorigsrc 203.0.113.7 --ctorigdstport 80 -j ACCEPT')).toBe('accepted');
    expect(decide('-A FORWARD -m conntrack --ctdir REPLY -j ACCEPT')).toBe('dropped');
  });

  it('TCP flags: --syn matches the first packet only', () => {
    expect(decide('-A FORWARD -p tcp --syn -j ACCEPT')).toBe('accepted');
    expect(decide('-A FORWARD -p tcp --syn -j ACCEPT', { state: 'ESTABLISHED' })).toBe('dropped');
  });

  it('ICMP types, comments', () => {
    expect(decide('-A FORWARD -p icmp -m icmp --icmp-type 8 -j ACCEPT', { proto: 'icmp', dport: undefined })).toBe('accepted');
    expect(decide('-A FORWARD -p icmp --icmp-type echo-reply -j ACCEPT', { proto: 'icmp', dport: undefined })).toBe('dropped');
    expect(decide('-A FORWARD -m comment --comment "web" -j ACCEPT')).toBe('accepted');
  });

  it('addrtype LOCAL is the host addresses (given and bridge gateways)', () => {
    const h = host({
      ipv4: dump({ filter: { policies: { INPUT: 'DROP' }, rules: ['-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT'] } }),
      networks: [network('bridge', 'docker0', ['172.17.0.0/16'])],
    });
    expect(trace(h, { ...FROM_OUTSIDE, dst: '192.0.2.1', dport: 22 })).toMatchObject({ verdict: 'accepted', out: 'local' });
    expect(trace(h, { ...FROM_OUTSIDE, dst: '172.17.0.1', dport: 22 })).toMatchObject({ verdict: 'accepted', out: 'local' });
  });

  it('raw-table NOTRACK: the packet is UNTRACKED and skips NAT', () => {
    const h = host({
      ipv4: dump({
        raw: { rules: ['-A PREROUTING -p udp --dport 53 -j CT --notrack'] },
        nat: { rules: ['-A PREROUTING -p udp --dport 53 -j DNAT --to-destination 198.51.100.53'] },
        filter: { policies: { FORWARD: 'DROP' }, rules: ['-A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT'] },
      }),
    });
    const result = trace(h, { ...FROM_OUTSIDE, proto: 'udp', dst: '198.51.100.9', dport: 53 });
    expect(result.verdict).toBe('accepted');
    expect(result.nat.destination).toBeUndefined();
  });
});

describe('NAT', () => {
  const rules = dump({
    nat: {
      chains: ['DOCKER'],
      rules: [
        '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
        '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
        '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
      ],
    },
    filter: {
      policies: { FORWARD: 'DROP' },
      rules: [
        '-A FORWARD -p tcp -m tcp --dport 8080 -j DROP',
        '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A FORWARD -d 172.17.0.2/32 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
        '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
      ],
    },
  });
  const h = host({ ipv4: rules, networks: [network('bridge', 'docker0', ['172.17.0.0/16'])] });

  it('DNAT rewrites the destination before FORWARD: a rule on the host port never matches', () => {
    const result = trace(h, { ...FROM_OUTSIDE, dst: '192.0.2.1', dport: 8080 });
    expect(result).toMatchObject({ verdict: 'accepted', out: 'docker0', connection: 'open' });
    expect(result.nat.destination).toMatchObject({ from: '192.0.2.1:8080', to: '172.17.0.2:80', target: 'DNAT' });
    expect(steps(result)).not.toContain('filter FORWARD DROP');
  });

  it('the reply goes back with the NAT undone, ESTABLISHED', () => {
    const result = trace(h, { ...FROM_OUTSIDE, dst: '192.0.2.1', dport: 8080 });
    expect(result.reply?.verdict).toBe('accepted');
    expect(result.reply?.out).toBe('eth0');
  });

  it('MASQUERADE rewrites the source to the output interface address', () => {
    const result = trace(h, { in: 'docker0', src: '172.17.0.2', dst: '198.51.100.9', proto: 'tcp', dport: 443 });
    expect(result).toMatchObject({ verdict: 'accepted', out: 'eth0', connection: 'open' });
    expect(result.nat.source).toMatchObject({ from: '172.17.0.2:40000', to: '192.0.2.1:40000', target: 'MASQUERADE' });
  });
});
