/**
 * One realistic hand edit per invariant, on a real listing: the edit triggers
 * the invariant's rule, the finding names the network, points at the rule (or
 * at the chain where it belongs) and gives the command that fixes it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import { bridge1, C1, DEFAULT_BRIDGE, writeAndLoad } from './inspect-data.js';
import { describeFindings, driftFindings, edit, lintDocker, only, readListing, SHARED_DOCKER_RULES, sharedDataAvailable, type Edit } from './helpers.js';
import type { DockerInputs } from '../../src/docker/types.js';
import { checkText } from '../../src/engine/lint.js';
import { dockerRules } from '../../rules/docker-index.js';

const available = sharedDataAvailable('Docker invariant rules on real listings');

const G1A = 'reconstructed/g1a_v1.10-v17.05__usernet-portmap.txt';
const G2 = 'reconstructed/g2_v18.03.1+v18.05-v27.5__usernet-portmap.txt';
const G2_NOICC = 'reconstructed/g2_v18.03.1+v18.05-v27.5__usernet-portmap-noicc.txt';
const G2_V6 = 'reconstructed/g2_v27.0-v27.5__usernet-portmap_ip6tables.txt';
const G3_0 = 'iptablesdoc/v28.0.0__usernet-portmap.txt';
const G3_LO = 'iptablesdoc/v28.0.1-v28.1.1__usernet-portmap-lo.txt';
const G3 = 'iptablesdoc/v28.2.2-v28.5.2__usernet-portmap.txt';
const G3_NOICC = 'iptablesdoc/v28.2.2-v28.5.2__usernet-portmap-noicc.txt';
const G4 = 'iptablesdoc/v29.0.0-v29.7.2__usernet-portmap.txt';
const G4_NOPROXY = 'iptablesdoc/v29.0.0-v29.7.2__usernet-portmap-noproxy.txt';
const G4_INTERNAL = 'iptablesdoc/v29.0.0-v29.7.2__usernet-internal.txt';
const G4_INTERNAL_V6 = 'reconstructed/v29.0.0-v29.7.2__usernet-internal_ip6tables.txt';
const G4_V6 = 'reconstructed/v29.0.0-v29.7.2__usernet-portmap_ip6tables.txt';
const G1B_INTERNAL = 'reconstructed/g1b_v17.06-v18.03.0+v18.04__usernet-internal.txt';

function run(name: string, edits: Edit[], docker?: DockerInputs): Finding[] {
  const text = edit(readListing(join(SHARED_DOCKER_RULES, name)), ...edits);
  return lintDocker(text, { file: name, family: name.includes('ip6tables') ? 'ipv6' : 'ipv4', ...(docker ? { docker } : {}) }).findings;
}

/** The edit gives exactly the findings of `ruleId` (no collateral drift), at least one, each naming `network`. */
function expectOnly(findings: Finding[], ruleId: string, network: RegExp | string): Finding[] {
  const drift = driftFindings(findings);
  const own = only(findings, ruleId);
  expect(own.length, describeFindings(findings).join('\n')).toBeGreaterThan(0);
  expect(describeFindings(drift.filter((finding) => finding.ruleId !== ruleId))).toEqual([]);
  for (const finding of own) {
    if (typeof network === 'string') expect(finding.message).toContain(network);
    else expect(finding.message).toMatch(network);
    expect(finding.fix).toMatch(/^(ip6?tables|.*&& ip6?tables)/);
  }
  return own;
}

describe.skipIf(!available)('docker-chain-wiring', () => {
  it('G2: FORWARD lost its jump to DOCKER-USER', () => {
    const [finding] = expectOnly(run(G2, [{ remove: '-A FORWARD -j DOCKER-USER' }]), 'docker-chain-wiring', 'jump from FORWARD to DOCKER-USER');
    expect(finding?.fix).toBe('iptables -t filter -I FORWARD 1 -j DOCKER-USER');
    expect(finding?.span.line).toBeGreaterThan(0);
  });
  it('G4: a user rule inserted above the DOCKER-USER jump', () => {
    const findings = run(G4, [{ append: '-A FORWARD -i eth0 -j ACCEPT', after: '-N DOCKER-USER' }]);
    const [finding] = expectOnly(findings, 'docker-chain-wiring', 'DOCKER-USER');
    expect(finding?.message).toContain('can be bypassed');
  });
  it('28.2.2: DOCKER-FORWARD lost its jump to DOCKER-BRIDGE', () => {
    const [finding] = expectOnly(run(G3, [{ remove: '-A DOCKER-FORWARD -j DOCKER-BRIDGE' }]), 'docker-chain-wiring', 'DOCKER-FORWARD wiring');
    expect(finding?.fix).toBe('iptables -t filter -I DOCKER-FORWARD 3 -j DOCKER-BRIDGE');
  });
  it('G1a: nat PREROUTING jumps to DOCKER without addrtype LOCAL', () => {
    const findings = run(G1A, [{ replace: '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', with: '-A PREROUTING -j DOCKER' }]);
    const [finding] = expectOnly(findings, 'docker-chain-wiring', 'without `-m addrtype --dst-type LOCAL`');
    expect(finding?.fix).toBe('iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER');
  });
});

describe.skipIf(!available)('docker-bridge-forwarding', () => {
  it('29.x: the DROP that protects bridge1 unpublished ports was deleted', () => {
    const [finding] = expectOnly(run(G4, [{ remove: '-A DOCKER ! -i bridge1 -o bridge1 -j DROP' }]), 'docker-bridge-forwarding', 'network "bridge1"');
    expect(finding?.fix).toBe('iptables -t filter -A DOCKER ! -i bridge1 -o bridge1 -j DROP');
  });
  it('G2: the conntrack ACCEPT of bridge1 was deleted', () => {
    const [finding] = expectOnly(run(G2, [{ remove: '-A FORWARD -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' }]), 'docker-bridge-forwarding', 'network "bridge1"');
    expect(finding?.fix).toBe('iptables -t filter -I FORWARD 3 -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  });
});

describe.skipIf(!available)('docker-masquerade', () => {
  it('G2: MASQUERADE of bridge1 deleted (the nat RETURN shows masquerading is on)', () => {
    const [finding] = expectOnly(run(G2, [{ remove: '-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE' }]), 'docker-masquerade', 'network "bridge1"');
    expect(finding?.fix).toContain('-A POSTROUTING -s <subnet> ! -o bridge1 -j MASQUERADE');
  });
  it('29.x with inspect JSON: MASQUERADE of bridge1 deleted, subnet known', () => {
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1()], containers: [C1] });
    const [finding] = expectOnly(run(G4, [{ remove: '-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE' }], docker), 'docker-masquerade', 'network "bridge1"');
    expect(finding?.fix).toBe('iptables -t nat -A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE');
  });
  it('IPv6 (27.x ip6tables): MASQUERADE of the IPv6 subnet deleted', () => {
    const [finding] = expectOnly(run(G2_V6, [{ remove: '-A POSTROUTING -s 2001:db8::/64 ! -o bridge1 -j MASQUERADE' }]), 'docker-masquerade', 'network "bridge1"');
    expect(finding?.fix).toMatch(/^ip6tables -t nat -A POSTROUTING/);
  });
});

describe.skipIf(!available)('docker-isolation', () => {
  it('G2: STAGE-2 DROP of bridge1 deleted', () => {
    const [finding] = expectOnly(run(G2, [{ remove: '-A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP' }]), 'docker-isolation', 'network "bridge1"');
    expect(finding?.fix).toBe('iptables -t filter -I DOCKER-ISOLATION-STAGE-2 1 -o bridge1 -j DROP');
  });
  it('G1a: one of the pairwise DROPs deleted', () => {
    expectOnly(run(G1A, [{ remove: '-A DOCKER-ISOLATION -i bridge1 -o docker0 -j DROP' }]), 'docker-isolation', 'network "bridge1"');
  });
  it('G2: STAGE-2 DROP re-added after the RETURN never runs', () => {
    const findings = run(G2, [
      { remove: '-A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP' },
      { append: '-A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP', after: '-A DOCKER-ISOLATION-STAGE-2 -j RETURN' },
    ]);
    const [finding] = expectOnly(findings, 'docker-isolation', 'network "bridge1"');
    expect(finding?.message).toContain('never runs');
  });
  it('28.2.2: bridge1 ACCEPTed in DOCKER-FORWARD before the isolation jump', () => {
    const findings = run(G3, [
      { remove: '-A DOCKER-FORWARD -i bridge1 -j ACCEPT' },
      { append: '-A DOCKER-FORWARD -i bridge1 -j ACCEPT', after: '-A DOCKER-CT -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' },
    ]);
    const [finding] = expectOnly(findings, 'docker-isolation', 'network "bridge1"');
    expect(finding?.message).toContain('despite isolation');
  });
});

describe.skipIf(!available)('docker-nat-return', () => {
  it('28.0.0: nat RETURN of bridge1 deleted', () => {
    const [finding] = expectOnly(run(G3_0, [{ remove: '-A DOCKER -i bridge1 -j RETURN' }]), 'docker-nat-return', 'network "bridge1"');
    expect(finding?.fix).toBe('iptables -t nat -I DOCKER 1 -i bridge1 -j RETURN');
  });
});

describe.skipIf(!available)('docker-icc', () => {
  it('G2 icc=false network: an ACCEPT between its containers inserted', () => {
    const findings = run(G2_NOICC, [{ append: '-A FORWARD -i bridge1 -o bridge1 -j ACCEPT', after: '-A FORWARD -i bridge1 ! -o bridge1 -j ACCEPT' }]);
    const [finding] = expectOnly(findings, 'docker-icc', 'network "bridge1"');
    expect(finding?.message).toContain('icc=false');
    expect(finding?.fix).toBe('iptables -t filter -D FORWARD -i bridge1 -o bridge1 -j ACCEPT');
  });
  it('28.2.2 icc=false network: its DROP deleted', () => {
    expectOnly(run(G3_NOICC, [{ remove: '-A DOCKER-FORWARD -i bridge1 -o bridge1 -j DROP' }]), 'docker-icc', 'network "bridge1"');
  });
});

describe.skipIf(!available)('docker-internal-network', () => {
  it('29.x: an internal network lost its outbound DROP', () => {
    const [finding] = expectOnly(run(G4_INTERNAL, [{ remove: '-A DOCKER-INTERNAL ! -d 192.0.2.0/24 -i bridgeICC -j DROP' }]), 'docker-internal-network', 'network "bridgeICC"');
    expect(finding?.fix).toBe('iptables -t filter -A DOCKER-INTERNAL ! -d 192.0.2.0/24 -i bridgeICC -j DROP');
  });
  it('29.x IPv6: an internal network lost its inbound DROP', () => {
    const findings = run(G4_INTERNAL_V6, [{ remove: '-A DOCKER-INTERNAL ! -s 2001:db8:2::/64 ! -i bridgeNoICC -o bridgeNoICC -j DROP' }]);
    const [finding] = expectOnly(findings, 'docker-internal-network', 'network "bridgeNoICC"');
    expect(finding?.fix).toBe('ip6tables -t filter -A DOCKER-INTERNAL ! -s 2001:db8:2::/64 ! -i bridgeNoICC -o bridgeNoICC -j DROP');
  });
  it('G1b: an internal network lost a DOCKER-ISOLATION DROP', () => {
    expectOnly(run(G1B_INTERNAL, [{ remove: '-A DOCKER-ISOLATION ! -s 198.51.100.0/24 -o bridgeNoICC -j DROP' }]), 'docker-internal-network', 'network "bridgeNoICC"');
  });
});

describe.skipIf(!available)('docker-published-port', () => {
  it('G2: the filter ACCEPT of the published port deleted', () => {
    const [finding] = expectOnly(run(G2, [{ remove: '-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT' }]), 'docker-published-port', 'network "bridge1"');
    expect(finding?.message).toContain('8080→80/tcp');
  });
  it('29.x with inspect JSON: the ACCEPT names another container address', () => {
    const docker = writeAndLoad({ networks: [DEFAULT_BRIDGE, bridge1()], containers: [C1] });
    const findings = run(G4, [{ replace: '-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT', with: '-A DOCKER -d 192.0.2.3/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT' }], docker);
    const [finding] = expectOnly(findings, 'docker-published-port', 'container "c1"');
    expect(finding?.message).toContain('container address 192.0.2.3/32 instead of 192.0.2.2/32');
  });
  it('29.x inferred: DNAT and ACCEPT disagree on the container address', () => {
    const findings = run(G4, [{ replace: '-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT', with: '-A DOCKER -d 192.0.2.3/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT' }]);
    const [finding] = expectOnly(findings, 'docker-published-port', 'network "bridge1"');
    expect(finding?.message).toContain('disagrees');
  });
  it('29.x userland proxy off: the hairpin MASQUERADE deleted', () => {
    expectOnly(run(G4_NOPROXY, [{ remove: '-A POSTROUTING -s 192.0.2.2/32 -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE' }]), 'docker-published-port', 'network "bridge1"');
  });
  it('29.x: the port ACCEPT moved below the bridge DROP is unreachable', () => {
    const findings = run(G4, [
      { remove: '-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT' },
      { append: '-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT', after: '-A DOCKER ! -i bridge1 -o bridge1 -j DROP' },
    ]);
    const [finding] = expectOnly(findings, 'docker-published-port', 'network "bridge1"');
    expect(finding?.message).toContain('never matches');
  });
  it('29.x IPv6: the DNAT deleted (port still known from its ACCEPT)', () => {
    const findings = run(G4_V6, [{ remove: '-A DOCKER ! -s fe80::/10 ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [2001:db8:1::2]:80' }]);
    const [finding] = expectOnly(findings, 'docker-published-port', 'network "bridge1"');
    expect(finding?.fix).toContain('ip6tables -t nat -A DOCKER ! -s fe80::/10 ! -i bridge1');
  });
});

describe.skipIf(!available)('docker-raw-protection', () => {
  it('29.x: the raw DROP of direct access to the container deleted', () => {
    const [finding] = expectOnly(run(G4, [{ remove: '-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -j DROP' }]), 'docker-raw-protection', 'network "bridge1"');
    expect(finding?.fix).toBe('iptables -t raw -A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -j DROP');
  });
  it('28.0.1: the loopback-only DROP of a port published on 127.0.0.1 deleted', () => {
    const [finding] = expectOnly(run(G3_LO, [{ remove: '-A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8080 -j DROP' }]), 'docker-raw-protection', 'network "bridge1"');
    expect(finding?.fix).toBe('iptables -t raw -A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8080 -j DROP');
  });
});

describe.skipIf(!available)('docker-stale-rule', () => {
  it('28.2.2: MASQUERADE and raw DROP of a removed network survive in built-in chains', () => {
    const findings = run(G3, [
      { append: '-A POSTROUTING -s 172.18.0.0/16 ! -o br-5c0f1e2d3a4b -j MASQUERADE', after: '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE' },
      { append: '-A PREROUTING -d 172.18.0.2/32 ! -i br-5c0f1e2d3a4b -j DROP', after: '-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -j DROP' },
    ]);
    const stale = expectOnly(findings, 'docker-stale-rule', 'br-5c0f1e2d3a4b');
    expect(stale).toHaveLength(2);
    expect(stale[0]?.message).toContain('never flushes');
  });
  it('G2: FORWARD rules of a removed network survive a daemon restart', () => {
    const findings = run(G2, [
      { append: '-A FORWARD -o br-0a1b2c3d4e5f -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', after: '-A FORWARD -j DOCKER-ISOLATION-STAGE-1' },
      { append: '-A FORWARD -o br-0a1b2c3d4e5f -j DOCKER', after: '-A FORWARD -o br-0a1b2c3d4e5f -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' },
    ]);
    expect(expectOnly(findings, 'docker-stale-rule', 'br-0a1b2c3d4e5f')).toHaveLength(2);
  });
  it('29.x: a DNAT rule present twice', () => {
    const dnat = '-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80';
    const [finding] = expectOnly(run(G4, [{ append: dnat, after: dnat }]), 'docker-stale-rule', 'network "bridge1"');
    expect(finding?.message).toContain('present twice');
  });
  it('28.0.0 ipset rule left in a 28.2.2 dump (upgrade without reboot)', () => {
    const findings = run(G3, [{ append: '-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', after: '-A FORWARD -j DOCKER-FORWARD' }]);
    const [finding] = expectOnly(findings, 'docker-stale-rule', 'another 28.x release');
    expect(finding?.fix).toBe('iptables -t filter -D FORWARD -m set --match-set docker-ext-bridges-v4 dst -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  });
  it('28.0.0 ipset rules left in a 29.x dump', () => {
    const findings = run(G4, [{ append: '-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -j DOCKER', after: '-A FORWARD -j DOCKER-FORWARD' }]);
    const [finding] = expectOnly(findings, 'docker-stale-rule', /Docker 28/);
    expect(finding?.fix).toBe('iptables -t filter -D FORWARD -m set --match-set docker-ext-bridges-v4 dst -j DOCKER');
  });
});

describe.skipIf(!available)('docker-forward-policy', () => {
  it('G2 with FORWARD policy ACCEPT: every container port is reachable', () => {
    const [finding] = only(run(G2, []), 'docker-forward-policy');
    expect(finding?.message).toContain('network "bridge1"');
    expect(finding?.message).toContain('every container port, published or not, is reachable');
    expect(finding?.fix).toContain('iptables -t filter -P FORWARD DROP');
  });
  it('G2 with FORWARD policy DROP: nothing to say', () => {
    expect(only(run(G2, [{ replace: '-P FORWARD ACCEPT', with: '-P FORWARD DROP' }]), 'docker-forward-policy')).toEqual([]);
  });
  it('29.x relies on its per-bridge DROP; only a bridge without it is exposed', () => {
    const [finding] = only(run(G4, [{ remove: '-A DOCKER ! -i bridge1 -o bridge1 -j DROP' }]), 'docker-forward-policy');
    expect(finding?.severity).toBe('warning');
    expect(finding?.message).toContain('network "bridge1"');
    expect(finding?.message).not.toContain('docker0');
  });
  it('29.x with every bridge protected and policy ACCEPT: an info that the host routes other traffic', () => {
    const [finding, ...rest] = only(run(G4, []), 'docker-forward-policy');
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe('info');
    expect(finding?.message).toContain('this host forwards any other traffic between its interfaces');
    expect(finding?.fix).toContain('iptables -t filter -P FORWARD DROP');
  });
  it('29.x with policy DROP, or a host meant to route: nothing to say', () => {
    expect(only(run(G4, [{ replace: '-P FORWARD ACCEPT', with: '-P FORWARD DROP' }]), 'docker-forward-policy')).toEqual([]);
    const { findings } = checkText(readListing(join(SHARED_DOCKER_RULES, G4)), { file: G4, rules: dockerRules, ruleOptions: { 'docker-forward-policy': { hostRoutes: true } } });
    expect(only(findings, 'docker-forward-policy')).toEqual([]);
  });
});
