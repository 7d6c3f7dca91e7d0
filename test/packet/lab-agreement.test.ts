/**
 * Ground truth: every kernel probe of every committed Real-Docker lab capture
 * (fixtures/docker{,-26.1,-28.5}/<scenario>/probes.json of every Docker engine, or
 * IPTLINT_LAB_FIXTURES) must be
 * reproduced by the packet model — same verdict, and for open probes the same
 * answering container and the same client address as the server saw it
 * (which checks the NAT model). Prints the agreement rate per scenario.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { tracePacket } from '../../src/packet/trace.js';
import { captureLabel, describeProbe, labCaptureDirs, labWorld, LAB_ROOT, modelProbe, type WorldOverrides } from './lab-world.js';

const dirs = labCaptureDirs();
if (dirs.length === 0) console.warn(`SKIPPED: no lab captures under ${LAB_ROOT} yet (see test/lab/README.md)`);

const rates: { scenario: string; agreed: number; total: number; seen: number; seenTotal: number }[] = [];

afterAll(() => {
  if (rates.length === 0) return;
  const total = rates.reduce((sum, rate) => sum + rate.total, 0);
  const agreed = rates.reduce((sum, rate) => sum + rate.agreed, 0);
  const lines = rates.map(
    (rate) => `  ${rate.scenario.padEnd(44)} ${String(rate.agreed).padStart(4)}/${String(rate.total).padEnd(4)} verdicts ${((100 * rate.agreed) / rate.total).toFixed(1).padStart(5)}%   served-by/seen-source ${rate.seen}/${rate.seenTotal}`,
  );
  console.log(`packet model vs kernel probes (${LAB_ROOT}):\n${lines.join('\n')}\n  ${'total'.padEnd(44)} ${agreed}/${total} = ${((100 * agreed) / total).toFixed(2)}%`);
});

describe.skipIf(dirs.length === 0)('packet model agrees with the kernel on every lab probe', () => {
  for (const dir of dirs) {
    const scenario = captureLabel(dir);
    it(scenario, () => {
      const world = labWorld(dir);
      const disagreements: string[] = [];
      const details: string[] = [];
      let agreed = 0;
      let seen = 0;
      let seenTotal = 0;
      for (const probe of world.capture.probes) {
        const model = modelProbe(world, probe);
        if (model.result === probe.result) agreed++;
        else disagreements.push(`${describeProbe(probe)}: kernel ${probe.result}${probe.detail ? ` (${probe.detail})` : ''}, model ${model.result} — ${model.why}`);
        if (probe.result === 'open' && model.result === 'open' && probe.servedBy !== undefined) {
          seenTotal++;
          const same = (probe.servedBy ?? '') === (model.servedBy ?? '') && (probe.seenSource ?? '') === (model.seenSource ?? '');
          if (same) seen++;
          else details.push(`${describeProbe(probe)}: kernel served by ${probe.servedBy ?? '?'} seeing ${probe.seenSource ?? '?'}, model ${model.servedBy ?? '?'} seeing ${model.seenSource ?? '?'}`);
        }
      }
      rates.push({ scenario, agreed, total: world.capture.probes.length, seen, seenTotal });
      expect(disagreements).toEqual([]);
      expect(details).toEqual([]);
    });
  }
});

/** The agreement is not vacuous: models that skip what the kernel does disagree with it. */
describe.skipIf(!existsSync(join(LAB_ROOT, 'broken-isolation-one-side')))('the lab catches a model that cuts corners', () => {
  const disagreements = (scenario: string, overrides: WorldOverrides): number => {
    const world = labWorld(join(LAB_ROOT, scenario), overrides);
    return world.capture.probes.filter((probe) => modelProbe(world, probe).result !== probe.result).length;
  };

  it('judging the first packet alone misses replies dropped by the isolation chains', () => {
    const world = labWorld(join(LAB_ROOT, 'broken-isolation-one-side'));
    const crossing = world.capture.probes.filter((probe) => probe.from.network === 'appnet' && probe.to.network === 'dbnet' && probe.proto === 'tcp');
    expect(crossing.length).toBeGreaterThan(0);
    for (const probe of crossing) {
      const packet = tracePacket(world.host, { in: world.host.networks.find((n) => n.name === 'appnet')?.bridge ?? '', src: probe.from.address ?? '', dst: probe.to.address ?? '', proto: 'tcp', dport: 80 });
      expect([probe.result, packet.verdict, packet.connection]).toEqual(['blocked', 'accepted', 'closed']);
    }
  });

  it('assuming br_netfilter where it is off, or docker-proxy where it is not, disagrees', () => {
    expect(disagreements('broken-br-netfilter-off', { brNetfilter: true })).toBeGreaterThan(0);
    expect(disagreements('published-ports', { userlandProxy: false })).toBeGreaterThan(0);
  });
});
