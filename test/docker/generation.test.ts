/**
 * Generation detection: every shared listing is recognised as the generation
 * its file name states, with evidence that points into the dump; a Docker
 * version string overrides the dump and conflicts are recorded.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { buildModel } from '../../src/model/build.js';
import { detectGeneration } from '../../src/docker/detect-generation.js';
import { generationOfVersion, parseDockerVersion } from '../../src/docker/docker-version.js';
import { goldenFiles, listings, readListing, sharedDataAvailable } from './helpers.js';
import type { Family } from '../../grammar/ast.js';
import { readFileSync } from 'node:fs';

function modelOf(text: string, family: Family = 'ipv4', file = 'dump.rules') {
  return buildModel(parse(text, { file, family }));
}

const available = sharedDataAvailable('Docker generation detection on the shared listings');

describe.skipIf(!available)('detects the generation of every shared listing', () => {
  const all = available ? listings() : [];
  it('has listings to check', () => expect(all.length).toBeGreaterThanOrEqual(78));
  for (const listing of all) {
    it(`${listing.name} → ${listing.generation}${listing.variant ? ` ${listing.variant}` : ''}`, () => {
      const detection = detectGeneration(modelOf(readListing(listing.path), listing.family, listing.name));
      expect(detection.generation).toBe(listing.generation);
      if (listing.variant) expect(detection.variant).toBe(listing.variant);
      expect(detection.decidedBy).toBe('dump');
      expect(detection.evidence.length).toBeGreaterThan(0);
      expect(detection.evidence.some((evidence) => evidence.span !== undefined)).toBe(true);
    });
  }
});

describe.skipIf(!available)('detects 29.x in the iptabler golden files', () => {
  const all = available ? goldenFiles() : [];
  it(`all ${all.length} golden files are G4, except the no-firewall ones`, () => {
    for (const golden of all) {
      const detection = detectGeneration(modelOf(readFileSync(golden.path, 'utf8'), golden.family, golden.name));
      // `no__*`: the iptabler with iptables disabled writes nothing at all.
      expect(detection.generation, golden.name).toBe(golden.name.startsWith('no__') ? null : 'G4');
    }
  });
});

describe('28.x sub-variants from raw-table evidence', () => {
  const g3 = (raw: string) => `*raw\n:PREROUTING ACCEPT [0:0]\n${raw}\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-FORWARD - [0:0]\n:DOCKER-ISOLATION-STAGE-1 - [0:0]\n-A FORWARD -j DOCKER-FORWARD\n-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1\nCOMMIT\n`;
  it('per-endpoint raw DROP → 28.2+', () => {
    const detection = detectGeneration(modelOf(g3('-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -j DROP')));
    expect(detection).toMatchObject({ generation: 'G3', variant: '28.2+' });
    expect(detection.evidence.map((evidence) => evidence.fact).join('\n')).toContain('per endpoint');
  });
  it('per-port raw DROP → 28.0.1–28.1', () => {
    const detection = detectGeneration(modelOf(g3('-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -p tcp -m tcp --dport 80 -j DROP')));
    expect(detection).toMatchObject({ generation: 'G3', variant: '28.0.1-28.1' });
  });
});

describe('Docker version strings', () => {
  const cases: [string, string | null][] = [
    ['1.9.1', null],
    ['1.13.1', 'G1a'],
    ['17.05.0-ce', 'G1a'],
    ['17.06.2-ce', 'G1b'],
    ['18.03.0-ce', 'G1b'],
    ['18.03.1-ce', 'G2'],
    ['18.04.0-ce', 'G1b'],
    ['18.05.0-ce', 'G2'],
    ['Docker version 20.10.24+dfsg1, build 297e128', 'G2'],
    ['27.5.1', 'G2'],
    ['v28.0.0', 'G3'],
    ['28.3.3', 'G3'],
    ['docker-v29.1.0', 'G4'],
  ];
  for (const [text, generation] of cases) {
    it(`${text} → ${generation ?? 'none'}`, () => {
      const version = parseDockerVersion(text);
      expect(version).not.toBeNull();
      if (version) expect(generationOfVersion(version).generation).toBe(generation);
    });
  }
  it('28.x variants', () => {
    const variant = (text: string) => {
      const version = parseDockerVersion(text);
      return version ? generationOfVersion(version).variant : undefined;
    };
    expect(variant('28.0.0')).toBe('28.0.0');
    expect(variant('28.1.1')).toBe('28.0.1-28.1');
    expect(variant('28.2.2')).toBe('28.2+');
  });
});

describe('version override', () => {
  const g2 = `*filter\n:FORWARD DROP [0:0]\n:DOCKER-ISOLATION-STAGE-1 - [0:0]\n:DOCKER-ISOLATION-STAGE-2 - [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n-A DOCKER-ISOLATION-STAGE-1 -j RETURN\n-A DOCKER-ISOLATION-STAGE-2 -j RETURN\nCOMMIT\n`;
  it('agreeing version: decided by the version, no conflict', () => {
    const detection = detectGeneration(modelOf(g2), '20.10.24');
    expect(detection).toMatchObject({ generation: 'G2', decidedBy: 'version', dumpGeneration: 'G2' });
    expect(detection.conflict).toBeUndefined();
  });
  it('disagreeing version wins and records the conflict', () => {
    const detection = detectGeneration(modelOf(g2), '28.3.1');
    expect(detection).toMatchObject({ generation: 'G3', variant: '28.2+', dumpGeneration: 'G2' });
    expect(detection.conflict).toContain('G2');
  });
  it('29.x with no Docker chains in the dump → nftables backend', () => {
    const leftover = `*filter\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\nCOMMIT\n`;
    expect(detectGeneration(modelOf(leftover)).generation).toBeNull();
    const detection = detectGeneration(modelOf(leftover), '29.0.1');
    expect(detection.generation).toBe('G4-nft');
    expect(detection.evidence.map((evidence) => evidence.fact).join('\n')).toMatch(/DOCKER-USER/);
  });
  it('a non-Docker dump stays non-Docker whatever the version', () => {
    const plain = `*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n`;
    expect(detectGeneration(modelOf(plain), '20.10.24').generation).toBeNull();
  });
});
