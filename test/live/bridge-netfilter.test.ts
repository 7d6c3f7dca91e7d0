import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBridgeNetfilter } from '../../src/live/bridge-netfilter.js';

let procSys: string | undefined;
afterEach(() => {
  if (procSys !== undefined) rmSync(procSys, { recursive: true, force: true });
  procSys = undefined;
});

function fakeProcSys(values: Record<string, string>): string {
  procSys = mkdtempSync(join(tmpdir(), 'iptlint-procsys-'));
  mkdirSync(join(procSys, 'net/bridge'), { recursive: true });
  for (const [name, value] of Object.entries(values)) writeFileSync(join(procSys, 'net/bridge', name), value);
  return procSys;
}

describe('readBridgeNetfilter', () => {
  it('reads each family from its sysctl as the kernel prints it', () => {
    const read = readBridgeNetfilter(fakeProcSys({ 'bridge-nf-call-iptables': '0\n', 'bridge-nf-call-ip6tables': '1\n' }));
    expect(read.brNetfilter).toEqual({ ipv4: false, ipv6: true });
    expect(read.log).toEqual(['net.bridge.bridge-nf-call-iptables = 0', 'net.bridge.bridge-nf-call-ip6tables = 1']);
  });

  it('leaves a family out (the model keeps its default) when br_netfilter is not loaded or the value is odd', () => {
    const read = readBridgeNetfilter(fakeProcSys({ 'bridge-nf-call-ip6tables': 'yes\n' }));
    expect(read.brNetfilter).toEqual({});
    expect(read.log[0]).toMatch(/^net\.bridge\.bridge-nf-call-iptables: not readable .*br_netfilter not loaded\), assumed 1$/);
    expect(read.log[1]).toBe('net.bridge.bridge-nf-call-ip6tables: unexpected value "yes", assumed 1');
  });
});
