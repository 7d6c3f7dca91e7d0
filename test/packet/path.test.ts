/**
 * The kernel's path between hooks: bridged frames (br_netfilter on and
 * off), locally generated packets and the loopback re-entry, re-routing
 * after an OUTPUT DNAT, route_localnet, forwarding disabled, replies dropped
 * by rules that let the request through.
 */
import { describe, expect, it } from 'vitest';
import { container, dump, host, network, steps, trace, UPLINK } from './helpers.js';

const DOCKER_FORWARD = dump({
  nat: {
    chains: ['DOCKER'],
    rules: [
      '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      '-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER',
      '-A POSTROUTING -o docker0 -m addrtype --src-type LOCAL -j MASQUERADE',
      '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
      '-A DOCKER -d 127.0.0.1/32 -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172.17.0.2:80',
      '-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    ],
  },
  filter: {
    policies: { FORWARD: 'DROP' },
    rules: ['-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT', '-A FORWARD -i docker0 -o docker0 -j DROP'],
  },
});
const BRIDGE = [network('bridge', 'docker0', ['172.17.0.0/16'], { icc: false })];
const CONTAINERS = [container('web', [{ network: 'bridge', ipv4: '172.17.0.2' }]), container('app', [{ network: 'bridge', ipv4: '172.17.0.3' }])];

describe('bridged traffic between two containers of one bridge', () => {
  it('traverses FORWARD with in = out = the bridge when br_netfilter is on', () => {
    const h = host({ ipv4: DOCKER_FORWARD, networks: BRIDGE, containers: CONTAINERS });
    const result = trace(h, { in: 'docker0', src: '172.17.0.3', dst: '172.17.0.2', proto: 'tcp', dport: 80 });
    expect(result.verdict).toBe('dropped');
    expect(steps(result)).toEqual(expect.arrayContaining(['bridge: bridged on docker0 (br_netfilter)', 'filter FORWARD DROP']));
  });

  it('bypasses iptables when bridge-nf-call-iptables is 0 (icc=false stops working)', () => {
    const h = host({ ipv4: DOCKER_FORWARD, networks: BRIDGE, containers: CONTAINERS, topology: { ...UPLINK, brNetfilter: { ipv4: false } } });
    const result = trace(h, { in: 'docker0', src: '172.17.0.3', dst: '172.17.0.2', proto: 'tcp', dport: 80 });
    expect(result).toMatchObject({ verdict: 'accepted', out: 'docker0', connection: 'open' });
  });
});

describe('locally generated packets', () => {
  const h = host({ ipv4: DOCKER_FORWARD, networks: BRIDGE, containers: CONTAINERS, topology: { ...UPLINK, routeLocalnet: ['docker0'] } });

  it('are re-routed after a DNAT in nat OUTPUT and masqueraded with a local source', () => {
    const result = trace(h, { src: '192.0.2.1', dst: '192.0.2.1', proto: 'tcp', dport: 8080 });
    expect(result).toMatchObject({ verdict: 'accepted', out: 'docker0', connection: 'open' });
    expect(result.nat.destination?.to).toBe('172.17.0.2:80');
    expect(result.nat.source?.to).toBe('172.17.0.1:40000');
  });

  it('may leave a 127/8 source through an interface only with route_localnet', () => {
    expect(trace(h, { src: '127.0.0.1', dst: '127.0.0.1', proto: 'tcp', dport: 8081 })).toMatchObject({ verdict: 'accepted', out: 'docker0' });
    const strict = host({ ipv4: DOCKER_FORWARD, networks: BRIDGE, containers: CONTAINERS });
    const result = trace(strict, { src: '127.0.0.1', dst: '127.0.0.1', proto: 'tcp', dport: 8081 });
    expect(result.verdict).toBe('dropped');
    expect(result.path.at(-1)?.action).toMatch(/route_localnet=0/);
  });

  it('to a local address loop back through lo: OUTPUT, POSTROUTING, then PREROUTING and INPUT', () => {
    const result = trace(h, { src: '192.0.2.1', dst: '192.0.2.1', proto: 'tcp', dport: 22 });
    expect(result).toMatchObject({ verdict: 'accepted', out: 'local' });
    expect(steps(result)[0]).toBe('routing: local delivery');
  });
});

describe('routing', () => {
  it('drops forwarded packets when forwarding is disabled for the family', () => {
    const h = host({ ipv4: DOCKER_FORWARD, networks: BRIDGE, topology: { ...UPLINK, forwarding: { ipv4: false } } });
    const result = trace(h, { in: 'eth0', src: '203.0.113.7', dst: '172.17.0.2', proto: 'tcp', dport: 80 });
    expect(result.verdict).toBe('dropped');
    expect(result.path.at(-1)?.action).toMatch(/forwarding is disabled/);
  });

  it('follows --route and honours an explicit output interface', () => {
    const h = host({ ipv4: dump({ filter: { rules: ['-A FORWARD -o wg0 -j DROP'] } }), topology: { ...UPLINK, routes: [...(UPLINK.routes ?? []), { cidr: '10.8.0.0/24', iface: 'wg0' }] } });
    expect(trace(h, { in: 'eth0', src: '203.0.113.7', dst: '10.8.0.5', proto: 'udp', dport: 51820 }).verdict).toBe('dropped');
    expect(trace(h, { in: 'eth0', src: '203.0.113.7', dst: '10.9.0.5', proto: 'udp', dport: 51820 }).verdict).toBe('accepted');
    expect(trace(h, { in: 'eth0', out: 'wg0', src: '203.0.113.7', dst: '10.9.0.5', proto: 'udp', dport: 51820 }).verdict).toBe('dropped');
  });
});

describe('connections: the reply must get back too', () => {
  it('is closed when only the reply is dropped (isolation rule on one side only)', () => {
    const rules = dump({
      filter: {
        policies: { FORWARD: 'DROP' },
        chains: ['ISOLATION'],
        rules: [
          '-A FORWARD -j ISOLATION',
          '-A FORWARD -o br-b -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
          '-A FORWARD -o br-a -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
          '-A FORWARD -i br-a ! -o br-a -j ACCEPT',
          '-A FORWARD -i br-b ! -o br-b -j ACCEPT',
          '-A ISOLATION -i br-b -o br-a -j DROP',
        ],
      },
    });
    const h = host({ ipv4: rules, networks: [network('a', 'br-a', ['10.1.0.0/16']), network('b', 'br-b', ['10.2.0.0/16'])] });
    const result = trace(h, { in: 'br-a', src: '10.1.0.2', dst: '10.2.0.2', proto: 'tcp', dport: 80 });
    expect(result).toMatchObject({ verdict: 'accepted', connection: 'closed' });
    expect(result.reply?.verdict).toBe('dropped');
    expect(result.reply && steps(result.reply)).toContain('filter ISOLATION DROP');
  });
});
