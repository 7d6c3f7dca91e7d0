/**
 * The trace API the CLI wires to `iptlint trace`: result shape, batch mode
 * (JSON lines in, JSON lines out, in order), input errors, the text form.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { analyzeDocker, loadDockerInputs } from '../../src/docker/index.js';
import { buildModel } from '../../src/model/build.js';
import { hostFromDocker } from '../../src/packet/host.js';
import { traceBatch, tracePacket, TraceInputError } from '../../src/packet/trace.js';
import { renderTrace } from '../../src/packet/trace-render.js';
import { DEFAULT_FIXTURE_DIR } from '../lab/fixtures.js';
import { UPLINK } from './helpers.js';

const CAPTURE = join(DEFAULT_FIXTURE_DIR, 'broken-docker-user-hostport');

function labHost() {
  const model = buildModel(parse(readFileSync(join(CAPTURE, 'iptables.rules'), 'utf8'), { file: 'iptables.rules' }));
  const docker = loadDockerInputs({ networksPath: join(CAPTURE, 'networks.json'), containersPath: join(CAPTURE, 'containers.json') });
  return hostFromDocker({ ipv4: model, docker: analyzeDocker(model, docker), topology: UPLINK });
}

describe('tracePacket', () => {
  const host = labHost();

  it('returns verdict, path, NAT rewrites and the output interface', () => {
    const result = tracePacket(host, { in: 'eth0', src: '192.0.2.2', dst: '192.0.2.1', proto: 'tcp', dport: 8080 });
    expect(result.packet).toEqual({ family: 'ipv4', src: '192.0.2.2', dst: '192.0.2.1', proto: 6, sport: 40000, dport: 8080, state: 'NEW', in: 'eth0' });
    expect(result.verdict).toBe('accepted');
    expect(result.out).toMatch(/^br-/);
    expect(result.nat.destination).toMatchObject({ from: '192.0.2.1:8080', to: '172.18.0.2:80', target: 'DNAT' });
    expect(result.path.every((hop) => typeof hop.table === 'string' && typeof hop.chain === 'string' && typeof hop.action === 'string')).toBe(true);
    expect(result.path.find((hop) => hop.action === 'ACCEPT')).toMatchObject({ table: 'filter', chain: 'DOCKER', rule: 1 });
    expect(result.connection).toBe('open');
  });

  it('shows the DOCKER-USER rule that drops the ctorigdstport form', () => {
    const result = tracePacket(host, { in: 'eth0', src: '192.0.2.2', dst: '192.0.2.1', proto: 'tcp', dport: 8081 });
    expect(result.verdict).toBe('dropped');
    expect(result.path.at(-1)).toMatchObject({ table: 'filter', chain: 'DOCKER-USER', rule: 1, action: 'DROP', ruleText: '-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8081 -j DROP' });
  });

  it('rejects bad input with a readable error', () => {
    expect(() => tracePacket(host, { src: 'nope', dst: '192.0.2.1', proto: 'tcp', dport: 1 })).toThrow(TraceInputError);
    expect(() => tracePacket(host, { src: '192.0.2.2', dst: '2001:db8::1', proto: 'tcp', dport: 1 })).toThrow(/different families/);
    expect(() => tracePacket(host, { src: '192.0.2.2', dst: '192.0.2.1', proto: 'tcp' })).toThrow(/dport is required/);
    expect(() => tracePacket(host, { src: '192.0.2.2', dst: '192.0.2.1', proto: 'bogus', dport: 1 })).toThrow(/unknown protocol/);
    expect(() => tracePacket(host, { src: '2001:db8::2', dst: '2001:db8::1', proto: 'tcp', dport: 1 })).toThrow(/no ip6tables dump/);
  });

  it('renders like -j TRACE, with the verdict, NAT and the reply', () => {
    const text = renderTrace(tracePacket(host, { in: 'eth0', src: '192.0.2.2', dst: '192.0.2.1', proto: 'tcp', dport: 8080 }));
    expect(text).toContain('packet  tcp 192.0.2.2:40000 → 192.0.2.1:8080  in eth0  NEW');
    expect(text).toMatch(/nat {6}DOCKER {21}#4 line 56 +-A DOCKER ! -i br-\w+ -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172\.18\.0\.2:80/);
    expect(text).toContain('ACCEPTED  out br-');
    expect(text).toContain('DNAT 192.0.2.1:8080 → 172.18.0.2:80  (line 56)');
    expect(text).toContain('connection OPEN');
    expect(text).not.toMatch(/\x1b\[/);
    expect(renderTrace(tracePacket(host, { in: 'eth0', src: '192.0.2.2', dst: '192.0.2.1', proto: 'tcp', dport: 8080 }), { color: true })).toMatch(/\x1b\[/);
  });
});

describe('traceBatch', () => {
  it('answers one JSON line per request line, in order, errors in place', async () => {
    const host = labHost();
    async function* lines(): AsyncGenerator<string> {
      yield JSON.stringify({ in: 'eth0', src: '192.0.2.2', dst: '192.0.2.1', proto: 'tcp', dport: 8081 });
      yield '';
      yield '{not json';
      yield JSON.stringify({ in: 'eth0', src: '192.0.2.2', dst: '172.18.0.2', proto: 'icmp' });
      yield JSON.stringify({ src: '192.0.2.2', dst: '192.0.2.1', proto: 'tcp', dport: 1, colour: 'blue' });
      yield JSON.stringify({ in: 'eth0', src: '192.0.2.2', dst: '192.0.2.1', proto: 'tcp', dport: 8080, state: 'ESTABLISHED' });
    }
    const out: unknown[] = [];
    for await (const line of traceBatch(host, lines())) out.push(JSON.parse(line));
    expect(out).toHaveLength(5);
    expect(out[0]).toMatchObject({ line: 1, verdict: 'dropped' });
    expect(out[1]).toMatchObject({ line: 3, error: expect.stringMatching(/JSON|Expected/) });
    expect(out[2]).toMatchObject({ line: 4, verdict: 'dropped' });
    expect(out[3]).toMatchObject({ line: 5, error: 'unknown key colour (expected in out src dst proto sport dport state icmpType)' });
    // An ESTABLISHED packet skips the nat table: without the conntrack entry's DNAT it goes to the host.
    expect(out[4]).toMatchObject({ line: 6, verdict: 'accepted', out: 'local' });
    expect((out[4] as { connection?: string }).connection).toBeUndefined();
  });
});
