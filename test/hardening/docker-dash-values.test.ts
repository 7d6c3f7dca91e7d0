/**
 * Crash bug of the long fuzz run (seed 20261128, cases 27776, 28420, 32893,
 * 45662, 87871): a bridge name or port that starts with `-` reached Docker's
 * rule templates and the filled-in text was read back as `iptables -S` text,
 * where `-i -1bridge1` looks like two options. Every Docker rule then failed
 * with an internal error and fell silent. Values are now filled into the
 * templates' parsed shapes, so they stay values; these real listings with
 * such names must give the findings of the original names, and hand edits
 * must still be reported.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import { describeFindings, edit, lintDocker, only, readListing, SHARED_DOCKER_RULES, sharedDataAvailable, type Edit } from '../docker/helpers.js';

const available = sharedDataAvailable('Docker rules on crafted bridge names');

const G2 = 'reconstructed/g2_v18.03.1+v18.05-v27.5__usernet-portmap.txt';
const G4 = 'iptablesdoc/v29.0.0-v29.7.2__usernet-portmap.txt';
const G4_V6 = 'reconstructed/v29.0.0-v29.7.2__usernet-portmap_ip6tables.txt';
const BRIDGE = '-1bridge1';

function listing(name: string): string {
  return readListing(join(SHARED_DOCKER_RULES, name));
}

function lint(name: string, text: string): Finding[] {
  return lintDocker(text, { file: name, family: name.includes('ip6tables') ? 'ipv6' : 'ipv4' }).findings;
}

function renamed(name: string, ...edits: Edit[]): Finding[] {
  return lint(name, edit(listing(name).replaceAll('bridge1', BRIDGE), ...edits));
}

function internalErrors(findings: readonly Finding[]): string[] {
  return describeFindings(findings.filter((finding) => finding.category === 'internal'));
}

describe.skipIf(!available)('bridge names and ports that start with "-"', () => {
  it.each([G2, G4, G4_V6])('%s: a bridge named -1bridge1 gives the findings of bridge1, under its own name', (name) => {
    const original = describeFindings(lint(name, listing(name)));
    const crafted = renamed(name);
    expect(internalErrors(crafted)).toEqual([]);
    expect(describeFindings(crafted)).toEqual(original.map((line) => line.replaceAll('bridge1', BRIDGE)));
  });

  it('29.x: the deleted DROP of a bridge named -1bridge1 is reported by docker-bridge-forwarding', () => {
    const findings = renamed(G4, { remove: `-A DOCKER ! -i ${BRIDGE} -o ${BRIDGE} -j DROP` });
    expect(internalErrors(findings)).toEqual([]);
    const [finding, ...rest] = only(findings, 'docker-bridge-forwarding');
    expect(rest).toEqual([]);
    expect(finding?.message).toContain(`network "${BRIDGE}"`);
    expect(finding?.fix).toBe(`iptables -t filter -A DOCKER ! -i ${BRIDGE} -o ${BRIDGE} -j DROP`);
  });

  it('G2 with a bridge named -1bridge1: the deleted jump to DOCKER-USER is reported by docker-chain-wiring', () => {
    const findings = renamed(G2, { remove: '-A FORWARD -j DOCKER-USER' });
    expect(internalErrors(findings)).toEqual([]);
    const [finding] = only(findings, 'docker-chain-wiring');
    expect(finding?.fix).toBe('iptables -t filter -I FORWARD 1 -j DOCKER-USER');
  });

  it('29.x (FORWARD ACCEPT): with the DROP of -1bridge1 deleted, docker-forward-policy names the bridge', () => {
    const findings = renamed(G4, { remove: `-A DOCKER ! -i ${BRIDGE} -o ${BRIDGE} -j DROP` });
    expect(internalErrors(findings)).toEqual([]);
    const [finding, ...rest] = only(findings, 'docker-forward-policy');
    expect(rest).toEqual([]);
    expect(finding?.message).toContain(`network "${BRIDGE}"`);
  });

  it('G2: a published port whose DNAT says --dport -080 is reported as a port mismatch, not a crash', () => {
    const findings = lint(G2, edit(listing(G2), { replace: '-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80', with: '-A DOCKER ! -i bridge1 -p tcp -m tcp --dport -080 -j DNAT --to-destination 192.0.2.2:-080' }));
    expect(internalErrors(findings)).toEqual([]);
    expect(describeFindings(only(findings, 'docker-published-port')).join('\n')).toContain('-080');
  });
});
